#pragma once
// Number and time rendering exactly as Prometheus' HTTP API writes them: sample values as
// strconv.FormatFloat(v, 'f', -1, 64) ("1", "0.5", "+Inf", "NaN"), timestamps as seconds with
// up to millisecond precision (1435781451.781). Pure functions.
#include <cstdint>
#include <string>

namespace hayloft::prom {

std::string format_value(double v);
std::string format_timestamp(std::int64_t unix_ms);
// A JSON string literal, quoted and escaped.
std::string json_string(std::string_view s);

}  // namespace hayloft::prom
