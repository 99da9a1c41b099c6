#pragma once
// Errors of the orchestrator, shaped like the Kubernetes API's status reasons so that the admin
// API and the CLI can print them the way kubectl does ("Error from server (NotFound): ...").
#include <string_view>
#include <system_error>

namespace hayloft::orchestrator {

enum class errc {
  ok = 0,
  not_found,       // 404 NotFound
  already_exists,  // 409 AlreadyExists
  invalid,         // 422 Invalid: a field failed validation
  bad_request,     // 400 BadRequest: unparsable body, unknown kind, bad parameter
  conflict,        // 409 Conflict
  unavailable,     // 503 ServiceUnavailable: controller stopped
  internal,        // 500 InternalError
};

const std::error_category& orchestrator_category();
std::error_code make_error_code(errc e);

// The Kubernetes status reason ("NotFound") and HTTP status for an error code. Codes from other
// categories map to InternalError / 500.
std::string_view reason_of(std::error_code ec);
unsigned http_status_of(std::error_code ec);

}  // namespace hayloft::orchestrator

template <>
struct std::is_error_code_enum<hayloft::orchestrator::errc> : std::true_type {};
