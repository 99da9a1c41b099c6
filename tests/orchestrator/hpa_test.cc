// The HPA algorithm step by step, on recorded times (no clock): replica calculation with the
// tolerance, legacy normalisation (no behavior) and behavior-based normalisation.
#include <gtest/gtest.h>

#include "orchestrator/scaling/hpa.h"

namespace hayloft::orchestrator::scaling {
namespace {

using std::chrono::seconds;
const time_point t0 = time_point{} + seconds(1767225600);

metric_proposal external(std::int32_t current, std::int64_t total, std::int64_t target = 10) {
  std::int64_t avg;
  return {"external metric s0-aws-sqs-q", external_average_replicas(current, target * 1000, total * 1000, {}, &avg), "", ""};
}

struct step {
  int at_seconds;
  std::int64_t queue;        // total metric value
  std::int32_t want;         // replicas after the sync
};

// Runs a sequence of syncs, applying each decision to `current`, and checks every step.
void run(std::int32_t current, std::int32_t min, std::int32_t max, std::optional<objects::hpa_behavior> behavior,
         const std::vector<step>& steps, std::int64_t target = 10) {
  memory mem;
  for (const auto& s : steps) {
    sync_input in{current, min, max, behavior, {external(current, s.queue, target)}, t0 + seconds(s.at_seconds)};
    decision d = reconcile(in, mem);
    if (d.rescale) current = d.desired;
    EXPECT_EQ(current, s.want) << "at t=" << s.at_seconds << "s with metric " << s.queue;
  }
}

TEST(OrchHpaReplicaCalculation, ExternalAverageValueIsCeilOfMetricOverTarget) {
  std::int64_t avg = 0;
  EXPECT_EQ(external_average_replicas(1, 10000, 25000, {}, &avg), 3);
  EXPECT_EQ(avg, 25000);
  EXPECT_EQ(external_average_replicas(2, 10000, 25000, {}, &avg), 3);
  EXPECT_EQ(avg, 12500);
  EXPECT_EQ(external_average_replicas(3, 10000, 0, {}, nullptr), 0);
}

TEST(OrchHpaReplicaCalculation, ToleranceSuppressesSmallChanges) {
  // 5 % above target with 2 replicas: ratio 1.05, within 0.1.
  EXPECT_EQ(external_average_replicas(2, 10000, 21000, {}, nullptr), 2);
  // 5 % below.
  EXPECT_EQ(external_average_replicas(2, 10000, 19000, {}, nullptr), 2);
  // 15 % above: scales.
  EXPECT_EQ(external_average_replicas(2, 10000, 23000, {}, nullptr), 3);
  // Exactly at the 10 % edge still counts as within.
  EXPECT_EQ(external_average_replicas(10, 10000, 110000, {}, nullptr), 10);
  // A configured tolerance (behavior.scaleUp.tolerance) changes the band.
  tolerances tight{0.1, 0.01};
  EXPECT_EQ(external_average_replicas(2, 10000, 21000, tight, nullptr), 3);
}

TEST(OrchHpaReplicaCalculation, ExternalValueTargetUsesReadyPods) {
  EXPECT_EQ(external_value_replicas(2, 10000, 30000, 2, {}), 6);
  EXPECT_EQ(external_value_replicas(2, 10000, 10500, 2, {}), 2);
  EXPECT_EQ(external_value_replicas(0, 10000, 30000, 0, {}), 3);
}

TEST(OrchHpaReplicaCalculation, CpuUtilizationTruncatesToWholePercent) {
  // Two pods at 400m and 410m of 500m requests: 81 % against 50 % -> ceil(1.62 * 2) = 4.
  std::vector<pod_sample> pods{{"a", false, false, true, 400, 500}, {"b", false, false, true, 410, 500}};
  auto r = resource_utilization_replicas(2, 50, pods, {});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.utilization, 81);
  EXPECT_EQ(r.replicas, 4);
}

TEST(OrchHpaReplicaCalculation, CpuMissingPodsCountAsFullOnScaleDown) {
  // One pod at 10 % of its request, one pod without a sample: on a scale-down the missing pod is
  // assumed at 100 %, so the new ratio is 55/50 = 1.1 -> within tolerance, keep 2.
  std::vector<pod_sample> pods{{"a", false, false, true, 50, 500}, {"b", false, false, true, std::nullopt, 500}};
  EXPECT_EQ(resource_utilization_replicas(2, 50, pods, {}).replicas, 2);
}

TEST(OrchHpaReplicaCalculation, CpuWithoutRequestsIsAnError) {
  std::vector<pod_sample> pods{{"a", false, false, true, 50, std::nullopt}};
  EXPECT_NE(resource_utilization_replicas(1, 50, pods, {}).error, "");
}

TEST(OrchHpaReplicaCalculation, PodsMetricAverages) {
  std::vector<pod_sample> pods{{"a", false, false, true, 30000, {}}, {"b", false, false, true, 10000, {}}};
  auto r = plain_metric_replicas(2, 10000, pods, false, {});
  EXPECT_EQ(r.utilization, 20000);
  EXPECT_EQ(r.replicas, 4);
}

TEST(OrchHpaLegacy, ScaleUpLimitedToTwiceCurrentOrFour) {
  // From 1 with a huge backlog: max(2*1, 4) = 4, then max(2*4, 4) = 8, then 16, then max 20.
  run(1, 1, 20, std::nullopt, {{0, 1000, 4}, {15, 1000, 8}, {30, 1000, 16}, {45, 1000, 20}});
}

TEST(OrchHpaLegacy, MaxReplicasClamps) {
  // The reference manifest: 25 messages, queueLength 10, maxReplicaCount 2.
  run(1, 1, 2, std::nullopt, {{0, 25, 2}, {15, 25, 2}});
}

TEST(OrchHpaLegacy, StabilizationKeepsReplicasThroughADip) {
  run(1, 1, 10, std::nullopt,
      {{0, 50, 4},     // 5 wanted, limited to 4
       {15, 50, 5},    // 5
       {30, 0, 5},     // queue empty: highest recommendation in 300 s is 5
       {45, 20, 5},    // dip over, still 5
       {300, 0, 5},    // the 5 at t=15 is exactly 285 s old
       {315, 0, 5},    // t=15's 5 is 300 s old: not yet before the cutoff
       {330, 0, 2},    // now only t=45's 2 (20/10) remains within the window
       {345, 0, 2},
       {360, 0, 1}});  // all recent recommendations are 0 -> clamped to minReplicas 1
}

TEST(OrchHpaLegacy, CurrentAboveMaxIsClampedWithoutMetrics) {
  memory mem;
  sync_input in{5, 1, 2, std::nullopt, {{"m", std::nullopt, "boom", "FailedGetExternalMetric"}}, t0};
  auto d = reconcile(in, mem);
  EXPECT_TRUE(d.rescale);
  EXPECT_EQ(d.desired, 2);
  EXPECT_EQ(d.rescale_reason, "Current number of replicas above Spec.MaxReplicas");
}

TEST(OrchHpaLegacy, ZeroReplicasDisablesScaling) {
  memory mem;
  sync_input in{0, 1, 10, std::nullopt, {external(0, 100)}, t0};
  auto d = reconcile(in, mem);
  EXPECT_FALSE(d.rescale);
  EXPECT_EQ(d.scaling_active.reason, "ScalingDisabled");
}

TEST(OrchHpaLegacy, MetricErrorPreventsScaling) {
  memory mem;
  sync_input in{2, 1, 10, std::nullopt, {{"m", std::nullopt, "queue missing", "FailedGetExternalMetric"}}, t0};
  auto d = reconcile(in, mem);
  EXPECT_FALSE(d.rescale);
  EXPECT_NE(d.error.find("queue missing"), std::string::npos);
  EXPECT_EQ(d.scaling_active.reason, "FailedGetExternalMetric");
}

TEST(OrchHpaBehavior, EmptyBehaviorGetsApiServerDefaults) {
  auto b = defaulted_behavior(objects::hpa_behavior{});
  EXPECT_EQ(b.scale_up.stabilization_window_seconds, 0);
  ASSERT_EQ(b.scale_up.policies.size(), 2u);
  EXPECT_EQ(b.scale_down.stabilization_window_seconds, 300);
  ASSERT_EQ(b.scale_down.policies.size(), 1u);
  EXPECT_EQ(b.scale_down.policies[0].type, "Percent");
  EXPECT_EQ(b.scale_down.policies[0].value, 100);
}

TEST(OrchHpaBehavior, DefaultScaleUpIsMaxOfDoubleOrFourPodsPerPeriod) {
  // Default scale-up: max(+4 pods, +100 %) per 15 s; a sync every 15 s leaves the period.
  run(1, 1, 100, objects::hpa_behavior{}, {{0, 1000, 5}, {15, 1000, 10}, {30, 1000, 20}, {45, 1000, 40}});
}

TEST(OrchHpaBehavior, PolicyPeriodCountsEarlierScaleUps) {
  // Pods 1 per 60 s: a second scale-up within the period is held.
  objects::hpa_behavior b;
  b.scale_up = objects::scaling_rules{};
  b.scale_up->policies = std::vector<objects::scaling_policy>{{"Pods", 1, 60}};
  run(1, 1, 10, b, {{0, 100, 2}, {15, 100, 2}, {30, 100, 2}, {45, 100, 2}, {61, 100, 3}});
}

TEST(OrchHpaBehavior, DefaultScaleDownWindowThenAllAtOnce) {
  // Default scale-down: 300 s window, then 100 % per 15 s, bounded by minReplicas. Unlike the
  // legacy path (rec.timestamp.Before(cutoff)), behaviors keep only recommendations strictly
  // after the cutoff, so the t=0 recommendation stops counting at exactly t=300.
  run(4, 1, 10, objects::hpa_behavior{}, {{0, 40, 4}, {15, 0, 4}, {299, 0, 4}, {300, 0, 1}});
}

TEST(OrchHpaBehavior, UserScaleDownOverridesAreHonoured) {
  objects::hpa_behavior b;
  b.scale_down = objects::scaling_rules{};
  b.scale_down->stabilization_window_seconds = 0;
  b.scale_down->policies = std::vector<objects::scaling_policy>{{"Pods", 1, 30}};
  run(4, 1, 10, b, {{0, 0, 3}, {15, 0, 3}, {31, 0, 2}, {62, 0, 1}});
}

TEST(OrchHpaBehavior, ScaleUpStabilizationWindowTakesLowestRecent) {
  objects::hpa_behavior b;
  b.scale_up = objects::scaling_rules{};
  b.scale_up->stabilization_window_seconds = 60;
  // At t=0 the recorded initial recommendation (1) holds scale-up for 60 s.
  run(1, 1, 10, b, {{0, 30, 1}, {30, 30, 1}, {61, 30, 3}});
}

TEST(OrchHpaBehavior, DisabledScaleDownNeverShrinks) {
  objects::hpa_behavior b;
  b.scale_down = objects::scaling_rules{};
  b.scale_down->select_policy = "Disabled";
  run(3, 1, 10, b, {{0, 0, 3}, {400, 0, 3}, {800, 0, 3}});
}

TEST(OrchHpaBehavior, ToleranceSuppressesFivePercentBothWays) {
  run(2, 1, 10, objects::hpa_behavior{}, {{0, 21, 2}, {15, 19, 2}, {30, 21, 2}});
  run(2, 1, 10, std::nullopt, {{0, 21, 2}, {15, 19, 2}, {30, 21, 2}});
}

}  // namespace
}  // namespace hayloft::orchestrator::scaling
