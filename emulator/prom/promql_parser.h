#pragma once
// Parses the PromQL subset hayloft evaluates (README.md lists it and the Prometheus sources
// each rule follows). Anything outside it is an errc::unsupported error that names the
// construct ("unsupported function histogram_quantile"); malformed input is errc::bad_data with
// a message in Prometheus' style. Pure function; no state.
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/prom/promql_ast.h"

namespace hayloft::prom {

result<expr_ptr> parse_promql(std::string_view query);

// A Prometheus duration ("5m", "1h30m", "250ms", "1d", "1w", "1y") in milliseconds.
result<std::int64_t> parse_prom_duration(std::string_view s);

// A series selector alone (the /api/v1/series match[] parameter): its matchers.
result<std::vector<matcher>> parse_selector(std::string_view s);

}  // namespace hayloft::prom
