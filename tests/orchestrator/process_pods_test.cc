// Process pods through the controller: a small shell-script container with env, $(VAR)
// expansion, logs, SIGTERM handling and the crash-loop back-off on the manual clock; and the
// metric triggers (prometheus via metrics_source, CPU from /proc).
#include <sstream>
#include <thread>

#include "tests/orchestrator/controller_fixture.h"
#include "tests/orchestrator/series_metrics.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

std::string script_deployment(const std::string& name, const std::string& script, int replicas,
                              const std::string& extra_env = "", int grace = 30) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\nspec:\n  replicas: " + std::to_string(replicas) + "\n  selector:\n    matchLabels: {app: " + name +
         "}\n  template:\n    metadata:\n      labels: {app: " + name +
         "}\n    spec:\n      terminationGracePeriodSeconds: " + std::to_string(grace) +
         "\n      containers:\n      - name: main\n        image: busybox\n        command: [\"/bin/sh\", \"-c\"]\n"
         "        args:\n        - |\n" + script +
         "        env:\n        - {name: GREETING, value: hello}\n        - {name: TARGET, value: \"$(GREETING)-world\"}\n" +
         extra_env;
}

std::string indent(const std::string& s) {
  std::string out, line;
  std::istringstream in(s);
  while (std::getline(in, line)) out += "          " + line + "\n";
  return out;
}

class OrchProcessPodTest : public OrchControllerTest {
 protected:
  json first_pod(const std::string& ns = "default") {
    auto p = pods(ns);
    return p.empty() ? json() : p[0];
  }
  std::string log_of(const std::string& pod) {
    auto l = ctl_->logs({"default", pod, "", "", std::nullopt, std::nullopt});
    return l ? (*l)["data"].get<std::string>() : std::string();
  }
};

TEST_F(OrchProcessPodTest, RunsWithEnvExpansionAndLogs) {
  apply_ok(script_deployment("greeter", indent("echo \"$TARGET from $HOSTNAME\"\necho 'arg $(GREETING)' \"$0\"\ntrap 'echo bye; exit 0' TERM\nwhile :; do sleep 0.05; done"), 1) +
           "", "", false);
  // command/args $(VAR) expansion happens before the shell sees them.
  std::string d = script_deployment("expander", "          echo $(TARGET) '$$(GREETING)'\n          sleep 30\n", 1);
  apply_ok(d);
  advance(seconds(0));
  ASSERT_EQ(pods("default").size(), 2u);
  std::string greeter, expander;
  for (const auto& p : pods("default")) {
    std::string n = p["metadata"]["name"];
    (n.rfind("greeter", 0) == 0 ? greeter : expander) = n;
  }
  ASSERT_TRUE(settle([&] { return log_of(greeter).find("arg") != std::string::npos; })) << log_of(greeter);
  EXPECT_EQ(log_of(greeter).substr(0, log_of(greeter).find('\n')), "hello-world from " + greeter);
  // $(GREETING) inside args is expanded by Kubernetes rules before the shell runs it.
  EXPECT_NE(log_of(greeter).find("arg hello"), std::string::npos) << log_of(greeter);
  ASSERT_TRUE(settle([&] { return !log_of(expander).empty(); }));
  EXPECT_EQ(log_of(expander), "hello-world $(GREETING)\n");
  json pod = first_pod();
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["hayloft"]["kind"], "process");

  // Scale-down: SIGTERM, the trap runs, the pod goes away well within its grace period.
  ASSERT_TRUE(ctl_->scale("deployment", "default", "greeter", 0));
  advance(seconds(0));
  ASSERT_TRUE(settle([&] {
    for (const auto& p : pods("default"))
      if (p["metadata"]["name"] == greeter) return false;
    return true;
  }));
  auto ev = ctl_->events("default", "pod", greeter);
  bool killing = false;
  for (const auto& e : (*ev)["items"]) killing = killing || e["reason"] == "Killing";
  EXPECT_TRUE(killing);
}

