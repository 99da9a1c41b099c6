#include "orchestrator/errc.h"

#include <string>

namespace hayloft::orchestrator {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "orchestrator"; }
  std::string message(int ev) const override { return std::string(reason_of(make_error_code(static_cast<errc>(ev)))); }
};

}  // namespace

const std::error_category& orchestrator_category() {
  static const category c;
  return c;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), orchestrator_category()}; }

std::string_view reason_of(std::error_code ec) {
  if (ec.category() != orchestrator_category()) return "InternalError";
  switch (static_cast<errc>(ec.value())) {
    case errc::ok: return "OK";
    case errc::not_found: return "NotFound";
    case errc::already_exists: return "AlreadyExists";
    case errc::invalid: return "Invalid";
    case errc::bad_request: return "BadRequest";
    case errc::conflict: return "Conflict";
    case errc::unavailable: return "ServiceUnavailable";
    case errc::internal: return "InternalError";
  }
  return "InternalError";
}

unsigned http_status_of(std::error_code ec) {
  if (ec.category() != orchestrator_category()) return 500;
  switch (static_cast<errc>(ec.value())) {
    case errc::ok: return 200;
    case errc::not_found: return 404;
    case errc::already_exists: return 409;
    case errc::invalid: return 422;
    case errc::bad_request: return 400;
    case errc::conflict: return 409;
    case errc::unavailable: return 503;
    case errc::internal: return 500;
  }
  return 500;
}

}  // namespace hayloft::orchestrator
