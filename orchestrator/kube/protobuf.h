#pragma once
// Kubernetes' protobuf encoding (k8s.io/apimachinery pkg/runtime/serializer/protobuf: the
// "k8s\0" magic, a runtime.Unknown envelope carrying TypeMeta and the raw message), decoded for
// the kinds kubectl's typed `create` commands send that way: Namespace, Secret and ConfigMap
// (field numbers from k8s.io/api/core/v1/generated.proto). Pure functions.
#include <nlohmann/json.hpp>

#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

bool is_protobuf_body(std::string_view content_type);
// The object as JSON (apiVersion, kind, metadata, ...); errc::bad_request for a malformed body,
// errc::not_found for a kind this decoder does not know (answered 415 by the caller).
result<json> decode_protobuf(std::string_view body);

}  // namespace hayloft::orchestrator::kube