TEST_F(OrchProcessPodTest, CrashLoopBackOffTimingOnTheManualClock) {
  apply_ok(script_deployment("crasher", "          echo crash $$$$\n          exit 3\n", 1));
  advance(seconds(0));
  auto restarts = [&] { return first_pod()["status"]["containerStatuses"][0]["restartCount"].get<int>(); };
  auto waiting = [&] {
    json pod = first_pod();
    const json& state = pod["status"]["containerStatuses"][0]["state"];
    return state.contains("waiting") ? state["waiting"].value("reason", "") : std::string();
  };
  // First exit: restarted at once (restartCount 1); second exit: back-off 10 s.
  ASSERT_TRUE(settle([&] { return restarts() == 1 && waiting() == "CrashLoopBackOff"; })) << first_pod().dump();
  EXPECT_EQ(first_pod()["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_NE(first_pod()["status"]["containerStatuses"][0]["state"]["waiting"]["message"].get<std::string>().find("back-off 10s"),
            std::string::npos);
  advance(seconds(9));
  EXPECT_EQ(restarts(), 1);
  advance(seconds(1));  // 10 s after the exit
  ASSERT_TRUE(settle([&] { return restarts() == 2 && waiting() == "CrashLoopBackOff"; }));
  EXPECT_NE(first_pod()["status"]["containerStatuses"][0]["state"]["waiting"]["message"].get<std::string>().find("back-off 20s"),
            std::string::npos);
  advance(seconds(19));
  EXPECT_EQ(restarts(), 2);
  advance(seconds(1));
  ASSERT_TRUE(settle([&] { return restarts() == 3 && waiting() == "CrashLoopBackOff"; }));
  EXPECT_NE(first_pod()["status"]["containerStatuses"][0]["state"]["waiting"]["message"].get<std::string>().find("back-off 40s"),
            std::string::npos);
  auto l = ctl_->logs({"default", first_pod()["metadata"]["name"], "", "", std::nullopt, std::nullopt});
  // Every instance appends to the one log; --previous is the instance before the current one.
  std::istringstream lines((*l)["data"].get<std::string>());
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 4u) << (*l)["data"];
  for (const auto& line : got) EXPECT_EQ(line.rfind("crash ", 0), 0u) << line;
  EXPECT_NE(got[2], got[3]);  // different shell pids
  // The fourth instance has not started yet (back-off), so the previous one is the third.
  auto prev = ctl_->logs({"default", first_pod()["metadata"]["name"], "", "", std::nullopt, std::nullopt, true});
  ASSERT_TRUE(prev) << prev.err().message;
  EXPECT_EQ((*prev)["data"], got[2] + "\n");
  EXPECT_FALSE((*prev)["running"].get<bool>());
  auto prev_tail = ctl_->logs({"default", first_pod()["metadata"]["name"], "", "", 0, std::nullopt, true});
  EXPECT_EQ((*prev_tail)["data"], "");
}

TEST_F(OrchProcessPodTest, PreviousLogNeedsARestart) {
  apply_ok(script_deployment("steady", "          echo up\n          sleep 30\n", 1));
  advance(seconds(0));
  std::string name = first_pod()["metadata"]["name"];
  auto prev = ctl_->logs({"default", name, "", "", std::nullopt, std::nullopt, true});
  ASSERT_FALSE(prev);
  EXPECT_EQ(prev.err().message, "previous terminated container \"main\" in pod \"" + name + "\" not found");
}

TEST_F(OrchProcessPodTest, GracePeriodEndsInSigkill) {
  apply_ok(script_deployment("stubborn", "          trap '' TERM\n          echo up\n          while :; do sleep 0.05; done\n", 1, "", 5));
  advance(seconds(0));
  std::string name = first_pod()["metadata"]["name"];
  ASSERT_TRUE(settle([&] { return ctl_->logs({"default", name, "", "", std::nullopt, std::nullopt}).value()["data"] == "up\n"; }));
  ASSERT_TRUE(ctl_->scale("deployment", "default", "stubborn", 0));
  advance(seconds(0));
  ASSERT_EQ(pods("default").size(), 1u);
  EXPECT_EQ(first_pod()["metadata"].contains("deletionTimestamp"), true);
  advance(seconds(4));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  advance(seconds(0));
  EXPECT_EQ(pods("default").size(), 1u);  // still terminating: SIGTERM is ignored
  advance(seconds(1));                    // grace period over: SIGKILL
  EXPECT_TRUE(settle([&] { return pods("default").empty(); }));
}

TEST_F(OrchProcessPodTest, MissingSecretIsAConfigErrorUntilItIsApplied) {
  apply_ok(script_deployment("needs-secret", "          echo \"key=$API_KEY\"\n          sleep 30\n", 1,
                             "        - name: API_KEY\n          valueFrom:\n            secretKeyRef: {name: api, key: token}\n"));
  advance(seconds(0));
  auto state = first_pod()["status"]["containerStatuses"][0]["state"];
  EXPECT_EQ(state["waiting"]["reason"], "CreateContainerConfigError");
  EXPECT_EQ(state["waiting"]["message"], "secret \"api\" not found");
  EXPECT_EQ(first_pod()["status"]["phase"], "Pending");
  apply_ok("apiVersion: v1\nkind: Secret\nmetadata: {name: api}\nstringData: {token: s3cr3t}\n");
  advance(seconds(0));
  std::string name = first_pod()["metadata"]["name"];
  ASSERT_TRUE(settle([&] { return ctl_->logs({"default", name, "", "", std::nullopt, std::nullopt}).value()["data"] == "key=s3cr3t\n"; }));
}

using OrchMetricTriggerTest = OrchSeriesMetricsTest;

