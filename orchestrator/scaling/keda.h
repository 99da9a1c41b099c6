#pragma once
// KEDA's operator decisions as pure functions, after kedacore/keda:
//  - request_scale: ScaleExecutor.RequestScale (pkg/scaling/executor/scale_scaledobjects.go),
//    the 0 <-> 1 activation run every pollingInterval, with cooldown, idleReplicaCount,
//    initialCooldownPeriod and the paused-replicas annotation;
//  - metric_with_fallback: fallback.GetMetricsWithFallback (pkg/fallback/fallback.go), applied
//    to each metric read the HPA makes, with the failure counter kept in the status.
// The status is owned by the caller. Any thread.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "orchestrator/objects/specs.h"

namespace hayloft::orchestrator::scaling {

using core::time_point;

inline constexpr const char* paused_replicas_annotation = "autoscaling.keda.sh/paused-replicas";
inline constexpr const char* paused_annotation = "autoscaling.keda.sh/paused";

struct keda_condition {
  std::string status = "Unknown";
  std::string reason;
  std::string message;
};

struct keda_health {
  std::int32_t failures = 0;
  std::string status = "Happy";  // "Happy" | "Failing"
};

// The parts of ScaledObject.status the decisions read and write.
struct keda_status {
  // metav1.Time: whole seconds (what the API server stores and KEDA reads back).
  std::optional<time_point> last_active_time;
  std::optional<std::int32_t> paused_replica_count;
  std::optional<std::int32_t> original_replica_count;
  keda_condition ready, active, fallback, paused;
  std::map<std::string, keda_health> health;  // by metric name
};

struct pause_state {
  bool paused = false;                    // either annotation is set
  std::optional<std::int32_t> replicas;   // paused-replicas value
  std::string error;                      // paused-replicas is not an int32
};
// GetPausedReplicaCount / NeedToBePausedByAnnotation.
pause_state pause_from_annotations(const objects::label_map& annotations);

struct poll_input {
  const objects::scaled_object_spec* spec = nullptr;
  pause_state pause;
  std::string target_description;  // "apps/v1.Deployment indexing/indexing-consumer" for events
  time_point created;
  time_point now;
  std::int32_t current_replicas = 0;
  bool is_active = false;
  bool is_error = false;
  std::vector<std::string> active_triggers;
};

struct poll_output {
  std::optional<std::int32_t> scale_to;  // new replica count for the target, if it changes
  std::string event_type;                // "Normal" | "Warning" (empty: no event)
  std::string event_reason;              // KEDAScaleTargetActivated, KEDAScaleTargetDeactivated, ...
  std::string event_message;
  // Set by the poll that puts the Active condition into ScalerCooldown: when the cooldown that
  // now runs ends (see cooldown_end).
  std::optional<time_point> cooldown_started_until;
};

// A time as metav1.Time keeps it: truncated to the second.
time_point whole_seconds(time_point t);

// When an inactive target may be scaled in (scaleToZeroOrIdle): lastActiveTime + cooldownPeriod,
// or, while lastActiveTime is nil (never active since creation), creationTimestamp +
// initialCooldownPeriod; both at whole seconds.
time_point cooldown_end(const objects::scaled_object_spec& spec, const keda_status& status, time_point created);

// One operator poll (the scale loop's checkScalers -> RequestScale). Updates the conditions,
// lastActiveTime and pausedReplicaCount in `status`.
//
// Scale-in when inactive: KEDA tests `cooldown_end.Before(time.Now())` with the clock read after
// the poll's tick has fired, so on a cluster the poll that falls exactly at the cooldown's end
// (lastActiveTime being whole seconds) already scales in: 30 s polls, 300 s cooldown, last
// active poll at t=180 -> scale-in at t=480. hayloft's polls run at their tick's instant (to the
// nanosecond on the manual clock), so the cooldown is over when now >= cooldown_end: the same
// poll on every clock.
poll_output request_scale(const poll_input& in, keda_status& status);

struct fallback_read {
  std::optional<std::int64_t> value_milli;  // the metric to hand the HPA; nullopt = error
  bool fallback_active = false;
  std::string error;
};

// One HPA read of metric `metric_name` (trigger metricType `metric_type`): counts consecutive
// failures in status.health[metric_name] and, once they exceed fallback.failureThreshold, returns
// fallback.replicas (or the current count, per fallback.behavior) times the AverageValue target.
fallback_read metric_with_fallback(const objects::scaled_object_spec& spec, const std::string& metric_type,
                                   const std::string& metric_name, std::int64_t target_average_milli,
                                   std::int32_t current_replicas, const std::optional<std::int64_t>& reading,
                                   const std::string& reading_error, keda_status& status);

}  // namespace hayloft::orchestrator::scaling
