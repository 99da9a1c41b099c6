#include "consumer/embed/compute_pool.h"

#include <algorithm>
#include <latch>
#include <utility>

#include "emulator/core/cpu_account.h"

namespace hayloft::embed {

compute_pool::compute_pool(std::size_t threads) {
  threads = std::max<std::size_t>(threads, 1);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

compute_pool::~compute_pool() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  for (auto& t : workers_) t.join();
}

std::size_t compute_pool::pending() const {
  std::lock_guard lock(queue_mutex_);
  return queue_.size();
}

void compute_pool::run(std::vector<task> tasks, bool urgent) {
  if (tasks.empty()) return;
  std::latch done(static_cast<std::ptrdiff_t>(tasks.size()));
  // The caller's CPU account (an in-process pod's) is charged with the tasks' thread CPU time.
  core::cpu_account* account = core::cpu_account::current();
  {
    std::lock_guard lock(queue_mutex_);
    // Urgent tasks are inserted in reverse at the front so that they keep their order.
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      auto& t = tasks[urgent ? tasks.size() - 1 - i : i];
      auto wrapped = [&done, account, t = std::move(t)](std::size_t worker) {
        std::uint64_t started = account ? core::thread_cpu_ns() : 0;
        t(worker);
        if (account) account->add(core::thread_cpu_ns() - started);
        done.count_down();
      };
      if (urgent) {
        queue_.emplace_front(std::move(wrapped));
      } else {
        queue_.emplace_back(std::move(wrapped));
      }
    }
  }
  queue_ready_.notify_all();
  done.wait();
}

void compute_pool::work(std::size_t index) {
  for (;;) {
    std::function<void(std::size_t)> next;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next(index);
  }
}

}  // namespace hayloft::embed
