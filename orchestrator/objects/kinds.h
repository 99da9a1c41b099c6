#pragma once
// The object kinds hayloft understands, with the names kubectl uses for them: the manifest
// kind and apiVersion, the resource ("deployments.apps") used in error messages, the singular
// form used in apply output ("deployment.apps/x") and the short names accepted on the command
// line ("deploy", "so", "hpa"). Pure data; any thread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::orchestrator::objects {

enum class kind {
  namespace_,
  secret,
  config_map,
  deployment,
  replica_set,
  pod,
  scaled_object,
  trigger_authentication,
  horizontal_pod_autoscaler,
  event,
  pod_monitoring,  // monitoring.googleapis.com/v1 PodMonitoring (Google Managed Prometheus)
  service,
  endpoints,
  endpoint_slice,  // discovery.k8s.io/v1, computed like endpoints (kubectl describe svc reads them)
};

struct kind_info {
  objects::kind id;
  std::string_view name;         // "Deployment"
  std::string_view api_version;  // "apps/v1"
  std::string_view group;        // "apps" ("" for the core group)
  std::string_view plural;       // "deployments"
  std::vector<std::string_view> short_names;
  bool namespaced;
  bool appliable;  // accepted by apply/delete -f
};

const kind_info& info(kind k);
const std::vector<kind_info>& all_kinds();

// The kind a manifest names; nullopt for kinds hayloft does not know. The apiVersion must be
// one Kubernetes serves the kind under (e.g. autoscaling/v1 and /v2 for the HPA).
std::optional<kind> kind_from_manifest(std::string_view api_version, std::string_view kind_name);
// The kind a command-line word names: plural, singular, short name, optionally qualified by the
// group ("deployments.apps", "so", "scaledobject.keda.sh", "hpa", "po"). Case-insensitive.
std::optional<kind> kind_from_word(std::string_view word);

// "deployments.apps", "pods", "scaledobjects.keda.sh": the resource as error messages name it.
std::string qualified_plural(kind k);
// "deployment.apps", "pod", "scaledobject.keda.sh": apply/scale output prefix.
std::string qualified_singular(kind k);

}  // namespace hayloft::orchestrator::objects
