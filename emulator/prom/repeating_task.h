#pragma once
// Runs a job every `interval` of clock time: the clock's timer fires, the job runs on the task
// runner (or on the timer's thread when no runner is given; keep such jobs short), and the next
// run is scheduled `interval` after the previous one was due (skipping missed slots), so runs
// never overlap.
//
// Lifetime: cancel() stops future runs without waiting; the destructor also waits for a run in
// progress, so whatever the job touches may be destroyed right after the repeating_task. A
// timer that already fired keeps only a shared control block alive, never the owner. The clock
// and the runner must outlive the task. Never destroy a task from inside its own job.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"

namespace hayloft::prom {

class repeating_task {
 public:
  // The first run is due at clock.now() + first_delay.
  repeating_task(core::clock& clock, core::task_runner* runner, core::duration interval, std::function<void()> job,
                 core::duration first_delay = core::duration::zero());
  ~repeating_task();
  repeating_task(const repeating_task&) = delete;
  repeating_task& operator=(const repeating_task&) = delete;

  void cancel();
  // True when cancelled and no run is in progress.
  bool idle() const;

 private:
  struct control;
  static void schedule(const std::shared_ptr<control>& c, core::time_point at);
  static void fire(const std::shared_ptr<control>& c, core::time_point due);
  std::shared_ptr<control> control_;
};

}  // namespace hayloft::prom
