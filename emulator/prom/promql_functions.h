#pragma once
// The PromQL functions hayloft evaluates: their signatures (for the parser's type checks) and
// the per-series computations, each following promql/functions.go (README.md cites the rules).
// Pure functions.
#include <optional>
#include <string_view>
#include <vector>

#include "emulator/prom/promql_ast.h"

namespace hayloft::prom {

struct function_info {
  std::string_view name;
  std::vector<value_type> args;
  value_type returns;
};

// A function hayloft evaluates, or null.
const function_info* find_function(std::string_view name);
// True for any function Prometheus has (so an unknown name and an unsupported one get
// different messages).
bool is_prometheus_function(std::string_view name);
// True for the functions taking a range vector.
bool is_range_function(std::string_view name);
// True when the function keeps the metric name (last_over_time), false when it drops it.
bool keeps_metric_name(std::string_view name);

// The value of a range-vector function over one series' samples (stale markers removed) in
// (range_start, range_end]; nullopt when Prometheus yields no output element.
std::optional<double> eval_range_function(std::string_view name, const std::vector<point>& pts,
                                          std::int64_t range_start, std::int64_t range_end);

// extrapolatedRate (promql/functions.go): rate (is_rate), increase (is_counter) and delta.
std::optional<double> extrapolated_rate(const std::vector<point>& pts, std::int64_t range_start,
                                        std::int64_t range_end, bool is_counter, bool is_rate);
// instantValue: irate (is_rate) and idelta.
std::optional<double> instant_value(const std::vector<point>& pts, bool is_rate);

// abs, ceil, floor, sqrt, exp, ln applied to one value.
double eval_math_function(std::string_view name, double v);

}  // namespace hayloft::prom
