// KEDA's scale loop in the controller, on the manual clock: the check made when a ScaledObject
// is created (no clock tick needed), initialCooldownPeriod, the poll that ends the cooldown, and
// a restart in the middle of a cooldown (keda pkg/scaling/scale_handler.go startScaleLoop,
// pkg/scaling/executor/scale_scaledobjects.go scaleToZeroOrIdle).
#include "tests/orchestrator/controller_fixture.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

class OrchKedaLoopTest : public OrchControllerTest {
 protected:
  // The walkthrough's order: the Deployment (replicas: 0), scaled to 1 by hand, then the KEDA
  // manifests; `so_patch` edits the ScaledObject's spec.
  void deployment_at_one() {
    apply_ok(reference("deployment-consumer.yaml"), "indexing", true);
    ASSERT_TRUE(ctl_->scale("deployment", "indexing", "indexing-consumer", 1));
    advance(seconds(0));  // the pod starts
    ASSERT_EQ(ready_pods("indexing"), 1);
  }
  json apply_keda(const std::string& spec_extra = "") {
    apply_ok(reference("keda/secrets-localstack.yaml"), "indexing", true);
    apply_ok(reference("keda/trigger-authentication.yaml"), "indexing", true);
    std::string so = reference("keda/scaled-object-consumer.yaml");
    if (!spec_extra.empty()) so.replace(so.find("  pollingInterval:"), 0, spec_extra);
    return apply_ok(so, "indexing", true);
  }
  std::int32_t replicas() { return spec_replicas("indexing", "indexing-consumer"); }
  json so_object() { return (*ctl_->get("so", "indexing", "indexing-consumer-scaled-object"))["object"]; }
  json scale_loop() {
    auto d = ctl_->describe("so", "indexing", "indexing-consumer-scaled-object");
    EXPECT_TRUE(d);
    return d ? (*d)["scaleLoop"] : json();
  }
  std::vector<json> events_of(const std::string& reason) {
    std::vector<json> out;
    const json all = *ctl_->events("indexing", "", "");
    for (const auto& e : all["items"])
      if (e["reason"] == reason) out.push_back(e);
    return out;
  }
  // t0 of the manual clock plus s, as metav1.Time prints it.
  static std::string at(int s) {
    std::string t = core::iso8601(core::make_manual_clock()->now() + seconds(s));
    return t.substr(0, t.find('.')) + "Z";
  }
};

TEST_F(OrchKedaLoopTest, EmptyQueueScalesInAtCreationWithoutAClockTick) {
  queues_.set("test-queue", 0);
  deployment_at_one();
  const auto before = clock_->now();
  apply_keda();
  // The check made when the loop starts: no trigger was ever active (lastActiveTime nil) and
  // initialCooldownPeriod is 0, so the target goes to idleReplicaCount at once.
  EXPECT_EQ(clock_->now(), before);
  EXPECT_EQ(replicas(), 0);
  auto deactivated = events_of("KEDAScaleTargetDeactivated");
  ASSERT_EQ(deactivated.size(), 1u);
  EXPECT_EQ(deactivated[0]["message"], "Deactivated apps/v1.Deployment indexing/indexing-consumer from 1 to 0");
  EXPECT_TRUE(deactivated[0]["hayloft"]["lastActiveTime"].is_null());
  EXPECT_EQ(deactivated[0]["hayloft"]["cooldownEnds"], at(0));
  EXPECT_FALSE(so_object()["status"].contains("lastActiveTime"));
  EXPECT_EQ(scale_loop()["lastPoll"], at(0));
  EXPECT_EQ(scale_loop()["nextPoll"], at(30));
  advance(seconds(0));  // the pod is terminated at the next loop iteration
  EXPECT_EQ(ready_pods("indexing"), 0);

  // An upload: the next poll (t=30) activates 0 -> 1 and sets lastActiveTime.
  queues_.set("test-queue", 1);
  advance(seconds(29));
  EXPECT_EQ(replicas(), 0);
  advance(seconds(1));
  EXPECT_EQ(replicas(), 1);
  EXPECT_EQ(so_object()["status"]["lastActiveTime"], at(30));
}

