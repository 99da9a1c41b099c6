// KEDA's activation decisions (RequestScale) and fallback, step by step on recorded times.
#include <gtest/gtest.h>

#include "orchestrator/scaling/keda.h"

namespace hayloft::orchestrator::scaling {
namespace {

using std::chrono::seconds;
const time_point t0 = time_point{} + seconds(1767225600);

objects::scaled_object_spec reference_spec() {
  // keda/scaled-object-consumer.yaml
  objects::scaled_object_spec s;
  s.polling_interval = 30;
  s.cooldown_period = 300;
  s.idle_replica_count = 0;
  s.min_replica_count = 0;
  s.max_replica_count = 2;
  s.fallback = objects::fallback_spec{3, 4, "static"};
  return s;
}

struct poll_step {
  int at;
  bool active;
  bool error;
  std::optional<std::int32_t> want_scale_to;
};

void run_polls(const objects::scaled_object_spec& spec, std::int32_t current, const std::vector<poll_step>& steps,
               keda_status& st, objects::label_map annotations = {}) {
  for (const auto& s : steps) {
    poll_input in;
    in.spec = &spec;
    in.pause = pause_from_annotations(annotations);
    in.target_description = "apps/v1.Deployment default/app";
    in.created = t0;
    in.now = t0 + seconds(s.at);
    in.current_replicas = current;
    in.is_active = s.active;
    in.is_error = s.error;
    in.active_triggers = {"awsSqsQueueScaler"};
    auto out = request_scale(in, st);
    EXPECT_EQ(out.scale_to, s.want_scale_to) << "at t=" << s.at;
    if (out.scale_to) current = *out.scale_to;
  }
}

TEST(OrchKedaActivation, ScalesFromZeroOnFirstActivePoll) {
  keda_status st;
  run_polls(reference_spec(), 0, {{0, false, false, std::nullopt}, {30, true, false, 1}, {60, true, false, std::nullopt}}, st);
  EXPECT_EQ(st.active.status, "True");
  EXPECT_EQ(st.ready.status, "True");
  ASSERT_TRUE(st.last_active_time);
  EXPECT_EQ(*st.last_active_time, t0 + seconds(60));
}

TEST(OrchKedaActivation, ScalesFromZeroToMinReplicaCount) {
  auto spec = reference_spec();
  spec.min_replica_count = 2;
  spec.idle_replica_count.reset();
  keda_status st;
  run_polls(spec, 0, {{0, true, false, 2}}, st);
}

TEST(OrchKedaActivation, NoScaleToZeroBeforeCooldown) {
  keda_status st;
  run_polls(reference_spec(), 0,
            {{0, true, false, 1},            // active -> 1, lastActive = 0
             {30, false, false, std::nullopt},
             {270, false, false, std::nullopt},
             {299, false, false, std::nullopt},  // lastActive + 300 is still ahead
             {300, false, false, 0}},           // the poll at lastActive + cooldownPeriod: idleReplicaCount 0
            st);
  EXPECT_EQ(st.active.reason, "ScalerNotActive");
}

// The example: polls every 30 s, the last active one at t=180 -> scale-in at t=480, not 510.
TEST(OrchKedaActivation, ScaleInAtThePollThatEndsTheCooldown) {
  std::vector<poll_step> steps{{0, true, false, 1}};
  for (int t = 30; t <= 180; t += 30) steps.push_back({t, true, false, std::nullopt});
  for (int t = 210; t <= 450; t += 30) steps.push_back({t, false, false, std::nullopt});
  steps.push_back({480, false, false, 0});
  keda_status st;
  run_polls(reference_spec(), 0, steps, st);
  EXPECT_EQ(*st.last_active_time, t0 + seconds(180));
}

// lastActiveTime is a metav1.Time: whole seconds. A poll's tick may fall between seconds (the
// system and --time-scale clocks); the cooldown counts from the truncated time, as on a cluster.
TEST(OrchKedaActivation, LastActiveTimeIsKeptAtWholeSeconds) {
  const auto ms = [](int v) { return std::chrono::milliseconds(v); };
  auto spec = reference_spec();
  keda_status st;
  poll_input in;
  in.spec = &spec;
  in.target_description = "apps/v1.Deployment default/app";
  in.created = t0;
  in.current_replicas = 1;
  in.is_active = true;
  in.now = t0 + seconds(180) + ms(700);
  request_scale(in, st);
  ASSERT_TRUE(st.last_active_time);
  EXPECT_EQ(*st.last_active_time, t0 + seconds(180));
  EXPECT_EQ(cooldown_end(spec, st, t0), t0 + seconds(480));
  in.is_active = false;
  in.now = t0 + seconds(479) + ms(999);
  EXPECT_FALSE(request_scale(in, st).scale_to);
  in.now = t0 + seconds(480) + ms(700);  // the poll 300 s after the last active one
  EXPECT_EQ(request_scale(in, st).scale_to, std::optional<std::int32_t>(0));
}

// Never active (lastActiveTime nil) and initialCooldownPeriod 0: the check made when the
// ScaledObject is created scales an idle target in, at the creation instant itself.
TEST(OrchKedaActivation, NeverActiveScalesInAtCreation) {
  keda_status st;
  run_polls(reference_spec(), 1, {{0, false, false, 0}}, st);
  EXPECT_FALSE(st.last_active_time);
  EXPECT_EQ(cooldown_end(reference_spec(), st, t0 + std::chrono::milliseconds(250)), t0);
}

TEST(OrchKedaActivation, EnteringCooldownReportsWhenItEnds) {
  keda_status st;
  auto spec = reference_spec();
  poll_input in;
  in.spec = &spec;
  in.created = t0;
  in.current_replicas = 0;
  in.is_active = true;
  in.now = t0;
  request_scale(in, st);
  in.current_replicas = 1;
  in.is_active = false;
  in.now = t0 + seconds(30);
  auto out = request_scale(in, st);
  ASSERT_TRUE(out.cooldown_started_until);
  EXPECT_EQ(*out.cooldown_started_until, t0 + seconds(300));
  in.now = t0 + seconds(60);
  EXPECT_FALSE(request_scale(in, st).cooldown_started_until);  // once, on the transition
}

TEST(OrchKedaActivation, CooldownRestartsWhileActive) {
  keda_status st;
  run_polls(reference_spec(), 0,
            {{0, true, false, 1}, {200, true, false, std::nullopt}, {400, false, false, std::nullopt},
             {499, false, false, std::nullopt}, {500, false, false, 0}},
            st);
}

TEST(OrchKedaActivation, CooldownConditionIsReported) {
  keda_status st;
  run_polls(reference_spec(), 0, {{0, true, false, 1}, {30, false, false, std::nullopt}}, st);
  EXPECT_EQ(st.active.status, "False");
  EXPECT_EQ(st.active.reason, "ScalerCooldown");
}

TEST(OrchKedaActivation, WithoutLastActiveTimeInitialCooldownApplies) {
  auto spec = reference_spec();
  spec.initial_cooldown_period = 120;
  keda_status st;
  // Replicas set by hand, never active: initialCooldownPeriod from creation applies.
  run_polls(spec, 3, {{60, false, false, std::nullopt}, {119, false, false, std::nullopt}, {120, false, false, 0}}, st);
}

TEST(OrchKedaActivation, MinReplicaCountAboveZeroLeavesScaleDownToHpa) {
  auto spec = reference_spec();
  spec.idle_replica_count.reset();
  spec.min_replica_count = 1;
  keda_status st;
  run_polls(spec, 3, {{0, false, false, std::nullopt}, {900, false, false, std::nullopt}}, st);
  // Below the minimum, KEDA restores it.
  run_polls(spec, 0, {{930, false, false, 1}}, st);
}

TEST(OrchKedaActivation, IdleReplicaCountWithMinimum) {
  auto spec = reference_spec();
  spec.min_replica_count = 2;
  spec.idle_replica_count = 0;
  keda_status st;
  run_polls(spec, 0, {{0, true, false, 2}, {400, false, false, 0}}, st);
}

TEST(OrchKedaActivation, ScalerErrorFreezesActivation) {
  auto spec = reference_spec();
  spec.fallback.reset();
  keda_status st;
  run_polls(spec, 0, {{0, true, false, 1}, {30, false, true, std::nullopt}, {1000, false, true, std::nullopt}}, st);
  EXPECT_EQ(st.ready.status, "False");
  EXPECT_EQ(st.ready.reason, "TriggerError");
  // With a fallback configured the target is also left alone.
  keda_status st2;
  run_polls(reference_spec(), 0, {{0, true, false, 1}, {1000, false, true, std::nullopt}}, st2);
  // An error while the deployment is at zero never activates it.
  keda_status st3;
  run_polls(reference_spec(), 0, {{0, false, true, std::nullopt}, {30, false, true, std::nullopt}}, st3);
}

TEST(OrchKedaActivation, FallbackOfZeroReplicasDoesNotFreeze) {
  auto spec = reference_spec();
  spec.fallback = objects::fallback_spec{3, 0, "static"};
  keda_status st;
  run_polls(spec, 0, {{0, true, false, 1}, {400, false, true, 0}}, st);
}

TEST(OrchKedaPause, PausedReplicasAnnotationScalesToThatCount) {
  keda_status st;
  run_polls(reference_spec(), 0, {{0, true, false, 5}, {30, false, false, std::nullopt}}, st,
            {{"autoscaling.keda.sh/paused-replicas", "5"}});
  EXPECT_EQ(st.paused.status, "True");
  ASSERT_TRUE(st.paused_replica_count);
  EXPECT_EQ(*st.paused_replica_count, 5);
}

TEST(OrchKedaPause, PausedAnnotationKeepsCurrentCount) {
  keda_status st;
  run_polls(reference_spec(), 0, {{0, true, false, std::nullopt}}, st, {{"autoscaling.keda.sh/paused", "true"}});
  EXPECT_EQ(st.paused.status, "True");
}

TEST(OrchKedaPause, InvalidPausedReplicasIsNotReady) {
  keda_status st;
  run_polls(reference_spec(), 0, {{0, true, false, std::nullopt}}, st,
            {{"autoscaling.keda.sh/paused-replicas", "five"}});
  EXPECT_EQ(st.ready.status, "False");
}

TEST(OrchKedaFallback, ActivatesAfterFailureThresholdIsExceeded) {
  auto spec = reference_spec();
  keda_status st;
  const std::string name = "s0-aws-sqs-test-queue";
  for (int i = 1; i <= 3; ++i) {
    auto r = metric_with_fallback(spec, "AverageValue", name, 10000, 1, std::nullopt, "no queue", st);
    EXPECT_FALSE(r.value_milli) << "failure " << i;
    EXPECT_EQ(st.health[name].failures, i);
  }
  EXPECT_EQ(st.fallback.status, "False");
  auto r = metric_with_fallback(spec, "AverageValue", name, 10000, 1, std::nullopt, "no queue", st);
  ASSERT_TRUE(r.value_milli);
  EXPECT_TRUE(r.fallback_active);
  EXPECT_EQ(*r.value_milli, 4 * 10 * 1000);  // fallback.replicas * queueLength
  EXPECT_EQ(st.fallback.status, "True");
  // A good read resets the counter.
  r = metric_with_fallback(spec, "AverageValue", name, 10000, 1, 7000, "", st);
  EXPECT_EQ(*r.value_milli, 7000);
  EXPECT_EQ(st.health[name].failures, 0);
  EXPECT_EQ(st.health[name].status, "Happy");
  EXPECT_EQ(st.fallback.status, "False");
}

TEST(OrchKedaFallback, BehaviorsPickTheReplicaCount) {
  struct row {
    std::string behavior;
    std::int32_t current;
    std::int64_t want;
  };
  for (const auto& r : std::vector<row>{{"static", 7, 4},
                                        {"currentReplicas", 7, 7},
                                        {"currentReplicasIfHigher", 7, 7},
                                        {"currentReplicasIfHigher", 2, 4},
                                        {"currentReplicasIfLower", 7, 4},
                                        {"currentReplicasIfLower", 2, 2}}) {
    auto spec = reference_spec();
    spec.fallback = objects::fallback_spec{0, 4, r.behavior};
    keda_status st;
    auto out = metric_with_fallback(spec, "AverageValue", "m", 5000, r.current, std::nullopt, "x", st);
    ASSERT_TRUE(out.value_milli) << r.behavior;
    EXPECT_EQ(*out.value_milli, r.want * 5000) << r.behavior;
  }
}

TEST(OrchKedaFallback, DisabledForValueMetrics) {
  auto spec = reference_spec();
  keda_status st;
  for (int i = 0; i < 5; ++i) {
    auto out = metric_with_fallback(spec, "Value", "m", 5000, 1, std::nullopt, "x", st);
    EXPECT_FALSE(out.value_milli);
  }
  EXPECT_TRUE(st.health.empty());
}

}  // namespace
}  // namespace hayloft::orchestrator::scaling
