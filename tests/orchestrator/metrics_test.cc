// The HPA's Pods, Object and External metrics and the KEDA prometheus trigger over real series
// and PromQL (emulator/prom), with and without prometheus-adapter rules; adapter rule parsing and
// query building; HPA manifests in older API versions.
#include "orchestrator/objects/validate.h"
#include "orchestrator/scaling/adapter.h"
#include "orchestrator/scaling/triggers.h"
#include "tests/orchestrator/controller_fixture.h"
#include "tests/orchestrator/series_metrics.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

std::string web_deployment(int replicas) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
         "      containers: [{name: web, image: hayloft/echo}]\n";
}

std::string hpa(const std::string& metric_yaml, int max = 10) {
  return "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
         "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: " +
         std::to_string(max) + "\n  metrics:\n" + metric_yaml;
}

class OrchMetricsTest : public OrchSeriesMetricsTest {
 protected:
  std::vector<std::string> pod_names() {
    std::vector<std::string> out;
    for (const auto& p : pods("default")) out.push_back(p["metadata"]["name"]);
    return out;
  }
  json hpa_status() { return (*ctl_->get("hpa", "default", "web"))["object"]["status"]; }
  std::vector<std::string> hpa_events(const std::string& reason) {
    std::vector<std::string> out;
    const json all = *ctl_->events("default", "", "");
    for (const auto& e : all["items"])
      if (e["reason"] == reason) out.push_back(e["message"]);
    return out;
  }
};

TEST_F(OrchMetricsTest, PodsMetricAveragesTheTargetsPodsSeries) {
  apply_ok(web_deployment(2));
  advance(seconds(0));
  auto names = pod_names();
  ASSERT_EQ(names.size(), 2u);
  // Each pod's own series, found by its namespace and pod labels (as scraped); other pods and
  // namespaces do not count.
  metrics_->set("jetstream_prefill_backlog_size", {{"namespace", "default"}, {"pod", names[0]}}, 30);
  metrics_->set("jetstream_prefill_backlog_size", {{"namespace", "default"}, {"pod", names[1]}}, 20);
  metrics_->set("jetstream_prefill_backlog_size", {{"namespace", "other"}, {"pod", names[1]}}, 1000);
  metrics_->set("jetstream_prefill_backlog_size", {{"namespace", "default"}, {"pod", "web-elsewhere"}}, 1000);
  apply_ok(hpa("  - type: Pods\n    pods:\n      metric: {name: jetstream_prefill_backlog_size}\n"
               "      target: {type: AverageValue, averageValue: 10}\n"));
  advance(seconds(15));
  // average 25 against 10: 2 x 2.5 = 5, limited to max(2 x 2, 4) = 4 for this sync.
  EXPECT_EQ(spec_replicas("default", "web"), 4);
  EXPECT_EQ(hpa_status()["currentMetrics"][0]["pods"]["current"]["averageValue"], "25");
}

TEST_F(OrchMetricsTest, PodsMetricWithoutSeriesIsAFailedGetPodsMetric) {
  apply_ok(web_deployment(2));
  advance(seconds(0));
  apply_ok(hpa("  - type: Pods\n    pods:\n      metric: {name: absent_metric}\n"
               "      target: {type: AverageValue, averageValue: 10}\n"));
  advance(seconds(15));
  EXPECT_EQ(spec_replicas("default", "web"), 2);
  auto ev = hpa_events("FailedGetPodsMetric");
  ASSERT_FALSE(ev.empty()) << (*ctl_->events("default", "", "")).dump();
  EXPECT_EQ(ev[0],
            "unable to get metric absent_metric: unable to fetch metrics from custom metrics API: the server could not "
            "find the metric absent_metric for pods");
}

TEST_F(OrchMetricsTest, ExternalMetricFromAnAdapterRuleInAConfigMap) {
  apply_ok(web_deployment(2));
  advance(seconds(0));
  // prometheus-adapter's Helm chart keeps its rules in a ConfigMap's config.yaml.
  apply_ok("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: adapter-config, namespace: monitoring}\ndata:\n"
           "  config.yaml: |\n"
           "    externalRules:\n"
           "    - seriesQuery: '{__name__=\"memory_used_percentage\",cluster_name!=\"\"}'\n"
           "      resources: {namespaced: false}\n"
           "      metricsQuery: avg(<<.Series>>{<<.LabelMatchers>>})\n");
  metrics_->set("memory_used_percentage", {{"cluster_name", "x"}, {"node", "a"}}, 80);
  metrics_->set("memory_used_percentage", {{"cluster_name", "x"}, {"node", "b"}}, 100);
  metrics_->set("memory_used_percentage", {{"cluster_name", "y"}, {"node", "c"}}, 10);
  apply_ok(hpa("  - type: External\n    external:\n"
               "      metric:\n        name: memory_used_percentage\n        selector: {matchLabels: {cluster_name: x}}\n"
               "      target: {type: Value, value: 60}\n"));
  advance(seconds(15));
  // avg over cluster x = 90 against 60 with 2 ready pods: ceil(1.5 x 2) = 3.
  EXPECT_EQ(spec_replicas("default", "web"), 3);
  EXPECT_EQ(hpa_status()["currentMetrics"][0]["external"]["current"]["value"], "90");
}

