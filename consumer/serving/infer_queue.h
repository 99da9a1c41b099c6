#pragma once
// The embedding server's bounded request queue: I/O threads push infer jobs, the workload's own
// thread pops them in batches (dynamic batching: whatever is queued when the thread comes back
// for more, up to a number of texts) and runs the model once per batch. Its depth is the
// server's real backlog (nv_inference_pending_request_count).
//
// Thread-safe. After close() every push fails and pop_batch returns what is left, then empty.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <vector>

namespace hayloft::serving {

template <class Job>
class infer_queue {
 public:
  // `capacity` jobs at most; `weight(job)` is a job's number of texts.
  infer_queue(std::size_t capacity, std::function<std::size_t(const Job&)> weight)
      : capacity_(capacity), weight_(std::move(weight)) {}

  // False (the job is given back untouched) when the queue is full or closed.
  bool push(Job& job) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || jobs_.size() >= capacity_) return false;
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
  }

  // Waits until a job is queued, the queue is closed, or `stop` is requested; then takes jobs
  // from the front while their texts add up to at most `max_texts` (always at least one job).
  // Empty when stopped or closed with nothing queued. `running` is what it returns until the
  // caller calls done() (counted in pending()).
  std::vector<Job> pop_batch(std::size_t max_texts, std::stop_token stop) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, stop, [this] { return closed_ || !jobs_.empty(); });
    std::vector<Job> batch;
    std::size_t texts = 0;
    while (!jobs_.empty()) {
      std::size_t w = weight_(jobs_.front());
      if (!batch.empty() && texts + w > max_texts) break;
      texts += w;
      batch.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    running_ = batch.size();
    return batch;
  }
  // The batch last popped is answered.
  void done() {
    std::lock_guard lock(mutex_);
    running_ = 0;
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  // Jobs queued plus those of the batch running.
  std::size_t pending() const {
    std::lock_guard lock(mutex_);
    return jobs_.size() + running_;
  }

 private:
  const std::size_t capacity_;
  std::function<std::size_t(const Job&)> weight_;
  mutable std::mutex mutex_;  // guards jobs_, running_, closed_
  std::condition_variable_any ready_;
  std::deque<Job> jobs_;
  std::size_t running_ = 0;
  bool closed_ = false;
};

}  // namespace hayloft::serving
