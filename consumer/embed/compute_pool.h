#pragma once
// A fixed set of threads that runs the embedder's forward passes. All callers of one model
// share it, so concurrent consumer pods queue their batches (FIFO) instead of oversubscribing
// the cores; each worker owns the scratch memory of its forward passes. The thread CPU time of
// each task is charged to the core::cpu_account of the thread that called run(), if it has one
// (so an in-process pod's CPU includes its forward passes).
//
// Threading: run() may be called from any number of threads at once, but never from a pool
// thread (it would wait for itself). The destructor joins the workers; no run() may be in
// progress then.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hayloft::embed {

class compute_pool {
 public:
  // A task receives the index of the worker running it, in [0, size()).
  using task = std::function<void(std::size_t worker)>;

  explicit compute_pool(std::size_t threads);
  ~compute_pool();
  compute_pool(const compute_pool&) = delete;
  compute_pool& operator=(const compute_pool&) = delete;

  std::size_t size() const { return workers_.size(); }
  // Tasks queued and not yet started (a gauge for metrics and tests).
  std::size_t pending() const;

  // Runs every task on the workers and returns when all have finished. Tasks must not throw.
  // `urgent` tasks go to the front of the queue: a search query's single short forward pass
  // then waits for the passes already running, not for every queued batch of the indexers.
  void run(std::vector<task> tasks, bool urgent = false);

 private:
  void work(std::size_t index);

  mutable std::mutex queue_mutex_;  // guards queue_ and stopping_
  std::condition_variable queue_ready_;
  std::deque<std::function<void(std::size_t)>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace hayloft::embed
