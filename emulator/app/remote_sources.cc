#include "emulator/app/remote_sources.h"

#include <vector>

#include "emulator/core/clock.h"

namespace hayloft::app {

remote_message_source::remote_message_source(http::aws_client& aws) : aws_(aws) {}

remote_message_source::~remote_message_source() {
  std::vector<receive_done> to_complete;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(pending_mutex_);
    for (auto& [token, p] : pending_) {
      if (p->done) {
        to_complete.push_back(std::move(p->done));
        p->done = nullptr;
        p->abort.abort();
      }
    }
  }
  for (auto& done : to_complete) done(std::vector<consumer::queue_message>{});
  {
    std::lock_guard lock(pending_mutex_);
    for (auto& [token, p] : pending_) threads.push_back(std::move(p->thread));
  }
  // Outside the lock: a poll thread takes it once more before it ends.
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

result<std::string> remote_message_source::queue_url(const std::string& queue) {
  if (queue.starts_with("http://") || queue.starts_with("https://")) return queue;
  {
    std::lock_guard lock(urls_mutex_);
    if (auto it = urls_.find(queue); it != urls_.end()) return it->second;
  }
  auto url = aws_.get_queue_url(queue);
  if (!url.ok()) return url.err();
  std::lock_guard lock(urls_mutex_);
  urls_[queue] = *url;
  return url;
}

std::uint64_t remote_message_source::receive(const std::string& queue, int max,
                                             std::chrono::seconds wait, receive_done done) {
  std::lock_guard lock(pending_mutex_);
  reap_locked();
  const auto token = ++next_token_;
  auto p = std::make_unique<pending>();
  p->done = std::move(done);
  auto* raw = p.get();
  pending_[token] = std::move(p);
  raw->thread =
      std::thread([this, token, raw, queue, max, wait] { poll(token, raw, queue, max, wait); });
  return token;
}

void remote_message_source::poll(std::uint64_t, pending* p, std::string queue, int max,
                                 std::chrono::seconds wait) {
  result<std::vector<consumer::queue_message>> out = std::vector<consumer::queue_message>{};
  auto url = queue_url(queue);
  if (!url.ok()) {
    out = url.err();
  } else {
    auto r = aws_.receive_message(*url, max, wait, &p->abort);
    if (!r.ok()) {
      out = r.err();
    } else {
      std::vector<consumer::queue_message> messages;
      for (auto& m : *r)
        messages.push_back({std::move(m.message_id), std::move(m.receipt_handle), std::move(m.body),
                            m.receive_count});
      out = std::move(messages);
    }
  }
  receive_done done;
  {
    std::lock_guard lock(pending_mutex_);
    done = std::move(p->done);
    p->done = nullptr;
  }
  // Cancelled: done already ran with no messages, and this (late) reply is dropped.
  if (done) done(std::move(out));
  std::lock_guard lock(pending_mutex_);
  p->finished = true;
}

void remote_message_source::reap_locked() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second->finished) {
      // The thread has nothing left to do but return.
      it->second->thread.join();
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

void remote_message_source::cancel(std::uint64_t token) {
  receive_done done;
  {
    std::lock_guard lock(pending_mutex_);
    auto it = pending_.find(token);
    if (it == pending_.end() || !it->second->done) return;
    done = std::move(it->second->done);
    it->second->done = nullptr;
    it->second->abort.abort();
  }
  done(std::vector<consumer::queue_message>{});
}

result<void> remote_message_source::remove(const std::string& queue,
                                           const std::string& receipt_handle) {
  auto url = queue_url(queue);
  if (!url.ok()) return url.err();
  return aws_.delete_message(*url, receipt_handle);
}

remote_object_source::remote_object_source(http::aws_client& aws, std::uint64_t max_bytes)
    : aws_(aws), max_bytes_(max_bytes) {}

result<consumer::object_data> remote_object_source::get(const std::string& bucket,
                                                        const std::string& key) {
  auto o = aws_.get_object(bucket, key, max_bytes_);
  if (!o.ok()) return o.err();
  consumer::object_data out{std::move(o->bytes), std::move(o->etag), std::move(o->content_type)};
  // The object's version for a shared document store: an older one never replaces a newer one.
  if (core::time_point t; !o->last_modified.empty() && core::parse_http_date(o->last_modified, t))
    out.last_modified_ms = core::to_unix_ms(t);
  return out;
}

}  // namespace hayloft::app
