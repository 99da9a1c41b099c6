#include "orchestrator/objects/kinds.h"

#include <algorithm>
#include <cctype>

namespace hayloft::orchestrator::objects {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

const std::vector<kind_info>& all_kinds() {
  static const std::vector<kind_info> kinds{
      {kind::namespace_, "Namespace", "v1", "", "namespaces", {"ns"}, false, true},
      {kind::secret, "Secret", "v1", "", "secrets", {}, true, true},
      {kind::config_map, "ConfigMap", "v1", "", "configmaps", {"cm"}, true, true},
      {kind::deployment, "Deployment", "apps/v1", "apps", "deployments", {"deploy"}, true, true},
      {kind::replica_set, "ReplicaSet", "apps/v1", "apps", "replicasets", {"rs"}, true, false},
      {kind::pod, "Pod", "v1", "", "pods", {"po"}, true, false},
      {kind::scaled_object, "ScaledObject", "keda.sh/v1alpha1", "keda.sh", "scaledobjects", {"so"}, true, true},
      {kind::trigger_authentication, "TriggerAuthentication", "keda.sh/v1alpha1", "keda.sh", "triggerauthentications",
       {"ta", "triggerauth"}, true, true},
      {kind::horizontal_pod_autoscaler, "HorizontalPodAutoscaler", "autoscaling/v2", "autoscaling",
       "horizontalpodautoscalers", {"hpa"}, true, true},
      {kind::event, "Event", "v1", "", "events", {"ev"}, true, false},
      {kind::pod_monitoring, "PodMonitoring", "monitoring.googleapis.com/v1", "monitoring.googleapis.com",
       "podmonitorings", {}, true, true},
      {kind::service, "Service", "v1", "", "services", {"svc"}, true, true},
      {kind::endpoints, "Endpoints", "v1", "", "endpoints", {"ep"}, true, false},
      {kind::endpoint_slice, "EndpointSlice", "discovery.k8s.io/v1", "discovery.k8s.io", "endpointslices", {}, true, false},
  };
  return kinds;
}

const kind_info& info(kind k) {
  for (const auto& i : all_kinds())
    if (i.id == k) return i;
  return all_kinds().front();
}

std::optional<kind> kind_from_manifest(std::string_view api_version, std::string_view kind_name) {
  for (const auto& i : all_kinds()) {
    if (i.name != kind_name) continue;
    if (i.id == kind::horizontal_pod_autoscaler) {
      if (api_version == "autoscaling/v2" || api_version == "autoscaling/v1" || api_version == "autoscaling/v2beta2" ||
          api_version == "autoscaling/v2beta1")
        return i.id;
      return std::nullopt;
    }
    if (api_version == i.api_version) return i.id;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<kind> kind_from_word(std::string_view word) {
  std::string w = lower(word);
  std::string group;
  if (auto dot = w.find('.'); dot != std::string::npos) {
    group = w.substr(dot + 1);
    w = w.substr(0, dot);
  }
  for (const auto& i : all_kinds()) {
    if (!group.empty() && group != i.group) continue;
    std::string singular = lower(i.name);
    bool match = w == i.plural || w == singular;
    for (auto s : i.short_names) match = match || w == s;
    if (match) return i.id;
  }
  return std::nullopt;
}

std::string qualified_plural(kind k) {
  const auto& i = info(k);
  return i.group.empty() ? std::string(i.plural) : std::string(i.plural) + "." + std::string(i.group);
}

std::string qualified_singular(kind k) {
  const auto& i = info(k);
  std::string s = lower(i.name);
  return i.group.empty() ? s : s + "." + std::string(i.group);
}

}  // namespace hayloft::orchestrator::objects
