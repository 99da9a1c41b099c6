#pragma once
// Errors of the Prometheus module. Each maps to one Prometheus API errorType (api.cc):
//   bad_data (400): unparsable query, parameter or unsupported PromQL construct;
//   execution (422): a query that parses but cannot be evaluated (many-to-many matching);
//   exposition: a scrape body that is not valid text exposition format;
//   scrape_failed: the target could not be fetched.
#include <system_error>

namespace hayloft::prom {

enum class errc {
  bad_data = 1,
  unsupported,
  execution,
  exposition,
  scrape_failed,
  too_many_series,
};

const std::error_category& prom_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), prom_category()}; }

}  // namespace hayloft::prom

template <>
struct std::is_error_code_enum<hayloft::prom::errc> : std::true_type {};
