#pragma once
// CPU time charged to a container for work done on its behalf on other threads. An in-process
// workload's own thread is measured with its thread CPU clock; work it hands to a shared pool
// (the embedder's compute_pool) runs on the pool's threads, so the pool measures each task's
// thread CPU time and adds it to the account of the thread that queued it.
//
// Threading: an account is a lock-free counter; `current()` is thread-local, set by `scope`
// for the life of a workload thread.
#include <time.h>

#include <atomic>
#include <cstdint>

namespace hayloft::core {

// CPU time consumed so far by the calling thread (CLOCK_THREAD_CPUTIME_ID), in nanoseconds.
inline std::uint64_t thread_cpu_ns() {
  timespec ts{};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

class cpu_account {
 public:
  void add(std::uint64_t ns) { ns_.fetch_add(ns, std::memory_order_relaxed); }
  std::uint64_t value() const { return ns_.load(std::memory_order_relaxed); }

  // The account the calling thread charges pool work to (nullptr: none).
  static cpu_account* current() { return current_ref(); }

  // Makes `a` the calling thread's account until destroyed (restores the previous one).
  class scope {
   public:
    explicit scope(cpu_account* a) : previous_(current_ref()) { current_ref() = a; }
    ~scope() { current_ref() = previous_; }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    cpu_account* previous_;
  };

 private:
  static cpu_account*& current_ref() {
    thread_local cpu_account* current = nullptr;
    return current;
  }
  std::atomic<std::uint64_t> ns_{0};
};

}  // namespace hayloft::core
