#pragma once
// Manifests as JSON values: multi-document YAML in, YAML out (for `-o yaml`).
//
// Scalars are resolved as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) resolves them, since that is
// what kubectl feeds the API server: plain `true/yes/on` are booleans, plain digits are numbers,
// `~`/`null`/empty are null, and anything quoted stays a string. Pure functions; any thread.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::objects {

using json = nlohmann::json;

// Every non-empty document of a multi-document YAML (or JSON) text, in order. A document of
// kind `List` is expanded into its items. Errors (errc::bad_request) read like kubectl's:
// "error converting YAML to JSON: yaml: line 3: ...".
result<std::vector<json>> parse_manifests(std::string_view text);

// Block-style YAML with keys in sorted order, as `kubectl get -o yaml` prints it.
std::string to_yaml(const json& value);

}  // namespace hayloft::orchestrator::objects
