// Controller-level tests: the reference manifests unchanged, scaled 0 -> 1 -> 2 -> 0 on the
// manual clock; apply semantics; persistence across restarts.
#include "tests/orchestrator/controller_fixture.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

std::vector<std::pair<int, int>> scaling_steps(controller& c, const std::string& ns, const std::string& name) {
  std::vector<std::pair<int, int>> steps;
  auto ev = c.events(ns, "deployment", name);
  for (const auto& e : (*ev)["items"])
    if (e["reason"] == "ScalingReplicaSet")
      steps.emplace_back(e["hayloft"]["fromReplicas"].get<int>(), e["hayloft"]["toReplicas"].get<int>());
  return steps;
}

TEST_F(OrchControllerTest, ReferenceManifestsScaleZeroOneTwoZero) {
  queues_.set("test-queue", 25, 7);  // 7 in flight: not counted (scaleOnInFlight: "false")
  apply_reference();
  // The ScaledObject's first poll, made when it is created: active, 0 -> 1.
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 1);
  advance(seconds(0));  // the pod starts at the next loop iteration
  EXPECT_EQ(ready_pods("indexing"), 1);

  advance(seconds(15));  // first HPA sync: ceil(25 / 10) = 3, clamped to maxReplicaCount 2
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  EXPECT_EQ(ready_pods("indexing"), 2);
  auto hpa = ctl_->get("hpa", "indexing", "keda-hpa-indexing-consumer-scaled-object");
  ASSERT_TRUE(hpa);
  EXPECT_EQ((*hpa)["object"]["spec"]["maxReplicas"], 2);
  EXPECT_EQ((*hpa)["object"]["spec"]["minReplicas"], 1);
  EXPECT_EQ((*hpa)["object"]["status"]["currentMetrics"][0]["external"]["current"]["averageValue"], "25");

  queues_.set("test-queue", 0, 3);  // drained (3 still in flight, not counted)
  advance(seconds(15));             // t=30: inactive, cooling down; the HPA keeps 2 (stabilization)
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  advance(seconds(240));  // t=270: lastActiveTime (t=0) + 300 s is still ahead
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  advance(seconds(30));  // t=300: the poll at lastActiveTime + cooldownPeriod -> idleReplicaCount 0
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 0);
  EXPECT_EQ(pods("indexing").size(), 0u);

  auto steps = scaling_steps(*ctl_, "indexing", "indexing-consumer");
  ASSERT_GE(steps.size(), 3u);
  EXPECT_EQ(steps.front(), std::make_pair(0, 1));
  EXPECT_EQ(steps[1], std::make_pair(1, 2));
  EXPECT_EQ(steps.back().second, 0);

  // The ScaledObject's status shows it.
  auto so = ctl_->get("so", "indexing", "indexing-consumer-scaled-object");
  ASSERT_TRUE(so);
  const json& conditions = (*so)["object"]["status"]["conditions"];
  EXPECT_EQ(conditions[0]["type"], "Ready");
  EXPECT_EQ(conditions[0]["status"], "True");
  EXPECT_EQ(conditions[1]["status"], "False");
}

TEST_F(OrchControllerTest, PodsSeeResolvedEnvironment) {
  queues_.set("test-queue", 1);
  apply_reference();
  advance(seconds(0));
  auto l = ctl_->logs({"indexing", "", "indexing-consumer", "", std::nullopt, std::nullopt});
  ASSERT_TRUE(l) << l.err().message;
  std::string data = (*l)["data"];
  EXPECT_NE(data.find("started indexing-consumer-"), std::string::npos) << data;
  EXPECT_NE(data.find("AWS_REGION=eu-central-1"), std::string::npos) << data;
  EXPECT_NE(data.find("HOSTNAME=indexing-consumer-"), std::string::npos) << data;
}

