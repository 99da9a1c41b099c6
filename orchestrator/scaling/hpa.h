#pragma once
// The HorizontalPodAutoscaler controller's algorithm as pure functions, after
// kubernetes/pkg/controller/podautoscaler/{horizontal.go,replica_calculator.go}: replica
// calculation per metric type with the tolerance, then normalisation either the legacy way
// (HPA without `behavior`: highest recommendation over the downscale stabilisation window,
// scale-up limited to max(2 x current, 4)) or with behaviors (stabilisation windows and rate
// policies, defaults from the API server's SetDefaults_HorizontalPodAutoscalerBehavior).
//
// The per-HPA memory (recommendations and scale events) is owned by the caller and passed in;
// nothing here reads a clock. Any thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "orchestrator/objects/specs.h"

namespace hayloft::orchestrator::scaling {

using core::duration;
using core::time_point;

inline constexpr double default_tolerance = 0.1;                          // --horizontal-pod-autoscaler-tolerance
inline constexpr auto downscale_stabilization = std::chrono::seconds(300);  // ...-downscale-stabilization
inline constexpr auto sync_period = std::chrono::seconds(15);               // ...-sync-period

struct tolerances {
  double scale_down = default_tolerance;
  double scale_up = default_tolerance;
  // True when the ratio is close enough to 1 that the HPA keeps the current count.
  bool within(double usage_ratio) const {
    return (1.0 - scale_down) <= usage_ratio && usage_ratio <= (1.0 + scale_up);
  }
};

// ---- replica calculation (replica_calculator.go) ------------------------------------------------

// External metric with an AverageValue target (GetExternalPerPodMetricReplicas): the summed
// metric divided by the target, unless within tolerance of the current count.
// `average_milli` receives ceil(total / status_replicas), the value `kubectl get hpa` shows.
std::int32_t external_average_replicas(std::int32_t status_replicas, std::int64_t target_average_milli,
                                       std::int64_t total_milli, const tolerances& tol, std::int64_t* average_milli);

// External metric with a Value target (GetExternalMetricReplicas / getUsageRatioReplicaCount).
std::int32_t external_value_replicas(std::int32_t current_replicas, std::int64_t target_milli, std::int64_t total_milli,
                                     std::int32_t ready_pods, const tolerances& tol);

// One pod as the replica calculator sees it (groupPods).
struct pod_sample {
  std::string name;
  bool terminating_or_failed = false;
  bool pending = false;
  bool ready = true;
  std::optional<std::int64_t> value_milli;  // usage (cpu millicores) or metric value; nullopt = missing
  std::optional<std::int64_t> request_milli;  // cpu request; needed for Utilization
};

struct pods_result {
  std::int32_t replicas = 0;
  std::int64_t utilization = 0;  // percent for Utilization, average milli otherwise
  std::string error;             // non-empty: the metric failed
};

// Resource metric with a Utilization target (GetResourceReplicas), including the rebalancing
// of missing and unready pods.
pods_result resource_utilization_replicas(std::int32_t current_replicas, std::int32_t target_percent,
                                          const std::vector<pod_sample>& pods, const tolerances& tol);
// Per-pod metric with an AverageValue target (calcPlainMetricReplicas): Pods metrics and Resource
// metrics with AverageValue targets.
pods_result plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_average_milli,
                                  const std::vector<pod_sample>& pods, bool is_cpu, const tolerances& tol);

// ---- normalisation (horizontal.go) ------------------------------------------------------------

struct rules {
  std::int32_t stabilization_window_seconds = 0;
  std::string select_policy = "Max";
  std::vector<objects::scaling_policy> policies;
  double tolerance = default_tolerance;
};
struct behavior {
  rules scale_up;
  rules scale_down;
};
// The behavior the API server stores for a user-given (possibly empty) one: unset scale-up fields
// become {window 0, Max, [Pods 4 / 15 s, Percent 100 / 15 s]}, unset scale-down fields
// {window = the controller's 300 s, Max, [Percent 100 / 15 s]}.
behavior defaulted_behavior(const objects::hpa_behavior& user);
// The tolerances of an HPA: 0.1 both ways unless the behavior overrides them.
tolerances tolerances_of(const std::optional<objects::hpa_behavior>& user);

struct memory {
  struct recommendation {
    std::int32_t replicas;
    time_point at;
  };
  struct scale_event {
    std::int32_t change;
    time_point at;
    bool outdated = false;
  };
  std::vector<recommendation> recommendations;
  std::vector<scale_event> scale_up_events;
  std::vector<scale_event> scale_down_events;
};

// What one metric of the HPA proposed this sync.
struct metric_proposal {
  std::string name;        // for messages: "external metric s0-aws-sqs-q(...)", "cpu resource utilization ..."
  std::optional<std::int32_t> replicas;  // nullopt = the metric failed
  std::string error;       // failure message
  std::string failure_reason;  // condition reason: FailedGetExternalMetric, FailedGetResourceMetric, ...
};

struct condition {
  std::string status;  // "True" | "False"
  std::string reason;
  std::string message;
};

struct decision {
  std::int32_t desired = 0;     // what status.desiredReplicas becomes
  bool rescale = false;         // whether the target's replicas change
  std::string rescale_reason;   // SuccessfulRescale event text: "... above target", "All metrics below target"
  std::string error;            // non-empty: FailedComputeMetricsReplicas (no scaling happened)
  condition able_to_scale;
  condition scaling_active;
  std::optional<condition> scaling_limited;
};

struct sync_input {
  std::int32_t current_replicas = 0;  // scale.spec.replicas of the target
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 1;
  std::optional<objects::hpa_behavior> behavior;  // nullopt = legacy normalisation
  std::vector<metric_proposal> metrics;
  time_point now;
};

// One reconcileAutoscaler pass. Updates `mem` (recommendations; scale events when rescaling
// with a behavior).
decision reconcile(const sync_input& in, memory& mem);

}  // namespace hayloft::orchestrator::scaling
