#pragma once
// The limits the Kubernetes front door checks before it parses a client's bytes, and the
// parameter checks the API server makes with Go's strconv. Pure functions; any thread.
//
//   body size       3 MiB (apiserver MaxRequestBodyBytes; 413 RequestEntityTooLarge, "limit is N")
//   JSON depth      1000 levels, counted on the text before parsing (Go's encoding/json stops at
//                   10000; hayloft's recursive JSON code is kept well inside its stack)
//   JSON patch      10000 operations (apiserver maxJSONPatchOperations; 413), and what `copy`
//                   operations add bounded by the body limit (evanphx/json-patch's
//                   AccumulatedCopySizeLimit idea)
//   YAML            objects::max_manifest_bytes / max_manifest_depth, aliases as go-yaml v2
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "emulator/core/json_text.h"
#include "emulator/core/result.h"

namespace hayloft::orchestrator::kube {

inline constexpr std::size_t max_request_body = 3 * 1024 * 1024;
inline constexpr std::size_t max_json_depth = 1000;
inline constexpr std::size_t max_json_patch_operations = 10000;

// The deepest nesting of JSON text, counting stops past the limit (core's scanner).
using core::json_text_depth;

// A client's JSON text parsed within the limits: depth checked first, bytes that are not UTF-8
// read as U+FFFD (Go's decoder). When it is not JSON, `otherwise` (if given) decides, else
// errc::bad_request.
result<nlohmann::json> parse_json_body(std::string_view body, const std::function<result<nlohmann::json>()>& otherwise = {});

// A resourceVersion parameter as the API server's storage parses it (strconv.ParseUint base 10;
// "" and "0" mean "any"). The error is the API server's text:
//   resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax
result<std::uint64_t> parse_resource_version(std::string_view text);

}  // namespace hayloft::orchestrator::kube
