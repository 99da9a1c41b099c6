#pragma once
// The OpenAPI v3 documents kubectl reads before `apply` (k8s.io/client-go openapi3 and kubectl's
// QueryParamVerifierV3): an index of group-versions, and per group-version the resource paths
// whose PATCH operation accepts `fieldValidation` and names its kind in
// `x-kubernetes-group-version-kind`, so kubectl leaves field validation to the server. The
// documents carry no type schemas: kubectl then computes strategic merge patches from its
// built-in types (and JSON merge patches for the KEDA kinds), and `kubectl explain` has nothing
// to explain. Pure functions.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

// /openapi/v3; `base` is the server path prefix ("/_hayloft/k8s").
json openapi_index(std::string_view base);
// /openapi/v3/api/v1, /openapi/v3/apis/{group}/{version}; null when not served.
json openapi_group_version(std::string_view group, std::string_view version);

}  // namespace hayloft::orchestrator::kube
