#pragma once
// A single worker thread that runs the controller's loop iterations in order, so that timer
// callbacks on a real clock never block the clock's thread with pod starts. On the manual clock
// the timer callback waits for its work (post_and_wait), so clock.advance(d) returns only once
// every loop due in the span has run.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace hayloft::orchestrator::controller_detail {

class serial_executor {
 public:
  serial_executor() : thread_([this] { run(); }) {}
  ~serial_executor() { shutdown(); }
  serial_executor(const serial_executor&) = delete;
  serial_executor& operator=(const serial_executor&) = delete;

  // Queues fn; false (and fn dropped) once shutdown() has begun.
  bool post(std::function<void()> fn) {
    {
      std::lock_guard lock(queue_mutex_);
      if (stopping_) return false;
      queue_.push_back(std::move(fn));
    }
    cv_.notify_all();
    return true;
  }

  // Runs fn on the worker and waits for it. Runs it inline when called from the worker itself.
  void post_and_wait(std::function<void()> fn) {
    if (std::this_thread::get_id() == thread_.get_id()) {
      fn();
      return;
    }
    std::mutex done_mutex;
    std::condition_variable done_cv;
    bool done = false;
    bool queued = post([&] {
      fn();
      std::lock_guard lock(done_mutex);
      done = true;
      done_cv.notify_all();
    });
    if (!queued) return;  // queued work always runs before the worker exits
    std::unique_lock lock(done_mutex);
    done_cv.wait(lock, [&] { return done; });
  }

  // Finishes queued work and joins the worker. Idempotent.
  void shutdown() {
    {
      std::lock_guard lock(queue_mutex_);
      if (stopping_ && !thread_.joinable()) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(queue_mutex_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }

  std::mutex queue_mutex_;  // guards queue_, stopping_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hayloft::orchestrator::controller_detail
