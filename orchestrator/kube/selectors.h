#pragma once
// Label and field selectors as the API server parses them (k8s.io/apimachinery pkg/labels
// selector.go and pkg/fields selector.go): labels `a=b,c!=d,e in (x,y),f notin (z),g,!h`;
// fields `metadata.name=x,status.phase!=Running` (=, ==, !=). Pure; any thread.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

struct label_requirement {
  enum class op { equals, not_equals, in, not_in, exists, does_not_exist } operation;
  std::string key;
  std::vector<std::string> values;
};

struct label_selector {
  std::vector<label_requirement> requirements;
  bool matches(const json& labels) const;  // labels: the object's metadata.labels (may be null)
  bool empty() const { return requirements.empty(); }
};

struct field_requirement {
  std::string field;  // "metadata.name", "involvedObject.kind"
  std::string value;
  bool negate = false;
};

struct field_selector {
  std::vector<field_requirement> requirements;
  bool matches(const json& object) const;
  bool empty() const { return requirements.empty(); }
  // The value of `metadata.name=` when the selector pins one name (kubectl wait, describe).
  std::optional<std::string> pinned_name() const;
};

// Errors are the API server's messages (for a 400 BadRequest Status).
result<label_selector> parse_label_selector(std::string_view text);
result<field_selector> parse_field_selector(std::string_view text);

// The string value of a field path in an object ("" when absent): "metadata.name",
// "spec.nodeName", "involvedObject.uid", "status.phase".
std::string field_value(const json& object, std::string_view path);

}  // namespace hayloft::orchestrator::kube
