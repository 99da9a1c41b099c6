#include "orchestrator/kube/synthetic.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <thread>

#include "orchestrator/kube/discovery.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string kernel_release() {
  struct utsname u {};
  return ::uname(&u) == 0 ? std::string(u.release) : std::string("unknown");
}

std::string memory_capacity() {
  long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || size <= 0) return "0";
  return std::to_string(static_cast<long long>(pages) * size / 1024) + "Ki";
}

json printer_column(const char* name, const char* type, const char* path) {
  return {{"name", name}, {"type", type}, {"jsonPath", path}};
}

json crd(const std::string& created, const char* plural, const char* singular, const char* kind, json short_names,
         json columns) {
  std::string name = std::string(plural) + ".keda.sh";
  json names{{"plural", plural}, {"singular", singular}, {"kind", kind}, {"listKind", std::string(kind) + "List"},
             {"shortNames", short_names}};
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata",
           {{"name", name},
            {"uid", derived_uid("CustomResourceDefinition", "", name)},
            {"creationTimestamp", created},
            {"generation", 1},
            {"labels", {{"app.kubernetes.io/part-of", "keda-operator"}, {"app.kubernetes.io/managed-by", "hayloft"}}}}},
          {"spec",
           {{"group", "keda.sh"},
            {"names", names},
            {"scope", "Namespaced"},
            {"versions", json::array({{{"name", "v1alpha1"},
                                       {"served", true},
                                       {"storage", true},
                                       {"subresources", {{"status", json::object()}}},
                                       {"schema", {{"openAPIV3Schema", {{"type", "object"},
                                                                        {"x-kubernetes-preserve-unknown-fields", true}}}}},
                                       {"additionalPrinterColumns", columns}}})},
            {"conversion", {{"strategy", "None"}}}}},
          {"status",
           {{"acceptedNames", names},
            {"storedVersions", json::array({"v1alpha1"})},
            {"conditions", json::array({{{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"},
                                         {"message", "no conflicts found"}, {"lastTransitionTime", created}},
                                        {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"},
                                         {"message", "the initial names have been accepted"},
                                         {"lastTransitionTime", created}}})}}}};
}

}  // namespace

json node_object(const std::string& created) {
  std::string version = "v" + std::string(served_major) + "." + std::string(served_minor) + ".0+hayloft";
  json capacity{{"cpu", std::to_string(std::max(1u, std::thread::hardware_concurrency()))},
                {"memory", memory_capacity()},
                {"pods", "110"}};
  json condition = {{"type", "Ready"}, {"status", "True"}, {"reason", "KubeletReady"},
                    {"message", "kubelet is posting ready status"}, {"lastHeartbeatTime", created},
                    {"lastTransitionTime", created}};
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", "hayloft"},
            {"uid", derived_uid("Node", "", "hayloft")},
            {"creationTimestamp", created},
            {"labels", {{"kubernetes.io/hostname", "hayloft"}, {"kubernetes.io/os", "linux"},
                        {"kubernetes.io/arch", "amd64"}, {"node-role.kubernetes.io/control-plane", "true"}}}}},
          {"spec", {{"podCIDR", "127.0.0.1/32"}}},
          {"status",
           {{"capacity", capacity},
            {"allocatable", capacity},
            {"conditions", json::array({condition})},
            {"addresses", json::array({{{"type", "InternalIP"}, {"address", "127.0.0.1"}},
                                       {{"type", "Hostname"}, {"address", "hayloft"}}})},
            {"nodeInfo",
             {{"kubeletVersion", version},
              {"kubeProxyVersion", version},
              {"osImage", "hayloft"},
              {"kernelVersion", kernel_release()},
              {"containerRuntimeVersion", "hayloft://" HAYLOFT_VERSION},
              {"operatingSystem", "linux"},
              {"architecture", "amd64"}}}}}};
}

std::vector<json> crd_objects(const std::string& created) {
  json so_columns = json::array(
      {printer_column("ScaleTargetKind", "string", ".status.scaleTargetKind"),
       printer_column("ScaleTargetName", "string", ".spec.scaleTargetRef.name"),
       printer_column("Min", "integer", ".spec.minReplicaCount"), printer_column("Max", "integer", ".spec.maxReplicaCount"),
       printer_column("Triggers", "string", ".spec.triggers[*].type"),
       printer_column("Authentication", "string", ".spec.triggers[*].authenticationRef.name"),
       printer_column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
       printer_column("Active", "string", ".status.conditions[?(@.type==\"Active\")].status"),
       printer_column("Fallback", "string", ".status.conditions[?(@.type==\"Fallback\")].status"),
       printer_column("Paused", "string", ".status.conditions[?(@.type==\"Paused\")].status"),
       printer_column("Age", "date", ".metadata.creationTimestamp")});
  json ta_columns = json::array({printer_column("PodIdentity", "string", ".spec.podIdentity.provider"),
                                 printer_column("Secret", "string", ".spec.secretTargetRef[*].name"),
                                 printer_column("Env", "string", ".spec.env[*].name"),
                                 printer_column("VaultAddress", "string", ".spec.hashiCorpVault.address"),
                                 printer_column("Age", "date", ".metadata.creationTimestamp")});
  return {crd(created, "scaledobjects", "scaledobject", "ScaledObject", json::array({"so"}), so_columns),
          crd(created, "triggerauthentications", "triggerauthentication", "TriggerAuthentication",
              json::array({"ta", "triggerauth"}), ta_columns)};
}

}  // namespace hayloft::orchestrator::kube
