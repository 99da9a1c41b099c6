#pragma once
// The indexing consumer's message_source and object_source over an aws_client: the standalone
// `hayloft consume` reads any SQS queue and S3 bucket over HTTP(S) with SigV4 (hayloft, another
// emulator or real AWS).
//
// Long polls: each receive() runs one blocking ReceiveMessage on a thread of its own, so no
// caller thread waits. cancel() completes that receive at once with no messages and aborts the
// HTTP request (its connection is closed); a reply that still arrives is discarded. Messages the
// queue had already handed to the cancelled poll are invisible for the queue's visibility
// timeout and then reappear: cancelling never loses a message, but can delay one.
//
// Queue names: `queue` may be a name (resolved once with GetQueueUrl and cached) or a queue URL
// (http:// or https://, used as is).
//
// Threading: all methods are thread-safe. The destructor aborts pending receives and joins
// their threads; their `done` callbacks have all run when it returns.
#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "consumer/worker/sources.h"
#include "emulator/http/aws_client.h"

namespace hayloft::app {

class remote_message_source final : public consumer::message_source {
 public:
  explicit remote_message_source(http::aws_client& aws);
  ~remote_message_source() override;

  std::uint64_t receive(const std::string& queue, int max, std::chrono::seconds wait,
                        receive_done done) override;
  void cancel(std::uint64_t token) override;
  result<void> remove(const std::string& queue, const std::string& receipt_handle) override;

  // The queue URL for a name or URL (cached after the first GetQueueUrl). Blocking.
  result<std::string> queue_url(const std::string& queue);

 private:
  struct pending {
    receive_done done;  // empty once completed (by the poll or by cancel)
    http::abort_signal abort;
    bool finished = false;  // the poll thread is done and may be joined
    std::thread thread;
  };
  void poll(std::uint64_t token, pending* p, std::string queue, int max, std::chrono::seconds wait);
  void reap_locked();

  http::aws_client& aws_;
  std::mutex urls_mutex_;  // guards urls_
  std::map<std::string, std::string> urls_;
  std::mutex pending_mutex_;  // guards pending_, next_token_ and each pending's done/finished
  std::map<std::uint64_t, std::unique_ptr<pending>> pending_;
  std::uint64_t next_token_ = 0;
};

class remote_object_source final : public consumer::object_source {
 public:
  // Objects larger than `max_bytes` fail with client_errc::response_too_large.
  remote_object_source(http::aws_client& aws, std::uint64_t max_bytes);
  result<consumer::object_data> get(const std::string& bucket, const std::string& key) override;

 private:
  http::aws_client& aws_;
  std::uint64_t max_bytes_;
};

}  // namespace hayloft::app
