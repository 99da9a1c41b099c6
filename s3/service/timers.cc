// The engine's work on its clock: a lifecycle pass at every midnight UTC, and the events of
// restores completing and expiring. Timer callbacks run on the clock's thread (or, with the
// manual clock, inside advance()); they only read and submit, and hold `timers::mutex` so the
// engine cannot be destroyed under them.
#include <set>

#include "emulator/core/logging.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {

struct engine::timers {
  std::mutex mutex;  // guards owner and armed
  engine* owner = nullptr;
  // Restore events scheduled and not yet run (bucket, key, version, instant, kind), so arming
  // again after a snapshot restore does not send an event twice.
  std::set<std::string> armed;
};

namespace {

constexpr std::int64_t day_ms = 86400000;

void lifecycle_tick(std::shared_ptr<engine::timers> t, core::clock& clock, core::time_point at) {
  std::lock_guard lock(t->mutex);
  if (!t->owner) return;
  t->owner->lifecycle_pass(at);
  auto next = at + std::chrono::hours(24);
  clock.call_at(next, [t, &clock, next] { lifecycle_tick(t, clock, next); });
}

}  // namespace

void engine::start_timers() {
  timers_ = std::make_shared<timers>();
  timers_->owner = this;
  auto now_ms = core::to_unix_ms(clock.now());
  auto first = core::from_unix_ms((now_ms / day_ms + 1) * day_ms);
  clock.call_at(first, [t = timers_, &c = clock, first] { lifecycle_tick(t, c, first); });
  arm_pending_restores();
}

void engine::arm_pending_restores() {
  auto now_ms = core::to_unix_ms(clock.now());
  // Restores in progress (or restored copies) from before a restart still send their events.
  auto reader = store.reader();
  auto pending = pending_restores(*reader, now_ms);
  if (!pending.ok()) {
    spdlog::warn("s3: cannot read pending restores: {}", pending.err().message);
    return;
  }
  for (auto& p : *pending)
    schedule_restore_events(p.bucket, p.key, p.version_id, p.ready_ms, p.until_ms);
}

void engine::stop_timers() {
  if (!timers_) return;
  std::lock_guard lock(timers_->mutex);
  timers_->owner = nullptr;
}

void engine::schedule_restore_events(std::string bucket, std::string key, std::string version_id,
                                     std::int64_t ready_ms, std::int64_t until_ms) {
  auto now_ms = core::to_unix_ms(clock.now());
  for (bool completed : {true, false}) {
    auto at_ms = completed ? ready_ms : until_ms;
    if (at_ms <= now_ms) continue;
    clock.call_at(core::from_unix_ms(at_ms),
                  [t = timers_, bucket, key, version_id, at_ms, completed] {
                    std::lock_guard lock(t->mutex);
                    if (t->owner)
                      t->owner->restore_event(bucket, key, version_id, at_ms, completed);
                  });
  }
}

}  // namespace hayloft::s3::detail
