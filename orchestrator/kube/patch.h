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

// Errors (errc::bad_request / errc::invalid) carry the API server's wording.
result<json> apply_patch(patch_type type, const json& live, std::string_view body);

json strategic_merge(const json& original, const json& patch);

// The merge key the Kubernetes types give a list field (`containers` -> `name`); "" when the
// list is replaced as a whole.
std::string_view merge_key_of(std::string_view field);

}  // namespace hayloft::orchestrator::kube
