#include "emulator/prom/promql_functions.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace hayloft::prom {
namespace {

const std::vector<function_info>& functions() {
  using vt = value_type;
  static const std::vector<function_info> table = {
      {"rate", {vt::matrix}, vt::vector},           {"irate", {vt::matrix}, vt::vector},
      {"increase", {vt::matrix}, vt::vector},       {"delta", {vt::matrix}, vt::vector},
      {"idelta", {vt::matrix}, vt::vector},         {"avg_over_time", {vt::matrix}, vt::vector},
      {"min_over_time", {vt::matrix}, vt::vector},  {"max_over_time", {vt::matrix}, vt::vector},
      {"sum_over_time", {vt::matrix}, vt::vector},  {"count_over_time", {vt::matrix}, vt::vector},
      {"last_over_time", {vt::matrix}, vt::vector}, {"abs", {vt::vector}, vt::vector},
      {"ceil", {vt::vector}, vt::vector},           {"floor", {vt::vector}, vt::vector},
      {"sqrt", {vt::vector}, vt::vector},           {"exp", {vt::vector}, vt::vector},
      {"ln", {vt::vector}, vt::vector},             {"vector", {vt::scalar}, vt::vector},
      {"scalar", {vt::vector}, vt::scalar},         {"time", {}, vt::scalar},
  };
  return table;
}

// Every other function of Prometheus 3 (promql/parser/functions.go).
constexpr std::array<std::string_view, 63> other_functions = {
    "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "changes", "clamp",
    "clamp_max", "clamp_min", "cos", "cosh", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "deg",
    "deriv", "double_exponential_smoothing", "histogram_avg", "histogram_count", "histogram_fraction",
    "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "hour",
    "info", "label_join", "label_replace", "log10", "log2", "mad_over_time", "minute", "month", "pi",
    "predict_linear", "present_over_time", "quantile_over_time", "rad", "resets", "round", "sgn", "sin", "sinh",
    "sort", "sort_by_label", "sort_by_label_desc", "sort_desc", "stddev_over_time", "stdvar_over_time", "tan",
    "tanh", "timestamp", "year", "first_over_time", "ts_of_max_over_time", "ts_of_min_over_time",
    "ts_of_last_over_time", "limitk"};

}  // namespace

const function_info* find_function(std::string_view name) {
  for (const auto& f : functions())
    if (f.name == name) return &f;
  return nullptr;
}

bool is_prometheus_function(std::string_view name) {
  return find_function(name) || std::find(other_functions.begin(), other_functions.end(), name) != other_functions.end();
}

bool is_range_function(std::string_view name) {
  const auto* f = find_function(name);
  return f && !f->args.empty() && f->args[0] == value_type::matrix;
}

bool keeps_metric_name(std::string_view name) { return name == "last_over_time"; }

std::optional<double> extrapolated_rate(const std::vector<point>& pts, std::int64_t range_start,
                                        std::int64_t range_end, bool is_counter, bool is_rate) {
  if (pts.size() < 2) return std::nullopt;
  const std::size_t n_minus_one = pts.size() - 1;
  const std::int64_t first_t = pts.front().t, last_t = pts.back().t;
  double result = pts.back().v - pts.front().v;
  if (is_counter) {
    // A drop between consecutive samples is a counter reset: the value before it was lost.
    for (std::size_t i = 1; i < pts.size(); ++i)
      if (pts[i].v < pts[i - 1].v) result += pts[i - 1].v;
  }
  double duration_to_start = static_cast<double>(first_t - range_start) / 1000;
  double duration_to_end = static_cast<double>(range_end - last_t) / 1000;
  const double sampled_interval = static_cast<double>(last_t - first_t) / 1000;
  const double average_between = sampled_interval / static_cast<double>(n_minus_one);
  // Extrapolate to a range boundary only when a sample would be expected there (within 110% of
  // the average spacing); otherwise assume the series starts/ends half a spacing outside.
  const double threshold = average_between * 1.1;
  if (duration_to_start >= threshold) duration_to_start = average_between / 2;
  if (is_counter) {
    // A counter cannot go below zero: never extrapolate past the point where it would be zero.
    double duration_to_zero = duration_to_start;
    if (result > 0 && pts.front().v >= 0) duration_to_zero = sampled_interval * (pts.front().v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  if (duration_to_end >= threshold) duration_to_end = average_between / 2;
  double factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
  if (is_rate) factor /= static_cast<double>(range_end - range_start) / 1000;
  return result * factor;
}

std::optional<double> instant_value(const std::vector<point>& pts, bool is_rate) {
  if (pts.size() < 2) return std::nullopt;
  const point& last = pts.back();
  const point& prev = pts[pts.size() - 2];
  double result = (is_rate && last.v < prev.v) ? last.v : last.v - prev.v;
  const std::int64_t interval = last.t - prev.t;
  if (interval == 0) return std::nullopt;
  if (is_rate) result /= static_cast<double>(interval) / 1000;
  return result;
}

std::optional<double> eval_range_function(std::string_view name, const std::vector<point>& pts,
                                          std::int64_t range_start, std::int64_t range_end) {
  if (name == "rate") return extrapolated_rate(pts, range_start, range_end, true, true);
  if (name == "increase") return extrapolated_rate(pts, range_start, range_end, true, false);
  if (name == "delta") return extrapolated_rate(pts, range_start, range_end, false, false);
  if (name == "irate") return instant_value(pts, true);
  if (name == "idelta") return instant_value(pts, false);
  if (pts.empty()) return std::nullopt;
  if (name == "count_over_time") return static_cast<double>(pts.size());
  if (name == "last_over_time") return pts.back().v;
  if (name == "min_over_time" || name == "max_over_time") {
    const bool is_max = name == "max_over_time";
    double v = pts.front().v;
    for (const auto& p : pts) {
      // NaN is replaced by any number, as in Prometheus.
      if (is_max ? (p.v > v || std::isnan(v)) : (p.v < v || std::isnan(v))) v = p.v;
    }
    return v;
  }
  if (name == "sum_over_time" || name == "avg_over_time") {
    // Kahan-Babuska-Neumaier summation, as Prometheus' kahanSumInc.
    double sum = 0, c = 0;
    for (const auto& p : pts) {
      double t = sum + p.v;
      if (std::fabs(sum) >= std::fabs(p.v)) c += (sum - t) + p.v;
      else c += (p.v - t) + sum;
      sum = t;
    }
    double total = std::isinf(sum) ? sum : sum + c;
    if (name == "sum_over_time") return total;
    return total / static_cast<double>(pts.size());
  }
  return std::nullopt;
}

double eval_math_function(std::string_view name, double v) {
  if (name == "abs") return std::fabs(v);
  if (name == "ceil") return std::ceil(v);
  if (name == "floor") return std::floor(v);
  if (name == "sqrt") return std::sqrt(v);
  if (name == "exp") return std::exp(v);
  if (name == "ln") return std::log(v);
  return v;
}

}  // namespace hayloft::prom
