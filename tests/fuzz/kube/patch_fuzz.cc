// The four PATCH bodies kubectl sends (strategic merge, merge, JSON patch; apply goes through
// the YAML decoder, fuzzed by kube_bodies, and is covered here by its YAML-to-JSON step) applied
// to a live Deployment. Properties: no exception escapes; an error carries one of the API
// server's statuses (400, 413, 422, or the 500 strategicpatch's plain errors get); a result
// serialises (valid UTF-8) and stays within the depth limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orchestrator/kube/limits.h"
#include "orchestrator/kube/patch.h"
#include "orchestrator/objects/yaml_io.h"

namespace {

using json = nlohmann::json;

const json& live() {
  static const json obj = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"7","labels":{"app":"web"},
                "finalizers":["a","b"],"ownerReferences":[{"uid":"o1","name":"x"}]},
    "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
      "template":{"metadata":{"labels":{"app":"web"}},"spec":{
        "containers":[{"name":"c","image":"i","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                       "ports":[{"containerPort":80}],"volumeMounts":[{"mountPath":"/d","name":"v"}]}],
        "volumes":[{"name":"v","emptyDir":{}}]}}},
    "status":{"replicas":1,"conditions":[{"type":"Available","status":"True"}]}})");
  return obj;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 128 * 1024) return 0;
  using namespace hayloft::orchestrator;
  using kube::patch_type;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const patch_type types[] = {patch_type::strategic, patch_type::merge, patch_type::json_patch, patch_type::apply};
  const patch_type type = types[data[0] % 4];
  hayloft::result<json> out = hayloft::error{};
  if (type == patch_type::apply) {
    auto docs = objects::parse_manifests(body);
    if (!docs || docs->size() != 1) return 0;
    out = kube::strategic_merge(live(), docs->front());
  } else {
    out = kube::apply_patch(type, live(), body);
  }
  if (!out) {
    const unsigned s = kube::patch_error_status(out.err());
    if (s != 400 && s != 413 && s != 422 && s != 500) std::abort();
    if (s == 500 && out.err().message.rfind("unknown patch type: ", 0) != 0 &&
        out.err().message != "merging lists cannot yet be specified in the patch" &&
        out.err().message != "delete patch type with no merge key defined")
      std::abort();
    return 0;
  }
  const std::string text = out->dump(-1, ' ', false, json::error_handler_t::strict);
  if (kube::json_text_depth(text, kube::max_json_depth + 10) > kube::max_json_depth + 8) std::abort();
  return 0;
}
