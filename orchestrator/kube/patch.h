#pragma once
// The PATCH bodies kubectl sends, applied to a live object:
//   application/strategic-merge-patch+json  (k8s.io/apimachinery pkg/util/strategicpatch: lists
//       of objects with a patch merge key are merged by it, `$patch: delete|replace`,
//       `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`, `$retainKeys`)
//   application/merge-patch+json             (RFC 7386)
//   application/json-patch+json              (RFC 6902)
// Server-side apply (application/apply-patch+yaml) is handled by the caller. Pure functions.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

enum class patch_type { strategic, merge, json_patch, apply };

// From a Content-Type (parameters ignored); nullopt for anything else (415).
std::optional<patch_type> patch_type_of(std::string_view content_type);

// Errors carry the API server's wording; patch_error_status gives the status it answers with:
//   400 BadRequest     undecodable body, `$retainKeys` that is not a list or does not cover the
//                      patch (mergepatch.ErrBadPatchFormatForRetainKeys)
//   413                more than max_json_patch_operations JSON patch operations
//   422                a JSON patch operation that cannot be applied; list of lists
//   500 (no reason)    `$patch` with an unknown value, `$patch: merge` in a list, `$patch: delete`
//                      without the merge key: strategicpatch's plain Go errors, which the API
//                      server answers as 500 (responsewriters.ErrorToAPIStatus)
// The body is checked against the limits of limits.h before it is parsed; a JSON patch's `copy`
// operations may add at most max_request_body bytes, and no operation may nest the object
// deeper than max_json_depth.
result<json> apply_patch(patch_type type, const json& live, std::string_view body);
unsigned patch_error_status(const error& e);

result<json> strategic_merge(const json& original, const json& patch);

// A JSON value as Go's fmt prints an interface{} with %v (map[a:1 b:[x y]]), for messages that
// the API server builds that way.
std::string go_value(const json& v);

// The merge key the Kubernetes types give a list field (`containers` -> `name`); "" when the
// list is replaced as a whole.
std::string_view merge_key_of(std::string_view field);

}  // namespace hayloft::orchestrator::kube