TEST_F(OrchControllerTest, ApplyReportsCreatedUnchangedConfigured) {
  const std::string yaml = reference("deployment-consumer.yaml");
  auto r1 = apply_ok(yaml, "indexing", true);
  EXPECT_EQ(r1["items"][0]["action"], "created");
  EXPECT_EQ(r1["items"][0]["resource"], "deployment.apps");
  auto r2 = apply_ok(yaml, "indexing", true);
  EXPECT_EQ(r2["items"][0]["action"], "unchanged");
  std::string changed = yaml;
  changed.replace(changed.find("eu-central-1"), 12, "eu-west-1");
  auto r3 = apply_ok(changed, "indexing", true);
  EXPECT_EQ(r3["items"][0]["action"], "configured");
  // The warning about limits hayloft does not enforce.
  bool warned = false;
  for (const auto& w : r1["warnings"]) warned = warned || w.get<std::string>().find("resources.limits") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(OrchControllerTest, ApplyErrorsLookLikeKubectl) {
  auto r = ctl_->apply(reference("keda/secrets-localstack.yaml"), "default", true);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["items"][0]["error"]["message"],
            "the namespace from the provided object \"indexing\" does not match the namespace \"default\". You must pass "
            "'--namespace=indexing' to perform this operation.");
  auto bad = ctl_->apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: -1}\n", "", false);
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)["items"][0]["error"]["code"], "Invalid");
  EXPECT_NE((*bad)["items"][0]["error"]["message"].get<std::string>().find(
                "The Deployment \"x\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            std::string::npos);
  auto unknown = ctl_->apply("apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n", "", false);
  ASSERT_TRUE(unknown);
  EXPECT_NE((*unknown)["items"][0]["error"]["message"].get<std::string>().find("no matches for kind \"Widget\" in version \"v1\""),
            std::string::npos);
  auto missing = ctl_->get("deployment", "default", "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.err().message, "deployments.apps \"nope\" not found");
  EXPECT_EQ(reason_of(missing.code()), "NotFound");
}

TEST_F(OrchControllerTest, ManualScaleIsOverriddenByTheHpaAtItsNextSync) {
  queues_.set("test-queue", 25);
  apply_reference();
  advance(seconds(0));
  advance(seconds(15));
  ASSERT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  auto s = ctl_->scale("deployment", "indexing", "indexing-consumer", 1);
  ASSERT_TRUE(s);
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 1);
  advance(seconds(15));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  // Above maxReplicas the HPA brings it back down without looking at metrics.
  ASSERT_TRUE(ctl_->scale("deployment", "indexing", "indexing-consumer", 5));
  advance(seconds(0));
  EXPECT_EQ(pods("indexing").size(), 5u);
  advance(seconds(15));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
}

TEST_F(OrchControllerTest, FallbackAfterFailureThresholdIsClampedToMax) {
  queues_.set("test-queue", 5);
  apply_reference();
  advance(seconds(0));  // active -> 1
  ASSERT_EQ(spec_replicas("indexing", "indexing-consumer"), 1);
  queues_.fail(true);
  // HPA reads at t=15, 30, 45: three failures, no scaling; the fourth read falls back.
  advance(seconds(45));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 1);
  auto so = ctl_->get("so", "indexing", "indexing-consumer-scaled-object");
  EXPECT_EQ((*so)["object"]["status"]["health"]["s0-aws-sqs-test-queue"]["numberOfFailures"], 3);
  advance(seconds(15));  // fallback.replicas 4 * queueLength 10 -> 4 replicas, clamped to max 2
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  so = ctl_->get("so", "indexing", "indexing-consumer-scaled-object");
  const json& conditions = (*so)["object"]["status"]["conditions"];
  EXPECT_EQ(conditions[2]["type"], "Fallback");
  EXPECT_EQ(conditions[2]["status"], "True");
  // The errors freeze KEDA's activation: long after the cooldown nothing scales to zero.
  advance(seconds(600));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
}

TEST_F(OrchControllerTest, PausedReplicasAnnotationPinsTheCountAndRemovesTheHpa) {
  apply_reference();
  std::string so = reference("keda/scaled-object-consumer.yaml");
  so.replace(so.find("metadata:\n"), 10, "metadata:\n  annotations:\n    autoscaling.keda.sh/paused-replicas: \"3\"\n");
  auto r = apply_ok(so, "indexing", true);
  EXPECT_EQ(r["items"][0]["action"], "configured");
  queues_.set("test-queue", 100);
  advance(seconds(0));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 3);
  EXPECT_FALSE(ctl_->get("hpa", "indexing", "keda-hpa-indexing-consumer-scaled-object"));
  advance(seconds(120));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 3);
}

