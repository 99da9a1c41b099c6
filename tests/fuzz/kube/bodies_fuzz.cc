// Kubernetes API request bodies: JSON (depth-checked, U+FFFD for bad bytes), YAML (go-yaml's
// alias and depth rules) and kubectl's protobuf envelope. The first byte picks the decoder.
// Properties: a decoder returns an object or an error, never throws; what it returns serialises
// and parses back to itself (no invalid UTF-8, no depth the rest of the API cannot recurse on).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orchestrator/kube/limits.h"
#include "orchestrator/kube/protobuf.h"
#include "orchestrator/objects/yaml_io.h"

namespace {

using json = nlohmann::json;

void round_trip(const json& j) {
  std::string text = j.dump();  // throws (and so aborts) on invalid UTF-8
  json back = json::parse(text);
  if (back != j && !text.empty() && text.find("NaN") == std::string::npos) std::abort();
  if (hayloft::orchestrator::kube::json_text_depth(text, hayloft::orchestrator::kube::max_json_depth + 2) >
      hayloft::orchestrator::kube::max_json_depth + 1)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace hayloft::orchestrator;
  switch (data[0] % 3) {
    case 0: {
      auto j = kube::parse_json_body(in);
      if (j) round_trip(*j);
      break;
    }
    case 1: {
      auto docs = objects::parse_manifests(in);
      if (docs)
        for (const auto& d : *docs) {
          if (!d.is_object()) std::abort();
          round_trip(d);
          // What `kubectl get -o yaml` prints must parse back.
          if (!objects::parse_manifests(objects::to_yaml(d))) std::abort();
        }
      break;
    }
    default: {
      auto obj = kube::decode_protobuf(in);
      if (obj) {
        if (!obj->is_object()) std::abort();
        round_trip(*obj);
      }
    }
  }
  return 0;
}
