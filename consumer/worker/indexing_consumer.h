#pragma once
// One indexing consumer, as one pod runs it: receive up to 10 messages, index the object each
// names, delete each message only after its documents are committed, repeat.
//
// Failure handling follows the queue's redrive policy: a message whose object is missing or
// cannot be converted is logged with the reason and left alone, so it reappears after its
// visibility timeout and reaches the dead-letter queue after maxReceiveCount. Re-delivery of
// an object already indexed with the same ETag only deletes the message.
//
// A document store that cannot be reached (a shared PostgreSQL down or restarting) is not the
// message's fault: the consumer stops taking messages, leaves the batch in hand for its
// visibility timeout (nothing is deleted unstored), and pings the store with capped exponential
// back-off; it receives again once the store answers.
//
// Threading: receives are asynchronous (no thread waits on a long poll); each batch is processed
// on the pipeline pool, one message after another. stop() may be called from any thread.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "consumer/worker/pipeline.h"
#include "consumer/worker/sources.h"
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/metrics.h"

namespace hayloft::consumer {

struct consumer_settings {
  std::string queue = "test-queue";   // SQS_QUEUE
  std::string bucket = "test-bucket"; // S3_BUCKET
  std::string index = "default";
  int max_messages = 10;
  std::chrono::seconds wait{20};
  std::chrono::seconds error_backoff{5};  // after a failed receive
  // Pings of an unreachable document store: first after `store_backoff`, doubling up to the cap.
  std::chrono::milliseconds store_backoff{500};
  std::chrono::milliseconds store_backoff_max{30000};
};

class indexing_consumer {
 public:
  using log_fn = std::function<void(const std::string&)>;
  indexing_consumer(consumer_settings settings, message_source& messages, object_source& objects,
                    indexing_pipeline& pipeline, core::task_runner& pool, core::clock& clock, log_fn log,
                    core::metrics_registry* metrics = nullptr);
  ~indexing_consumer();

  void start();
  // Stops receiving. The message being indexed is finished; messages not yet started are left
  // for their visibility timeout. `stopped` runs once nothing is in progress (any thread).
  void stop(std::function<void()> stopped);

  std::uint64_t files_indexed() const { return files_indexed_; }
  // Times the consumer paused because the document store was unreachable.
  std::uint64_t store_outages() const { return store_outages_; }
  std::uint64_t errors() const { return errors_; }

 private:
  void receive_next();
  void on_received(result<std::vector<queue_message>> r);
  void process(std::vector<queue_message> batch);
  bool handle(const queue_message& m);
  void finish_if_stopped();
  // Waits `delay`, pings the store, and either receives again or waits twice as long.
  void wait_for_store(std::chrono::milliseconds delay);

  consumer_settings settings_;
  message_source& messages_;
  object_source& objects_;
  indexing_pipeline& pipeline_;
  core::task_runner& pool_;
  core::clock& clock_;
  log_fn log_;
  core::metrics_registry* metrics_;

  std::mutex state_mutex_;  // guards the fields below
  bool stopping_ = false;
  bool receiving_ = false;
  bool processing_ = false;
  bool retry_pending_ = false;
  std::uint64_t receive_token_ = 0;
  std::uint64_t receive_generation_ = 0;
  core::clock::timer_id retry_timer_ = 0;
  std::function<void()> stopped_;

  std::atomic<std::uint64_t> files_indexed_{0}, errors_{0}, store_outages_{0};
  std::atomic<bool> store_down_{false};  // set by handle() when a write failed as unavailable
};

}  // namespace hayloft::consumer
