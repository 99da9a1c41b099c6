#pragma once
// metav1.Status error bodies as the API server writes them (k8s.io/apimachinery
// pkg/api/errors), and the JSON response helpers of the Kubernetes front door. Pure functions.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/http_message.h"

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

struct status_cause {
  std::string type;     // "FieldValueInvalid", "FieldValueRequired", ...
  std::string message;  // "Invalid value: -1: must be greater than or equal to 0"
  std::string field;    // "spec.replicas"
};

struct status_error {
  unsigned code = 500;
  std::string reason;  // NotFound, AlreadyExists, Conflict, Invalid, BadRequest, MethodNotAllowed, ...
  std::string message;
  json details = json::object();  // {"name","group","kind","causes"}
};

// The errors of pkg/api/errors, with the API server's messages.
status_error not_found(std::string_view group, std::string_view resource, std::string_view name);
status_error already_exists(std::string_view group, std::string_view resource, std::string_view name);
// `resource` qualified ("deployments.apps"); message as NewConflict words it.
status_error conflict(std::string_view group, std::string_view resource, std::string_view name, std::string_view why);
status_error invalid(std::string_view group, std::string_view kind, std::string_view name, std::string message,
                     std::vector<status_cause> causes);
status_error bad_request(std::string message);
// NewMethodNotSupported: "<verb> is not supported on resources of kind \"pods\"" (the generic
// message when resource is empty).
status_error method_not_allowed(std::string_view verb, std::string_view group, std::string_view resource);
status_error not_acceptable(std::string message);
status_error unsupported_media_type(std::string message);
status_error gone(std::string message);
status_error internal(std::string message);
// NewRequestEntityTooLargeError: 413 RequestEntityTooLarge, "Request entity too large: <message>".
status_error request_entity_too_large(std::string message);
// What the API server answers for an error that is not a Status (responsewriters
// ErrorToAPIStatus): code 500, no reason, the Go error's text. Kept where the real server does
// it, so clients see the same answer (strategic merge `$patch: bogus`, a resourceVersion that is
// not a number).
status_error unknown_error(std::string message);

json to_json(const status_error& e);
// A Status-bodied response with e.code. Every JSON response is written as Go's encoding/json
// writes it: bytes that are not UTF-8 become U+FFFD (never an exception, never invalid JSON).
core::response error_response(const status_error& e);
// application/json with `status`.
core::response json_response(const json& body, unsigned status = 200);
// {"kind":"Status","status":"Success",...} as delete answers when it returns no object.
json success_status(std::string_view group, std::string_view kind, std::string_view name, std::string_view uid);

}  // namespace hayloft::orchestrator::kube