TEST_F(OrchMetricTriggerTest, PrometheusTriggerUsesTheMetricsSource) {
  apply_ok("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector:\n"
           "    matchLabels: {app: web}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
           "      containers: [{name: web, image: hayloft/echo}]\n");
  apply_ok("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n"
           "  maxReplicaCount: 10\n  triggers:\n  - type: prometheus\n    metadata:\n"
           "      serverAddress: http://prometheus.monitoring.svc.cluster.local:9090\n"
           "      query: 'sum(http_requests_in_flight{service=\"web\"})'\n      threshold: \"5\"\n      activationThreshold: \"2\"\n");
  metrics_->set("http_requests_in_flight", {{"service", "web"}, {"pod", "a"}}, 1);
  metrics_->set("http_requests_in_flight", {{"service", "web"}, {"pod", "b"}}, 1);
  metrics_->set("http_requests_in_flight", {{"service", "other"}}, 100);
  advance(seconds(0));
  EXPECT_EQ(spec_replicas("default", "web"), 0);  // 2 is not above the activation threshold
  advance(seconds(1));
  metrics_->set("http_requests_in_flight", {{"service", "web"}, {"pod", "b"}}, 22);
  // t=30: the poll activates 0 -> 1, and the HPA sync due at the same instant (it was disabled
  // at 0 replicas until now) asks for ceil(23 / 5) = 5, limited to max(2 x 1, 4) = 4.
  advance(seconds(29));
  EXPECT_EQ(spec_replicas("default", "web"), 4);
  advance(seconds(15));
  EXPECT_EQ(spec_replicas("default", "web"), 5);
  auto ev = ctl_->events("default", "", "");
  std::vector<std::string> reasons;
  for (const auto& e : (*ev)["items"])
    if (e["reason"] == "KEDAScaleTargetActivated" || e["reason"] == "SuccessfulRescale")
      reasons.push_back(e["reason"].get<std::string>() + " " + std::to_string(e["hayloft"]["toReplicas"].get<int>()));
  EXPECT_EQ(reasons, (std::vector<std::string>{"KEDAScaleTargetActivated 1", "SuccessfulRescale 4", "SuccessfulRescale 5"}));
  auto gauges = ctl_->gauges();
  bool found = false;
  for (const auto& g : gauges)
    if (g.name == "keda_scaler_metrics_value" && g.labels.at("scaledObject") == "web") found = g.value == 23;
  EXPECT_TRUE(found);
}

TEST_F(OrchMetricTriggerTest, MemoryTriggerOfAProcessPodDrivesKedasHpa) {
  // 64 MiB touched and held by the container's process, against a 16Mi request: ~400 %.
  apply_ok("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: hog}\nspec:\n  replicas: 1\n  selector:\n"
           "    matchLabels: {app: hog}\n  template:\n    metadata: {labels: {app: hog}}\n    spec:\n"
           "      containers:\n      - name: hog\n        image: python\n"
           "        command: [\"python3\", \"-c\", \"import time; b = b'x' * (64 << 20); print('held', flush=True); time.sleep(120)\"]\n"
           "        resources: {requests: {memory: 16Mi}}\n");
  apply_ok("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: hog}\nspec:\n  scaleTargetRef: {name: hog}\n"
           "  minReplicaCount: 1\n  maxReplicaCount: 3\n  triggers:\n  - type: memory\n    metricType: Utilization\n"
           "    metadata: {value: \"100\"}\n");
  advance(seconds(0));
  std::string name = pods("default")[0]["metadata"]["name"];
  ASSERT_TRUE(settle([&] {
    auto l = ctl_->logs({"default", name, "", "", std::nullopt, std::nullopt});
    return l && (*l)["data"] == "held\n";
  }));
  advance(seconds(15));  // KEDA's HPA: first sync one period after creation: ~450 % -> max
  EXPECT_EQ(spec_replicas("default", "hog"), 3);
  auto hpa = ctl_->get("hpa", "default", "keda-hpa-hog");
  ASSERT_TRUE(hpa);
  const json& cur = (*hpa)["object"]["status"]["currentMetrics"][0]["resource"];
  EXPECT_EQ(cur["name"], "memory");
  EXPECT_GT(cur["current"]["averageUtilization"].get<int>(), 300) << cur.dump();
}

TEST_F(OrchMetricTriggerTest, CpuUtilizationOfAProcessPodDrivesAnHpa) {
  apply_ok("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: burner}\nspec:\n  replicas: 1\n  selector:\n"
           "    matchLabels: {app: burner}\n  template:\n    metadata: {labels: {app: burner}}\n    spec:\n"
           "      containers:\n      - name: burn\n        image: busybox\n        command: [\"/bin/sh\", \"-c\", \"while :; do :; done\"]\n"
           "        resources: {requests: {cpu: 100m}}\n");
  apply_ok("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: burner}\nspec:\n"
           "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burner}\n  minReplicas: 1\n  maxReplicas: 3\n"
           "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n");
  advance(seconds(0));
  advance(seconds(15));  // first sample: no rate yet, the pod's metric is missing
  EXPECT_EQ(spec_replicas("default", "burner"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the busy loop burns real CPU
  advance(seconds(15));  // ~1000m of a 100m request: far above 50 %
  EXPECT_EQ(spec_replicas("default", "burner"), 3);
  auto hpa = ctl_->get("hpa", "default", "burner");
  EXPECT_GT((*hpa)["object"]["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"].get<int>(), 100);
}

}  // namespace
}  // namespace hayloft::orchestrator::testing