TEST_F(OrchMetricsTest, ExternalMetricAsACompositeExpressionAndWithoutRules) {
  apply_ok(web_deployment(2));
  advance(seconds(0));
  apply_ok("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus-adapter, namespace: monitoring}\ndata:\n"
           "  config.yaml: |\n"
           "    externalRules:\n"
           "    - seriesQuery: 'memory_used_bytes'\n"
           "      name: {matches: '^memory_used_bytes$', as: memory_used_ratio}\n"
           "      resources: {namespaced: false}\n"
           "      metricsQuery: 'avg(memory_used_bytes{cluster_name=\"x\"}) / avg(memory_total_bytes{cluster_name=\"x\"})'\n");
  metrics_->set("memory_used_bytes", {{"cluster_name", "x"}}, 3);
  metrics_->set("memory_total_bytes", {{"cluster_name", "x"}}, 4);
  metrics_->set("queue_messages", {{"queue", "a"}}, 7);
  metrics_->set("queue_messages", {{"queue", "b"}}, 5);
  apply_ok(hpa("  - type: External\n    external:\n      metric: {name: memory_used_ratio}\n"
               "      target: {type: Value, value: 500m}\n"
               "  - type: External\n    external:\n      metric: {name: queue_messages}\n"
               "      target: {type: AverageValue, averageValue: 2}\n"));
  advance(seconds(15));
  // 0.75 / 0.5 x 2 ready = 3; the queue total 7 + 5 = 12 (no rule: the series summed) / 2 = 6,
  // limited to 4. The HPA takes the larger proposal.
  EXPECT_EQ(spec_replicas("default", "web"), 4);
  auto cur = hpa_status()["currentMetrics"];
  EXPECT_EQ(cur[0]["external"]["current"]["value"], "750m");
  EXPECT_EQ(cur[1]["external"]["current"]["averageValue"], "6");
}

TEST_F(OrchMetricsTest, ObjectMetricOfAService) {
  apply_ok(web_deployment(2));
  advance(seconds(0));
  metrics_->set("requests_per_second", {{"namespace", "default"}, {"service", "web"}}, 50);
  metrics_->set("requests_per_second", {{"namespace", "default"}, {"service", "other"}}, 5000);
  apply_ok(hpa("  - type: Object\n    object:\n      describedObject: {apiVersion: v1, kind: Service, name: web}\n"
               "      metric: {name: requests_per_second}\n      target: {type: AverageValue, averageValue: 20}\n"));
  advance(seconds(15));
  EXPECT_EQ(spec_replicas("default", "web"), 3);  // ceil(50 / 20)
  auto cur = hpa_status()["currentMetrics"][0]["object"];
  EXPECT_EQ(cur["describedObject"]["name"], "web");
  EXPECT_EQ(cur["current"]["averageValue"], "25");  // 50 over 2 replicas
}

TEST_F(OrchMetricsTest, PrometheusTriggerEvaluatesAnyQueryOfTheSubset) {
  apply_ok(web_deployment(0));
  apply_ok("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n"
           "  pollingInterval: 5\n  maxReplicaCount: 2\n  triggers:\n  - type: prometheus\n    metadata:\n"
           "      serverAddress: http://prometheus.monitoring.svc.cluster.local:9090\n"
           "      query: avg(rate(requests_seconds_count{deployment_name=~\"cifar10\"}[1m]))\n"
           "      threshold: '20'\n");
  // Two pods' counters growing 30/s and 10/s: avg(rate) = 20... then 60/s and 20/s: 40.
  for (int i = 0; i <= 6; ++i) {
    metrics_->set("requests_seconds_count", {{"deployment_name", "cifar10"}, {"pod", "a"}}, 30.0 * 10 * i);
    metrics_->set("requests_seconds_count", {{"deployment_name", "cifar10"}, {"pod", "b"}}, 10.0 * 10 * i);
    advance(seconds(10));
  }
  EXPECT_EQ(spec_replicas("default", "web"), 1);  // active: 20 > activationThreshold 0
  auto so = (*ctl_->get("so", "default", "web"))["object"];
  EXPECT_EQ(so["status"]["conditions"][0]["status"], "True") << so.dump();
  bool seen = false;
  for (const auto& g : ctl_->gauges())
    if (g.name == "keda_scaler_metrics_value" && g.labels.at("scaledObject") == "web") {
      EXPECT_NEAR(g.value, 20, 1e-6);
      seen = true;
    }
  EXPECT_TRUE(seen);
}

