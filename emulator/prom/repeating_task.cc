#include "emulator/prom/repeating_task.h"

namespace hayloft::prom {

struct repeating_task::control {
  // A constructor, not parenthesised aggregate initialisation, which clang 14 (the fuzz build)
  // does not implement.
  control(core::clock& c, core::task_runner* r, core::duration i, std::function<void()> j)
      : clock(c), runner(r), interval(i), job(std::move(j)) {}
  core::clock& clock;
  core::task_runner* runner;
  core::duration interval;
  std::function<void()> job;
  std::mutex state_mutex;  // guards the fields below
  std::condition_variable idle_cv;
  bool cancelled = false;
  bool running = false;
  core::clock::timer_id timer = 0;
};

repeating_task::repeating_task(core::clock& clock, core::task_runner* runner, core::duration interval,
                               std::function<void()> job, core::duration first_delay)
    : control_(std::make_shared<control>(clock, runner, interval, std::move(job))) {
  std::lock_guard lock(control_->state_mutex);
  schedule(control_, clock.now() + first_delay);
}

repeating_task::~repeating_task() {
  cancel();
  std::unique_lock lock(control_->state_mutex);
  control_->idle_cv.wait(lock, [&] { return !control_->running; });
}

void repeating_task::cancel() {
  std::lock_guard lock(control_->state_mutex);
  control_->cancelled = true;
  control_->clock.cancel(control_->timer);
}

bool repeating_task::idle() const {
  std::lock_guard lock(control_->state_mutex);
  return control_->cancelled && !control_->running;
}

// Called with state_mutex held.
void repeating_task::schedule(const std::shared_ptr<control>& c, core::time_point at) {
  c->timer = c->clock.call_at(at, [c, at] { fire(c, at); });
}

void repeating_task::fire(const std::shared_ptr<control>& c, core::time_point due) {
  {
    std::lock_guard lock(c->state_mutex);
    if (c->cancelled) return;
    c->running = true;
  }
  auto run = [c, due] {
    c->job();
    std::lock_guard lock(c->state_mutex);
    c->running = false;
    if (!c->cancelled) {
      core::time_point next = due + c->interval;
      const core::time_point now = c->clock.now();
      if (next <= now && c->interval > core::duration::zero()) {
        auto missed = (now - next) / c->interval + 1;
        next += missed * c->interval;
      }
      schedule(c, next);
    }
    c->idle_cv.notify_all();
  };
  if (c->runner) c->runner->post(std::move(run));
  else run();
}

}  // namespace hayloft::prom
