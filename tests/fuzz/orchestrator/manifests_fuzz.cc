// Manifest validation: YAML (or JSON) text -> documents -> validate_object for the kind each
// names, as `hayloft apply -f` and the Kubernetes front door do; documents that look like a
// prometheus-adapter config.yaml go through parse_adapter_config and the rules' RE2 regexes.
// Properties: nothing throws; a valid object serialises (valid UTF-8); validation is
// idempotent (a normalised object validates again, to the same result).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"
#include "orchestrator/scaling/adapter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  using namespace hayloft::orchestrator;
  using json = nlohmann::json;
  auto docs = objects::parse_manifests(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!docs) return 0;
  for (auto& doc : *docs) {
    if (scaling::is_adapter_config(doc)) {
      auto cfg = scaling::parse_adapter_config(doc);
      if (cfg)
        for (const auto& rule : cfg->rules) {
          (void)scaling::adapter_metric_name(rule, "http_requests_total");
          (void)scaling::adapter_metric_name(rule, std::string(doc.dump().substr(0, 64)));
        }
      continue;
    }
    auto k = objects::kind_from_manifest(doc.value("apiVersion", json()).is_string() ? doc["apiVersion"].get<std::string>() : "",
                                         doc.value("kind", json()).is_string() ? doc["kind"].get<std::string>() : "");
    if (!k) continue;
    json obj = doc;
    objects::validation v = objects::validate_object(*k, obj);
    (void)v.message("X", "y");
    if (!v.ok()) continue;
    (void)obj.dump();  // throws on invalid UTF-8
    json again = obj;
    if (!objects::validate_object(*k, again).ok()) std::abort();
  }
  return 0;
}
