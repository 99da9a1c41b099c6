#pragma once
// The kubelet's crash-loop back-off for one container (flowcontrol.Backoff as used by
// kuberuntime's doBackOff): the first restart is immediate, then 10 s doubling to 5 min; a
// container that ran for more than twice the maximum since the last back-off starts over. Pure.
#include <chrono>
#include <optional>

#include "emulator/core/clock.h"

namespace hayloft::orchestrator::pods {

class crash_backoff {
 public:
  static constexpr auto initial = std::chrono::seconds(10);
  static constexpr auto maximum = std::chrono::seconds(300);

  // Whether a restart after an exit at `finished` must still wait at `now` (IsInBackOffSince).
  bool in_backoff_since(core::time_point finished, core::time_point now) const {
    if (!delay_ || expired(finished)) return false;
    return now - finished < *delay_;
  }
  // When the restart after an exit at `finished` may happen.
  core::time_point restart_at(core::time_point finished, core::time_point now) const {
    return in_backoff_since(finished, now) ? finished + *delay_ : now;
  }
  // Records a restart for an exit at `finished` (Next): grows the delay.
  void next(core::time_point finished) {
    if (!delay_ || expired(finished))
      delay_ = initial;
    else
      delay_ = std::min<core::duration>(*delay_ * 2, maximum);
    last_update_ = finished;
  }
  core::duration delay() const { return delay_.value_or(core::duration::zero()); }

 private:
  bool expired(core::time_point event) const { return event - last_update_ > 2 * maximum; }

  std::optional<core::duration> delay_;
  core::time_point last_update_;
};

}  // namespace hayloft::orchestrator::pods