TEST_F(OrchControllerTest, ObjectsAndPodsSurviveARestart) {
  queues_.set("test-queue", 25);
  apply_reference();
  advance(seconds(0));
  advance(seconds(15));
  ASSERT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  auto so_before = ctl_->get("so", "indexing", "indexing-consumer-scaled-object");
  // Drained: the poll the restarted operator makes at once is inactive and leaves
  // lastActiveTime as it was (an active one would refresh it).
  queues_.set("test-queue", 0);
  restart();
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 2);
  EXPECT_TRUE(ctl_->get("secret", "indexing", "aws-secrets"));
  EXPECT_TRUE(ctl_->get("triggerauthentication", "indexing", "keda-trigger-auth-aws-credentials"));
  EXPECT_TRUE(ctl_->get("hpa", "indexing", "keda-hpa-indexing-consumer-scaled-object"));
  auto so_after = ctl_->get("so", "indexing", "indexing-consumer-scaled-object");
  EXPECT_EQ((*so_after)["object"]["status"]["lastActiveTime"], (*so_before)["object"]["status"]["lastActiveTime"]);
  advance(seconds(0));  // pods restart
  EXPECT_EQ(ready_pods("indexing"), 2);
  // Re-applying the unchanged manifests after the restart is a no-op.
  auto again = ctl_->apply(reference("keda/scaled-object-consumer.yaml"), "indexing", true);
  EXPECT_EQ((*again)["items"][0]["action"], "unchanged");
}

TEST_F(OrchControllerTest, DeleteRemovesPodsAndOwnedHpa) {
  queues_.set("test-queue", 25);
  apply_reference();
  advance(seconds(0));
  auto d = ctl_->delete_manifests(reference("keda/scaled-object-consumer.yaml"), "indexing", true);
  ASSERT_TRUE(d);
  EXPECT_TRUE((*d)["items"][0]["deleted"].get<bool>());
  EXPECT_FALSE(ctl_->get("hpa", "indexing", "keda-hpa-indexing-consumer-scaled-object"));
  auto dd = ctl_->delete_object("deployment", "indexing", "indexing-consumer");
  ASSERT_TRUE(dd) << dd.err().message;
  advance(seconds(0));
  EXPECT_EQ(pods("indexing").size(), 0u);
  auto again = ctl_->delete_object("deployment", "indexing", "indexing-consumer");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.err().message, "deployments.apps \"indexing-consumer\" not found");
}

TEST_F(OrchControllerTest, ResetEmptiesEverything) {
  queues_.set("test-queue", 25);
  apply_reference();
  advance(seconds(0));
  ASSERT_TRUE(ctl_->reset());
  EXPECT_EQ(pods("indexing").size(), 0u);
  EXPECT_FALSE(ctl_->get("deployment", "indexing", "indexing-consumer"));
  EXPECT_TRUE(ctl_->get("namespace", "", "default"));
  restart();
  EXPECT_FALSE(ctl_->get("deployment", "indexing", "indexing-consumer"));
}

}  // namespace
}  // namespace hayloft::orchestrator::testing

namespace hayloft::orchestrator::testing {
namespace {

class OrchCredentialTest : public OrchControllerTest {
 protected:
  void SetUp() override {
    OrchControllerTest::SetUp();
    ctl_.reset();
    auto o = make_options();
    o.check_credentials = [this](std::string_view id, std::string_view secret) -> result<void> {
      checked_ = std::string(id) + ":" + std::string(secret);
      if (id == "test" && secret == "test") return {};
      return error{make_error_code(errc::invalid), "The security token included in the request is invalid."};
    };
    ctl_ = std::make_unique<controller>(*store_, *clock_, queues_, workloads_, o);
    ASSERT_TRUE(ctl_->start());
  }
  std::string checked_;
};

TEST_F(OrchCredentialTest, TriggerAuthenticationSecretsAreChecked) {
  queues_.set("test-queue", 25);
  apply_reference();
  advance(std::chrono::seconds(0));
  EXPECT_EQ(checked_, "test:test");  // from aws-secrets through keda-trigger-auth-aws-credentials
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 1);
  // Wrong credentials: the scaler fails, nothing activates.
  apply_ok("apiVersion: v1\nkind: Secret\nmetadata: {name: aws-secrets, namespace: indexing}\n"
           "stringData: {AWS_ACCESS_KEY_ID: test, AWS_SECRET_ACCESS_KEY: wrong}\n");
  ASSERT_TRUE(ctl_->scale("deployment", "indexing", "indexing-consumer", 0));
  advance(std::chrono::seconds(30));
  EXPECT_EQ(spec_replicas("indexing", "indexing-consumer"), 0);
  auto ev = ctl_->events("indexing", "scaledobject", "indexing-consumer-scaled-object");
  bool failed = false;
  for (const auto& e : (*ev)["items"])
    failed = failed || (e["reason"] == "KEDAScalerFailed" &&
                        e["message"].get<std::string>().find("security token") != std::string::npos);
  EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace hayloft::orchestrator::testing
