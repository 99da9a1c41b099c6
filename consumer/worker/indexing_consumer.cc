#include "consumer/worker/indexing_consumer.h"

#include "consumer/worker/message_body.h"

namespace hayloft::consumer {

indexing_consumer::indexing_consumer(consumer_settings settings, message_source& messages, object_source& objects,
                                     indexing_pipeline& pipeline, core::task_runner& pool, core::clock& clock,
                                     log_fn log, core::metrics_registry* metrics)
    : settings_(std::move(settings)),
      messages_(messages),
      objects_(objects),
      pipeline_(pipeline),
      pool_(pool),
      clock_(clock),
      log_(std::move(log)),
      metrics_(metrics) {}

indexing_consumer::~indexing_consumer() {
  std::lock_guard lock(state_mutex_);
  if (retry_pending_) clock_.cancel(retry_timer_);
}

void indexing_consumer::start() {
  log_("indexing consumer started: queue=" + settings_.queue + " bucket=" + settings_.bucket +
       " embedder=" + std::string(pipeline_.embedder().name()));
  receive_next();
}

void indexing_consumer::receive_next() {
  std::uint64_t generation;
  {
    std::lock_guard lock(state_mutex_);
    if (stopping_) return;
    receiving_ = true;
    generation = ++receive_generation_;
  }
  auto token = messages_.receive(settings_.queue, settings_.max_messages, settings_.wait,
                                 [this](result<std::vector<queue_message>> r) {
                                   // Continue on the pool: never recurse into receive() from its callback.
                                   auto shared = std::make_shared<result<std::vector<queue_message>>>(std::move(r));
                                   pool_.post([this, shared] { on_received(std::move(*shared)); });
                                 });
  bool withdraw = false;
  {
    std::lock_guard lock(state_mutex_);
    // The callback may already have run (and a newer receive started): keep only our own token.
    if (receiving_ && receive_generation_ == generation) {
      receive_token_ = token;
      withdraw = stopping_;  // stop() ran before the token was known
    }
  }
  if (withdraw && token) messages_.cancel(token);
}

void indexing_consumer::on_received(result<std::vector<queue_message>> r) {
  {
    std::lock_guard lock(state_mutex_);
    receiving_ = false;
    receive_token_ = 0;
    if (stopping_) {
      // Messages received while stopping are left for their visibility timeout.
      processing_ = false;
    }
  }
  if (!r.ok()) {
    ++errors_;
    log_("receive from " + settings_.queue + " failed: " + r.err().message + "; retrying in " +
         std::to_string(settings_.error_backoff.count()) + "s");
    std::lock_guard lock(state_mutex_);
    if (stopping_) return finish_if_stopped();
    retry_pending_ = true;
    retry_timer_ = clock_.call_after(settings_.error_backoff, [this] {
      {
        std::lock_guard l(state_mutex_);
        retry_pending_ = false;
      }
      pool_.post([this] { receive_next(); });
    });
    return;
  }
  {
    std::lock_guard lock(state_mutex_);
    if (stopping_) return finish_if_stopped();
    processing_ = !r->empty();
  }
  if (!r->empty()) process(std::move(r).value());
  if (store_down_) return wait_for_store(settings_.store_backoff);
  receive_next();
}

void indexing_consumer::wait_for_store(std::chrono::milliseconds delay) {
  std::lock_guard lock(state_mutex_);
  if (stopping_) return finish_if_stopped();
  retry_pending_ = true;
  retry_timer_ = clock_.call_after(std::chrono::duration_cast<core::duration>(delay), [this, delay] {
    {
      std::lock_guard l(state_mutex_);
      retry_pending_ = false;
    }
    pool_.post([this, delay] {
      auto ok = pipeline_.ping_store();
      if (ok.ok()) {
        store_down_ = false;
        log_("document store reachable again: receiving");
        return receive_next();
      }
      auto next = std::min(delay * 2, settings_.store_backoff_max);
      log_("document store still unreachable (" + ok.err().message + "); next try in " +
           std::to_string(next.count()) + " ms");
      wait_for_store(next);
    });
  });
}

void indexing_consumer::process(std::vector<queue_message> batch) {
  for (const auto& m : batch) {
    {
      std::lock_guard lock(state_mutex_);
      if (stopping_) break;
    }
    // The rest of the batch waits for its visibility timeout rather than fail one by one.
    if (store_down_) break;
    if (handle(m)) {
      if (auto d = messages_.remove(settings_.queue, m.receipt_handle); !d.ok())
        log_("delete of message " + m.message_id + " failed: " + d.err().message);
    }
  }
  std::lock_guard lock(state_mutex_);
  processing_ = false;
  finish_if_stopped();
}

// Returns true when the message may be deleted (everything it names is indexed or removed).
bool indexing_consumer::handle(const queue_message& m) {
  auto refs = parse_message_body(m.body, settings_.bucket);
  if (!refs.ok()) {
    ++errors_;
    log_("message " + m.message_id + " rejected: " + refs.err().message + " (left for the redrive policy)");
    return false;
  }
  bool all_done = true;
  for (const auto& ref : *refs) {
    auto started = std::chrono::steady_clock::now();
    if (ref.removed) {
      if (auto r = pipeline_.remove({settings_.index, ref.bucket, ref.key, ""}); !r.ok()) {
        all_done = false;
        if (r.code() == make_error_code(docstore_errc::unavailable)) store_down_ = true;
        log_("cannot drop documents of s3://" + ref.bucket + "/" + ref.key + ": " + r.err().message);
      } else {
        log_("removed documents of s3://" + ref.bucket + "/" + ref.key);
      }
      continue;
    }
    auto obj = objects_.get(ref.bucket, ref.key);
    if (!obj.ok()) {
      ++errors_;
      all_done = false;
      log_("cannot fetch s3://" + ref.bucket + "/" + ref.key + ": " + obj.err().message +
           " (receive " + std::to_string(m.receive_count) + ", left for the redrive policy)");
      if (metrics_) metrics_->counter("hayloft_consumer_errors_total", "Files the consumer could not index.", {{"reason", "fetch"}}).inc();
      continue;
    }
    source_ref src{settings_.index, ref.bucket, ref.key, obj->etag, obj->last_modified_ms};
    auto stats = pipeline_.index(src, obj->bytes, log_);
    if (!stats.ok() && stats.code() == make_error_code(docstore_errc::unavailable)) {
      store_down_ = true;
      ++store_outages_;  // before the line that tells of it, so whoever reads the log sees it counted
      log_("cannot store s3://" + ref.bucket + "/" + ref.key + ": " + stats.err().message +
           " (the message stays in the queue; pausing until the document store answers)");
      if (metrics_) metrics_->counter("hayloft_consumer_errors_total", "Files the consumer could not index.", {{"reason", "store"}}).inc();
      return false;
    }
    if (!stats.ok()) {
      ++errors_;
      all_done = false;
      log_("cannot index s3://" + ref.bucket + "/" + ref.key + ": " + stats.err().message +
           " (receive " + std::to_string(m.receive_count) + ", left for the redrive policy)");
      if (metrics_) metrics_->counter("hayloft_consumer_errors_total", "Files the consumer could not index.", {{"reason", "convert"}}).inc();
      continue;
    }
    if (stats->unchanged) {
      log_("s3://" + ref.bucket + "/" + ref.key + " is already indexed with ETag " + obj->etag);
      continue;
    }
    ++files_indexed_;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log_("indexed s3://" + ref.bucket + "/" + ref.key + " (" + std::to_string(stats->docs) + " docs, " +
         std::to_string(stats->chunks) + " chunks, " + std::to_string(static_cast<int>(secs * 1000)) + " ms)");
    if (metrics_) {
      metrics_->counter("hayloft_consumer_files_total", "Files indexed by the consumer.").inc();
      metrics_->counter("hayloft_consumer_chunks_total", "Chunks written by the consumer.").inc(static_cast<double>(stats->chunks));
      metrics_->histogram("hayloft_consumer_file_seconds", "Time to index one file.").observe(secs);
    }
  }
  return all_done;
}

void indexing_consumer::stop(std::function<void()> stopped) {
  std::uint64_t token = 0;
  {
    std::lock_guard lock(state_mutex_);
    stopping_ = true;
    stopped_ = std::move(stopped);
    if (retry_pending_ && clock_.cancel(retry_timer_)) retry_pending_ = false;
    token = receiving_ ? receive_token_ : 0;
    if (!receiving_) finish_if_stopped();
  }
  if (token) messages_.cancel(token);
}

void indexing_consumer::finish_if_stopped() {
  // Called with state_mutex_ held.
  if (!stopping_ || receiving_ || processing_ || retry_pending_ || !stopped_) return;
  auto fn = std::move(stopped_);
  stopped_ = nullptr;
  pool_.post(std::move(fn));
}

}  // namespace hayloft::consumer
