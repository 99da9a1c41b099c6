// metrics.k8s.io/v1beta1 pods: what metrics-server serves and `kubectl top pod` reads
// (k8s.io/metrics pkg/apis/metrics/v1beta1 PodMetrics), from the usage the controller samples
// every 15 s (CPU as a rate, memory as the resident set of the pod's processes). A pod appears
// once it has two samples, as with metrics-server; in-process workloads report no usage.
#include "emulator/core/clock.h"
#include "orchestrator/kube/api_internal.h"
#include "orchestrator/kube/selectors.h"

namespace hayloft::orchestrator::kube {
namespace {

json pod_metrics(const json& usage, const std::string& now) {
  json containers = json::array();
  for (const auto& c : usage["containers"])
    containers.push_back({{"name", c["name"]},
                          {"usage", {{"cpu", std::to_string(c["cpuMillicores"].get<long long>()) + "m"},
                                     {"memory", std::to_string(c["memoryBytes"].get<long long>() / 1024) + "Ki"}}}});
  return json{{"kind", "PodMetrics"},
              {"apiVersion", "metrics.k8s.io/v1beta1"},
              {"metadata",
               {{"name", usage["name"]}, {"namespace", usage["namespace"]}, {"creationTimestamp", now}, {"labels", usage["labels"]}}},
              {"timestamp", now},
              {"window", "15s"},
              {"containers", containers}};
}

}  // namespace

core::response kube_api::impl::metrics(const resource_request& rr) {
  const resource& r = *rr.res;
  if (rr.req->method != "GET" && rr.req->method != "HEAD")
    return error_response(method_not_allowed(rr.req->method == "POST" ? "create" : "update", r.group, r.plural));
  if (!rr.subresource.empty())
    return error_response({404, "NotFound", "the server could not find the requested resource", json::object()});
  label_selector sel;
  if (auto text = rr.param("labelSelector"); !text.empty()) {
    auto parsed = parse_label_selector(text);
    if (!parsed) return error_response(bad_request(parsed.err().message));
    sel = std::move(*parsed);
  }
  auto got = ctl.pod_usage(rr.namespace_name.empty() ? "*" : rr.namespace_name, rr.name);
  if (!got) return error_response(not_found(r.group, r.plural, rr.name));
  const std::string now = core::iso8601(clock.now());
  const json& usage = (*got)["items"];
  if (!rr.name.empty()) {
    // metrics-server's answer for a pod it has no metrics for yet.
    if (usage.empty()) return error_response(not_found(r.group, r.plural, rr.name));
    return json_response(pod_metrics(usage[0], now));
  }
  json items = json::array();
  for (const auto& u : usage)
    if (sel.matches(u["labels"])) items.push_back(pod_metrics(u, now));
  return json_response({{"kind", "PodMetricsList"},
                        {"apiVersion", "metrics.k8s.io/v1beta1"},
                        {"metadata", json::object()},
                        {"items", items}});
}

}  // namespace hayloft::orchestrator::kube