TEST_F(OrchMetricsTest, PrometheusTriggerErrorsFollowTheScaler) {
  apply_ok(web_deployment(0));
  apply_ok("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n"
           "  triggers:\n  - type: prometheus\n    metadata:\n      serverAddress: http://prom:9090\n"
           "      query: up_total\n      threshold: '5'\n      ignoreNullValues: 'false'\n");
  advance(seconds(0));
  std::string failures;
  const json all = *ctl_->events("default", "", "");
  for (const auto& e : all["items"])
    if (e["reason"] == "KEDAScalerFailed") failures += e["message"].get<std::string>() + "\n";
  EXPECT_NE(failures.find("prometheus metrics 'prometheus' target may be lost, the result is empty"), std::string::npos)
      << (*ctl_->events("default", "", "")).dump();
}

TEST(OrchPrometheusValue, FollowsExecutePromQuery) {
  scaling::prometheus_trigger t;
  t.query = "q";
  EXPECT_EQ(*scaling::prometheus_value(t, {}), 0);  // ignoreNullValues defaults to true
  EXPECT_EQ(*scaling::prometheus_value(t, {{{}, INFINITY}}), 0);
  EXPECT_EQ(*scaling::prometheus_value(t, {{{}, 2.5}}), 2.5);
  auto many = scaling::prometheus_value(t, {{{}, 1}, {{}, 2}});
  ASSERT_FALSE(many);
  EXPECT_EQ(many.err().message, "prometheus query q returned multiple elements");
  t.ignore_null_values = false;
  EXPECT_EQ(scaling::prometheus_value(t, {}).err().message, "prometheus metrics 'prometheus' target may be lost, the result is empty");
  EXPECT_EQ(scaling::prometheus_value(t, {{{}, INFINITY}}).err().message, "prometheus query returns +Inf");

  objects::trigger_spec spec;
  spec.type = "prometheus";
  spec.metadata = {{"query", "x"}, {"threshold", "2.5"}};
  EXPECT_EQ(scaling::parse_prometheus_trigger(spec).err().message,
            "error parsing prometheus metadata: error parsing prometheus metadata: missing required parameter "
            "\"serverAddress\" in [triggerMetadata]");
  spec.metadata["serverAddress"] = "http://prometheus.monitoring.svc.cluster.local:9090";
  spec.metadata["activationThreshold"] = "0.5";
  auto p = scaling::parse_prometheus_trigger(spec);
  ASSERT_TRUE(p) << p.err().message;
  EXPECT_EQ(p->threshold_milli, 2500);
  EXPECT_EQ(p->activation_milli, 500);
  EXPECT_EQ(p->query, "x");
}

TEST(OrchAdapterRules, NamingDefaultsAndExpansion) {
  auto cfg = scaling::parse_adapter_config(json::parse(R"J({"rules": [
      {"seriesQuery": "{__name__=~\"^http_.*_total$\"}", "name": {"matches": "^(.*)_total$", "as": "${1}_per_second"},
       "seriesFilters": [{"isNot": "^http_debug"}],
       "resources": {"overrides": {"namespace": {"resource": "namespace"}, "pod": {"resource": "pod"}}},
       "metricsQuery": "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)"},
      {"seriesQuery": "x", "name": {"matches": "^container_(.*)_seconds_total$"}, "metricsQuery": "m"},
      {"seriesQuery": "y", "metricsQuery": "m"}]})J"));
  ASSERT_TRUE(cfg) << cfg.err().message;
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[0], "http_requests_total"), "http_requests_per_second");
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[0], "http_debug_total"), std::nullopt);
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[0], "http_requests"), std::nullopt);
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[1], "container_cpu_usage_seconds_total"), "cpu_usage");  // $1
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[2], "anything"), "anything");                          // $0

  scaling::metric_request req{"http_requests_per_second", "shop", "pods", {"web-1", "web-2"}, {}};
  auto built = scaling::build_adapter_query(*cfg, req, [](const std::string& q) -> result<std::vector<std::string>> {
    EXPECT_EQ(q, "{__name__=~\"^http_.*_total$\"}");
    return std::vector<std::string>{"http_debug_total", "http_requests_total"};
  });
  ASSERT_TRUE(built && *built);
  EXPECT_EQ((*built)->promql, "sum(rate(http_requests_total{pod=~\"web-1|web-2\",namespace=\"shop\"}[2m])) by (pod)");
  EXPECT_EQ((*built)->object_label, "pod");
  req.metric = "unknown";
  auto none = scaling::build_adapter_query(*cfg, req, [](const std::string&) -> result<std::vector<std::string>> {
    return std::vector<std::string>{"http_requests_total"};
  });
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  auto several = scaling::parse_adapter_config(json::parse(R"J({"rules": [{"seriesQuery": "x", "name": {"matches": "(a)(b)"}, "metricsQuery": "m"}]})J"));
  ASSERT_FALSE(several);
  EXPECT_NE(several.err().message.find("multiple capture groups"), std::string::npos);
  EXPECT_FALSE(scaling::is_adapter_config(json::parse(R"J({"scrape_configs": []})J")));
}