TEST_F(OrchKedaLoopTest, InitialCooldownPeriodHoldsTheFirstScaleIn) {
  queues_.set("test-queue", 0);
  deployment_at_one();
  apply_keda("  initialCooldownPeriod: 120\n");
  EXPECT_EQ(replicas(), 1);  // created at t=0: cooldown until t=120
  EXPECT_EQ(scale_loop()["cooldownEnds"], at(120));
  auto cooling = events_of("ScalerCooldown");
  ASSERT_EQ(cooling.size(), 1u);
  EXPECT_NE(cooling[0]["message"].get<std::string>().find("no trigger active since creation at " + at(0) +
                                                            ", initialCooldownPeriod 120s"),
            std::string::npos)
      << cooling[0].dump();
  EXPECT_EQ(cooling[0]["hayloft"]["cooldownEnds"], at(120));
  EXPECT_EQ(so_object()["status"]["conditions"][1]["reason"], "ScalerCooldown");
  advance(seconds(90));  // polls at 30, 60, 90
  EXPECT_EQ(replicas(), 1);
  advance(seconds(30));  // the poll at creationTimestamp + initialCooldownPeriod
  EXPECT_EQ(replicas(), 0);
  EXPECT_EQ(events_of("KEDAScaleTargetDeactivated").size(), 1u);
}

// The numbers: polling 30 s, cooldown 300 s, last active poll at t=180 -> t=480.
TEST_F(OrchKedaLoopTest, ThePollAtLastActivePlusCooldownScalesIn) {
  queues_.set("test-queue", 5);
  apply_ok(reference("deployment-consumer.yaml"), "indexing", true);
  apply_keda();
  EXPECT_EQ(replicas(), 1);  // active at creation: 0 -> 1
  advance(seconds(180));     // active polls every 30 s up to t=180
  EXPECT_EQ(so_object()["status"]["lastActiveTime"], at(180));
  queues_.set("test-queue", 0);
  advance(seconds(30));  // t=210: inactive, cooling down
  auto cooling = events_of("ScalerCooldown");
  ASSERT_EQ(cooling.size(), 1u);
  EXPECT_NE(cooling[0]["message"].get<std::string>().find("last active poll at " + at(180) + ", cooldownPeriod 300s"),
            std::string::npos)
      << cooling[0].dump();
  EXPECT_EQ(cooling[0]["hayloft"]["lastActiveTime"], at(180));
  EXPECT_EQ(cooling[0]["hayloft"]["cooldownEnds"], at(480));
  json loop = scale_loop();
  EXPECT_EQ(loop["lastActiveTime"], at(180));
  EXPECT_EQ(loop["cooldownEnds"], at(480));
  EXPECT_EQ(loop["activeReason"], "ScalerCooldown");
  advance(seconds(240));  // t=450
  EXPECT_EQ(replicas(), 1);
  advance(seconds(30));  // t=480
  EXPECT_EQ(replicas(), 0);
  auto deactivated = events_of("KEDAScaleTargetDeactivated");
  ASSERT_EQ(deactivated.size(), 1u);
  EXPECT_EQ(deactivated[0]["lastTimestamp"].get<std::string>().substr(0, 19), at(480).substr(0, 19));
  EXPECT_EQ(deactivated[0]["hayloft"]["lastActiveTime"], at(180));
  // Inactive polls never refresh lastActiveTime.
  EXPECT_EQ(so_object()["status"]["lastActiveTime"], at(180));
}

TEST_F(OrchKedaLoopTest, ARestartInTheCooldownKeepsLastActiveTime) {
  queues_.set("test-queue", 5);
  apply_ok(reference("deployment-consumer.yaml"), "indexing", true);
  apply_keda();
  advance(seconds(180));
  queues_.set("test-queue", 0);
  advance(seconds(20));  // t=200: between the last active poll (180) and the end of cooldown (480)
  ASSERT_EQ(replicas(), 1);
  restart();
  // The operator's start checks at once (t=200, cooling down) and then every 30 s from there:
  // 230, ..., 470, 500. lastActiveTime came back from the status, unchanged.
  EXPECT_EQ(replicas(), 1);
  EXPECT_EQ(so_object()["status"]["lastActiveTime"], at(180));
  EXPECT_EQ(scale_loop()["lastPoll"], at(200));
  EXPECT_EQ(scale_loop()["cooldownEnds"], at(480));
  advance(seconds(270));  // t=470
  EXPECT_EQ(replicas(), 1);
  advance(seconds(30));  // t=500: the first poll at or after 480
  EXPECT_EQ(replicas(), 0);
  EXPECT_EQ(so_object()["status"]["lastActiveTime"], at(180));
}

TEST_F(OrchKedaLoopTest, ChangingTheScaledObjectRestartsTheLoopWithACheck) {
  queues_.set("test-queue", 0);
  deployment_at_one();
  apply_keda("  initialCooldownPeriod: 600\n");
  advance(seconds(10));
  EXPECT_EQ(replicas(), 1);
  // A changed spec restarts the loop: checked at once (t=10) with the new initialCooldownPeriod.
  apply_keda("  initialCooldownPeriod: 5\n");
  EXPECT_EQ(replicas(), 0);
  EXPECT_EQ(scale_loop()["lastPoll"], at(10));
  EXPECT_EQ(scale_loop()["nextPoll"], at(40));
}

}  // namespace
}  // namespace hayloft::orchestrator::testing
