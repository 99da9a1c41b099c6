#include "emulator/app/consumer_workload.h"

#include <condition_variable>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <mutex>

#include "consumer/worker/indexing_consumer.h"
#include "sqs/service/receive_canceller.h"
#include "sqs/service/service.h"

namespace hayloft::app {
namespace {

// consumer::message_source over the in-process SQS service.
class sqs_source final : public consumer::message_source {
 public:
  explicit sqs_source(sqs::service& s) : sqs_(s) {}

  std::uint64_t receive(const std::string& queue, int max, std::chrono::seconds wait, receive_done done) override {
    auto canceller = std::make_shared<sqs::receive_canceller>();
    std::uint64_t token;
    {
      std::lock_guard lock(mutex_);
      token = ++next_token_;
      pending_[token] = canceller;
    }
    sqs::api::receive_message_request r;
    r.queue_url = queue;
    r.max_number_of_messages = max;
    r.wait_time_seconds = wait.count();
    r.attribute_names = {"ApproximateReceiveCount"};
    r.canceller = std::move(canceller);
    sqs_.receive(std::move(r), [this, token, done = std::move(done)](result<sqs::api::receive_result> res) {
      {
        std::lock_guard lock(mutex_);
        pending_.erase(token);
      }
      if (!res.ok()) return done(res.err());
      std::vector<consumer::queue_message> out;
      for (auto& m : res->messages) {
        int count = 1;
        for (auto& [k, v] : m.attributes)
          if (k == "ApproximateReceiveCount") count = std::atoi(v.c_str());
        out.push_back({std::move(m.message_id), std::move(m.receipt_handle), std::move(m.body), count});
      }
      done(std::move(out));
    });
    return token;
  }
  // Withdraws the long poll: a terminating pod stops at once instead of waiting it out.
  void cancel(std::uint64_t token) override {
    std::shared_ptr<sqs::receive_canceller> c;
    {
      std::lock_guard lock(mutex_);
      auto it = pending_.find(token);
      if (it == pending_.end()) return;
      c = it->second;
    }
    c->cancel();
  }
  result<void> remove(const std::string& queue, const std::string& receipt) override {
    std::promise<result<void>> p;
    sqs_.delete_message(queue, receipt, [&p](result<void> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }

 private:
  sqs::service& sqs_;
  std::mutex mutex_;  // guards next_token_ and pending_
  std::uint64_t next_token_ = 0;
  std::map<std::uint64_t, std::shared_ptr<sqs::receive_canceller>> pending_;
};

// consumer::object_source over the in-process S3 service.
class s3_source final : public consumer::object_source {
 public:
  explicit s3_source(s3::service& s) : s3_(s) {}
  result<consumer::object_data> get(const std::string& bucket, const std::string& key) override {
    auto obj = s3_.get_object(bucket, key);
    if (!obj.ok()) return obj.err();
    consumer::object_data out;
    std::string etag = obj->etag;
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    out.etag = std::move(etag);
    out.content_type = obj->content_type;
    out.last_modified_ms = core::to_unix_ms(obj->last_modified);
    if (obj->file) {
      std::ifstream in(*obj->file, std::ios::binary);
      if (!in) return hayloft::error{std::make_error_code(std::errc::io_error), "cannot read the object's body"};
      out.bytes.assign(std::istreambuf_iterator<char>(in), {});
    } else {
      out.bytes = std::move(obj->bytes);
    }
    return out;
  }

 private:
  s3::service& s3_;
};

std::string env_or(const std::map<std::string, std::string>& env, const std::string& name, const std::string& fallback) {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

orchestrator::pods::workload_main make_indexing_consumer_workload(consumer_bindings b) {
  return [b](orchestrator::pods::pod_context& ctx) -> int {
    auto log = [&ctx](const std::string& line) { ctx.log(line); };
    log("loading embedder...");
    auto model = b.embedder.get();
    if (!model.ok()) {
      log("cannot load the embedder: " + model.err().message);
      return 1;
    }
    sqs_source messages(b.sqs);
    s3_source objects(b.s3);
    // Through the lazy embedder (loaded by now) so its latency reaches /metrics.
    consumer::indexing_pipeline pipeline(b.settings, b.embedder, b.docs);
    consumer::consumer_settings settings;
    settings.queue = env_or(ctx.env, "SQS_QUEUE", "test-queue");
    settings.bucket = env_or(ctx.env, "S3_BUCKET", "test-bucket");
    settings.index = env_or(ctx.env, "HAYLOFT_INDEX", "default");
    // Long polls as the reference consumer makes them; a terminating pod withdraws its wait.
    settings.wait = std::chrono::seconds(20);
    consumer::indexing_consumer consumer(settings, messages, objects, pipeline, b.pipeline_pool, b.clock, log, b.metrics);
    consumer.start();
    ctx.ready();
    std::mutex m;
    std::condition_variable_any cv;
    {
      std::unique_lock lock(m);
      cv.wait(lock, ctx.stop, [] { return false; });
    }
    log("stopping: finishing the message in hand");
    std::promise<void> stopped;
    consumer.stop([&stopped] { stopped.set_value(); });
    stopped.get_future().wait();
    log("stopped (" + std::to_string(consumer.files_indexed()) + " files indexed)");
    return 0;
  };
}

}  // namespace hayloft::app
