#pragma once
// Manifests as JSON values: multi-document YAML in, YAML out (for `-o yaml`).
//
// Scalars are resolved as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) resolves them, since that is
// what kubectl feeds the API server: plain `true/yes/on` are booleans, plain digits are numbers,
// `~`/`null`/empty are null, and anything quoted stays a string. Pure functions; any thread.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::objects {

using json = nlohmann::json;

// Limits of parse_manifests, checked before and while parsing: the text's size (the API server's
// request body limit, 3 MiB), nesting depth (counting what aliases add), and aliases expanded as
// go-yaml v2 allows them (no alias to an unfinished anchor; no "billion laughs").
inline constexpr std::size_t max_manifest_bytes = 3 * 1024 * 1024;
inline constexpr std::size_t max_manifest_depth = 1000;

// Every non-empty document of a multi-document YAML (or JSON) text, in order. A document of
// kind `List` is expanded into its items. Errors (errc::bad_request) read like kubectl's:
// "error converting YAML to JSON: yaml: line 3: ...". Text that is not UTF-8 is refused as
// go-yaml refuses it ("yaml: invalid leading UTF-8 octet").
result<std::vector<json>> parse_manifests(std::string_view text);

// Block-style YAML with keys in sorted order, as `kubectl get -o yaml` prints it.
std::string to_yaml(const json& value);

}  // namespace hayloft::orchestrator::objects
