#include "orchestrator/kube/resources.h"

#include <algorithm>

namespace hayloft::orchestrator::kube {
namespace {

using objects::kind;

const std::vector<std::string_view> crud{"create", "delete", "get", "list", "patch", "update", "watch"};
const std::vector<std::string_view> read_only{"get", "list", "watch"};

}  // namespace

std::string resource::group_version() const {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

std::string resource::qualified() const {
  return group.empty() ? std::string(plural) : std::string(plural) + "." + std::string(group);
}

bool resource::has_verb(std::string_view v) const { return std::find(verbs.begin(), verbs.end(), v) != verbs.end(); }

const subresource* resource::find_subresource(std::string_view name) const {
  for (const auto& s : subresources)
    if (s.name == name) return &s;
  return nullptr;
}

const std::vector<group_info>& all_groups() {
  static const std::vector<group_info> groups{
      {"", {"v1"}},
      {"apps", {"v1"}},
      {"autoscaling", {"v2", "v1", "v2beta1"}},
      {"apiextensions.k8s.io", {"v1"}},
      {"discovery.k8s.io", {"v1"}},
      {"keda.sh", {"v1alpha1"}},
      {"monitoring.googleapis.com", {"v1"}},
      {"metrics.k8s.io", {"v1beta1"}},
  };
  return groups;
}

// Verbs, short names and categories as a v1.32 API server (and KEDA 2.x's CRDs) report them;
// see orchestrator/kube/README.md for the sources.
const std::vector<resource>& all_resources() {
  static const std::vector<resource> resources{
      {"", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}, {}, crud, {}, kind::config_map},
      {"", "v1", "endpoints", "endpoints", "Endpoints", true, {"ep"}, {}, read_only, {}, kind::endpoints},
      {"", "v1", "events", "event", "Event", true, {"ev"}, {}, read_only, {}, kind::event},
      {"", "v1", "namespaces", "namespace", "Namespace", false, {"ns"}, {}, {"create", "delete", "get", "list", "patch", "update", "watch"},
       {}, kind::namespace_},
      {"", "v1", "nodes", "node", "Node", false, {"no"}, {}, read_only, {}, std::nullopt,
       synthetic::node},
      {"", "v1", "pods", "pod", "Pod", true, {"po"}, {"all"}, {"delete", "get", "list", "watch"},
       {{"log", "", "v1", "Pod", {"get"}}}, kind::pod},
      {"", "v1", "secrets", "secret", "Secret", true, {}, {}, crud, {}, kind::secret},
      {"", "v1", "services", "service", "Service", true, {"svc"}, {"all"}, crud, {}, kind::service},
      {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, {}, {}, read_only, {},
       kind::endpoint_slice},
      {"apps", "v1", "deployments", "deployment", "Deployment", true, {"deploy"}, {"all"}, crud,
       {{"scale", "autoscaling", "v1", "Scale", {"get", "patch", "update"}}},
       kind::deployment},
      {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, {"rs"}, {"all"}, read_only,
       {}, kind::replica_set},
      {"autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
       {"hpa"}, {"all"}, crud, {}, kind::horizontal_pod_autoscaler},
      {"autoscaling", "v1", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
       {"hpa"}, {"all"}, crud, {}, kind::horizontal_pod_autoscaler},
      // Removed from Kubernetes in 1.25; served (converted to and from v2) so manifests written
      // for older clusters apply unchanged with kubectl too.
      {"autoscaling", "v2beta1", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
       {"hpa"}, {"all"}, crud, {}, kind::horizontal_pod_autoscaler},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition",
       false, {"crd", "crds"}, {"api-extensions"}, read_only, {},
       std::nullopt, synthetic::crd},
      {"keda.sh", "v1alpha1", "scaledobjects", "scaledobject", "ScaledObject", true, {"so"}, {}, crud,
       {}, kind::scaled_object},
      {"keda.sh", "v1alpha1", "triggerauthentications", "triggerauthentication", "TriggerAuthentication", true,
       {"ta", "triggerauth"}, {}, crud, {},
       kind::trigger_authentication},
      {"monitoring.googleapis.com", "v1", "podmonitorings", "podmonitoring", "PodMonitoring", true, {}, {}, crud, {},
       kind::pod_monitoring},
      {"metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true, {}, {}, {"get", "list"}, {}, std::nullopt,
       synthetic::metrics},
  };
  return resources;
}

std::vector<const resource*> resources_of(std::string_view group, std::string_view version) {
  std::vector<const resource*> out;
  for (const auto& r : all_resources())
    if (r.group == group && r.version == version) out.push_back(&r);
  return out;
}

const resource* find_resource(std::string_view group, std::string_view version, std::string_view plural) {
  for (const auto& r : all_resources())
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  return nullptr;
}

bool serves_group_version(std::string_view group, std::string_view version) {
  for (const auto& g : all_groups())
    if (g.name == group) return std::find(g.versions.begin(), g.versions.end(), version) != g.versions.end();
  return false;
}

}  // namespace hayloft::orchestrator::kube