TEST(OrchAdapterRules, RegexesAreGoRegexpsThroughRe2) {
  // Go's regexp semantics: unanchored filters, leftmost-first submatches, named groups and the
  // "$1x" = "${1x}" rule of Regexp.Expand (the std::regex engine this replaced had neither).
  auto cfg = scaling::parse_adapter_config(json::parse(R"J({"rules": [
      {"seriesQuery": "x", "seriesFilters": [{"is": "requests"}], "name": {"matches": "^(?P<base>\\pL+)_total$", "as": "${base}_rate"},
       "metricsQuery": "m"},
      {"seriesQuery": "x", "name": {"matches": "^(a+)(b+)$", "as": "$2-$1x-${1}x-$$"}, "metricsQuery": "m"}]})J"));
  ASSERT_TRUE(cfg) << cfg.err().message;
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[0], "requests_total"), "requests_rate");
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[0], "other_total"), std::nullopt);  // filter `is`
  EXPECT_EQ(scaling::adapter_metric_name(cfg->rules[1], "aabbb"), "bbb--aax-$");
  auto bad = scaling::parse_adapter_config(json::parse(R"J({"rules": [{"seriesQuery": "x", "name": {"matches": "(a"}, "metricsQuery": "m"}]})J"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.err().message.find("unable to compile series name match expression"), std::string::npos) << bad.err().message;
  // A subject that made GCC's std::regex recurse per character.
  EXPECT_TRUE(scaling::adapter_metric_name(cfg->rules[0], "requests" + std::string(200000, 'a') + "_total"));
}

TEST(OrchAdapterRules, ExternalRulesAreNamespacedByDefault) {
  auto cfg = scaling::parse_adapter_config(json::parse(R"J({"externalRules": [
      {"seriesQuery": "queue_depth", "metricsQuery": "sum(<<.Series>>{<<.LabelMatchers>>})"}]})J"));
  ASSERT_TRUE(cfg);
  scaling::metric_request req{"queue_depth", "shop", "", {}, {{"queue", "orders"}}};
  auto lookup = [](const std::string&) -> result<std::vector<std::string>> { return std::vector<std::string>{"queue_depth"}; };
  auto built = scaling::build_adapter_query(*cfg, req, lookup);
  ASSERT_FALSE(built);  // namespaced, but no label is associated with namespaces
  EXPECT_NE(built.err().message.find("no generic resource label form specified"), std::string::npos);
  cfg->external_rules[0].overrides["kubernetes_namespace"] = "namespace";
  built = scaling::build_adapter_query(*cfg, req, lookup);
  ASSERT_TRUE(built && *built) << built.err().message;
  EXPECT_EQ((*built)->promql, "sum(queue_depth{queue=\"orders\",kubernetes_namespace=\"shop\"})");
}

TEST(OrchHpaVersions, V2beta1IsStoredAsV2) {
  json obj = json::parse(R"J({"apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
    "minReplicas": 1, "maxReplicas": 2, "metrics": [
      {"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 50}},
      {"type": "Pods", "pods": {"metricName": "backlog", "targetAverageValue": "10"}},
      {"type": "External", "external": {"metricName": "q", "metricSelector": {"matchLabels": {"a": "b"}}, "targetValue": "3"}},
      {"type": "Object", "object": {"target": {"kind": "Service", "name": "web"}, "metricName": "rps", "targetValue": "9"}}]}})J");
  auto v = objects::validate_object(objects::kind::horizontal_pod_autoscaler, obj);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(obj["apiVersion"], "autoscaling/v2");
  const json& m = obj["spec"]["metrics"];
  EXPECT_EQ(m[0]["resource"]["target"], json::parse(R"J({"type": "Utilization", "averageUtilization": 50})J"));
  EXPECT_EQ(m[1]["pods"], json::parse(R"J({"metric": {"name": "backlog"}, "target": {"type": "AverageValue", "averageValue": "10"}})J"));
  EXPECT_EQ(m[2]["external"]["metric"]["selector"]["matchLabels"]["a"], "b");
  EXPECT_EQ(m[2]["external"]["target"], json::parse(R"J({"type": "Value", "value": "3"})J"));
  EXPECT_EQ(m[3]["object"]["describedObject"]["kind"], "Service");
  EXPECT_EQ(m[3]["object"]["target"]["type"], "Value");
}

}  // namespace
}  // namespace hayloft::orchestrator::testing
