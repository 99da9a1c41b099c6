// metrics.k8s.io (kubectl top), PodMonitoring objects and `logs --previous` through the
// Kubernetes front door.
#include <thread>

#include "tests/kube/kube_fixture.h"

namespace hayloft::orchestrator::kube::testing {
namespace {

using std::chrono::seconds;

json busy_deployment(const std::string& name, const std::string& script) {
  return json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": ")" + name + R"("},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": ")" + name + R"("}},
      "template": {"metadata": {"labels": {"app": ")" + name + R"("}},
        "spec": {"containers": [{"name": "main", "image": "busybox", "command": ["/bin/sh", "-c", ")" + script + R"("]}]}}}})");
}

TEST_F(KubeFixture, PodMetricsAsMetricsServerServesThem) {
  auto disc = get("/apis/metrics.k8s.io/v1beta1");
  ASSERT_EQ(disc.status, 200u) << disc.text;
  EXPECT_EQ(disc.body["resources"][0]["name"], "pods");
  EXPECT_EQ(disc.body["resources"][0]["kind"], "PodMetrics");
  ASSERT_EQ(post("/apis/apps/v1/namespaces/default/deployments", busy_deployment("burner", "while :; do :; done")).status, 201u);
  advance(seconds(0));
  auto none = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods");
  ASSERT_EQ(none.status, 200u);
  EXPECT_EQ(none.body["kind"], "PodMetricsList");
  EXPECT_TRUE(none.body["items"].empty());  // one sample is not yet a rate
  advance(seconds(15));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  advance(seconds(15));
  auto list = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dburner");
  ASSERT_EQ(list.status, 200u) << list.text;
  ASSERT_EQ(list.body["items"].size(), 1u) << list.text;
  const json& pm = list.body["items"][0];
  EXPECT_EQ(pm["apiVersion"], "metrics.k8s.io/v1beta1");
  EXPECT_EQ(pm["window"], "15s");
  EXPECT_EQ(pm["metadata"]["labels"]["app"], "burner");
  const std::string cpu = pm["containers"][0]["usage"]["cpu"];
  EXPECT_EQ(cpu.back(), 'm');
  EXPECT_GT(std::stoi(cpu), 100);
  EXPECT_EQ(pm["containers"][0]["usage"]["memory"].get<std::string>().substr(pm["containers"][0]["usage"]["memory"].get<std::string>().size() - 2), "Ki");
  auto other = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dother");
  EXPECT_TRUE(other.body["items"].empty());
  auto one = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/" + pm["metadata"]["name"].get<std::string>());
  EXPECT_EQ(one.status, 200u);
  EXPECT_EQ(one.body["kind"], "PodMetrics");
  auto missing = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body["message"], "pods.metrics.k8s.io \"nope\" not found");
  auto write = call("POST", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", "{}");
  EXPECT_EQ(write.status, 405u);
}

TEST_F(KubeFixture, PodMonitoringsAreServed) {
  json pm = json::parse(R"({"apiVersion": "monitoring.googleapis.com/v1", "kind": "PodMonitoring",
    "metadata": {"name": "embedder"}, "spec": {"selector": {"matchLabels": {"app": "embedder"}},
    "endpoints": [{"port": "metrics", "interval": "15s"}]}})");
  auto created = post("/apis/monitoring.googleapis.com/v1/namespaces/default/podmonitorings", pm);
  ASSERT_EQ(created.status, 201u) << created.text;
  auto got = get("/apis/monitoring.googleapis.com/v1/namespaces/default/podmonitorings/embedder");
  ASSERT_EQ(got.status, 200u);
  EXPECT_EQ(got.body["spec"]["endpoints"][0]["interval"], "15s");
  pm["metadata"]["name"] = "broken";
  pm["spec"]["endpoints"][0]["interval"] = "soon";
  auto bad = post("/apis/monitoring.googleapis.com/v1/namespaces/default/podmonitorings", pm);
  EXPECT_EQ(bad.status, 422u) << bad.text;
  EXPECT_NE(bad.body["message"].get<std::string>().find("spec.endpoints[0].interval"), std::string::npos) << bad.text;
}

TEST_F(KubeFixture, LogsOfThePreviousContainer) {
  ASSERT_EQ(post("/apis/apps/v1/namespaces/default/deployments", busy_deployment("crasher", "echo run $$$$; exit 1")).status, 201u);
  advance(seconds(0));
  std::string pod;
  auto restarted = [&] {
    auto pods = get("/api/v1/namespaces/default/pods");
    if (pods.body["items"].empty()) return false;
    pod = pods.body["items"][0]["metadata"]["name"];
    return pods.body["items"][0]["status"]["containerStatuses"][0].value("restartCount", 0) >= 1;
  };
  for (int i = 0; i < 200 && !restarted(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    advance(seconds(0));
  }
  ASSERT_TRUE(restarted());
  auto prev = get("/api/v1/namespaces/default/pods/" + pod + "/log?previous=true");
  ASSERT_EQ(prev.status, 200u) << prev.text;
  EXPECT_EQ(prev.text.rfind("run ", 0), 0u) << prev.text;
  EXPECT_EQ(std::count(prev.text.begin(), prev.text.end(), '\n'), 1);
}

TEST_F(KubeFixture, AutoscalingV2beta1IsServedConvertedFromV2) {
  json hpa = json::parse(R"J({"apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
    "minReplicas": 1, "maxReplicas": 2, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 50}},
      {"type": "External", "external": {"metricName": "q", "metricSelector": {"matchLabels": {"a": "b"}}, "targetAverageValue": "3"}}]}})J");
  auto created = post("/apis/autoscaling/v2beta1/namespaces/default/horizontalpodautoscalers", hpa);
  ASSERT_EQ(created.status, 201u) << created.text;
  EXPECT_EQ(created.body["apiVersion"], "autoscaling/v2beta1");
  EXPECT_EQ(created.body["spec"]["metrics"], hpa["spec"]["metrics"]);  // the same fields back
  auto v2 = get("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web");
  ASSERT_EQ(v2.status, 200u);
  EXPECT_EQ(v2.body["spec"]["metrics"][0]["resource"]["target"],
            json::parse(R"J({"type": "Utilization", "averageUtilization": 50})J"));
  EXPECT_EQ(v2.body["spec"]["metrics"][1]["external"]["metric"]["selector"]["matchLabels"]["a"], "b");
  EXPECT_EQ(v2.body["spec"]["metrics"][1]["external"]["target"]["averageValue"], "3");
}

}  // namespace
}  // namespace hayloft::orchestrator::kube::testing
