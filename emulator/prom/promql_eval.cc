#include "emulator/prom/promql_eval.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "emulator/prom/errc.h"
#include "emulator/prom/promql_functions.h"

namespace hayloft::prom {
namespace {

error exec_error(const std::string& msg) { return error{make_error_code(errc::execution), msg}; }

void sort_vector(std::vector<vector_sample>& v) {
  std::sort(v.begin(), v.end(), [](const vector_sample& a, const vector_sample& b) { return a.metric < b.metric; });
}

// Operations that drop the metric name can make two elements identical (engine.go).
result<void> check_unique(std::vector<vector_sample>& v) {
  sort_vector(v);
  for (std::size_t i = 1; i < v.size(); ++i)
    if (v[i].metric == v[i - 1].metric)
      return exec_error("vector cannot contain metrics with the same labelset");
  return {};
}

const expr& unwrap_parens(const expr& e) {
  const expr* p = &e;
  while (p->k == expr::kind::paren) p = p->args[0].get();
  return *p;
}

bool drops_metric_name(binary_op op) { return !is_comparison(op); }

}  // namespace

double apply_binary(binary_op op, double l, double r, bool& keep) {
  keep = true;
  switch (op) {
    case binary_op::add: return l + r;
    case binary_op::sub: return l - r;
    case binary_op::mul: return l * r;
    case binary_op::div: return l / r;
    case binary_op::mod: return std::fmod(l, r);
    case binary_op::pow: return std::pow(l, r);
    case binary_op::eq: keep = l == r; return l;
    case binary_op::neq: keep = l != r; return l;
    case binary_op::gt: keep = l > r; return l;
    case binary_op::lt: keep = l < r; return l;
    case binary_op::gte: keep = l >= r; return l;
    case binary_op::lte: keep = l <= r; return l;
  }
  return l;
}

result<query_value> evaluator::instant(const expr& e, std::int64_t t) const { return eval(e, t); }

result<std::vector<series_data>> evaluator::range(const expr& e, std::int64_t start, std::int64_t end,
                                                  std::int64_t step) const {
  if (e.type != value_type::scalar && e.type != value_type::vector)
    return error{make_error_code(errc::bad_data),
                 std::string("invalid expression type \"") +
                     (e.type == value_type::matrix ? "range vector" : value_type_name(e.type)) +
                     "\" for range query, must be Scalar or instant Vector"};
  if (step <= 0 || end < start) return error{make_error_code(errc::bad_data), "invalid range query bounds"};
  if ((end - start) / step + 1 > opts_.max_points_per_series)
    return error{make_error_code(errc::bad_data),
                 "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution "
                 "(?step=XX)"};
  std::map<labels, std::vector<point>> out;
  for (std::int64_t t = start; t <= end; t += step) {
    auto v = eval(e, t);
    if (!v) return v.err();
    if (v->type == value_type::scalar) {
      out[labels{}].push_back({t, v->scalar});
      continue;
    }
    for (auto& s : v->vector) out[std::move(s.metric)].push_back({t, s.v});
  }
  std::vector<series_data> series;
  series.reserve(out.size());
  for (auto& [l, pts] : out) series.push_back({l, std::move(pts)});
  return series;
}

std::vector<series_data> evaluator::eval_matrix(const expr& sel, std::int64_t t) const {
  const std::int64_t end = t - sel.offset_ms;
  auto found = source_.select(sel.matchers, end - sel.range_ms + 1, end);
  std::vector<series_data> out;
  out.reserve(found.size());
  for (auto& s : found) {
    std::erase_if(s.points, [](const point& p) { return is_stale_nan(p.v); });
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

result<query_value> evaluator::eval(const expr& e, std::int64_t t) const {
  query_value out;
  out.type = e.type;
  switch (e.k) {
    case expr::kind::number: out.scalar = e.number; return out;
    case expr::kind::string: out.string = e.text; return out;
    case expr::kind::paren: return eval(*e.args[0], t);
    case expr::kind::vector_selector: {
      const std::int64_t end = t - e.offset_ms;
      auto found = source_.select(e.matchers, end - opts_.lookback_ms + 1, end);
      out.vector.reserve(found.size());
      for (auto& s : found) {
        const point& last = s.points.back();
        if (is_stale_nan(last.v)) continue;
        out.vector.push_back({std::move(s.metric), last.v});
      }
      sort_vector(out.vector);
      return out;
    }
    case expr::kind::matrix_selector: out.matrix = eval_matrix(e, t); return out;
    case expr::kind::call: return eval_call(e, t);
    case expr::kind::aggregate: return eval_aggregate(e, t);
    case expr::kind::binary: return eval_binary(e, t);
    case expr::kind::unary: {
      auto v = eval(*e.args[0], t);
      if (!v) return v;
      if (v->type == value_type::scalar) {
        v->scalar = -v->scalar;
        return v;
      }
      for (auto& s : v->vector) {
        s.v = -s.v;
        s.metric.erase(metric_name_label);
      }
      HAYLOFT_TRY(check_unique(v->vector));
      return v;
    }
  }
  return exec_error("unknown expression");
}

result<query_value> evaluator::eval_call(const expr& e, std::int64_t t) const {
  query_value out;
  out.type = e.type;
  const std::string& name = e.text;
  if (name == "time") {
    out.scalar = static_cast<double>(t) / 1000;
    return out;
  }
  if (is_range_function(name)) {
    const expr& sel = unwrap_parens(*e.args[0]);
    const std::int64_t range_end = t - sel.offset_ms;
    const std::int64_t range_start = range_end - sel.range_ms;
    for (auto& s : eval_matrix(sel, t)) {
      auto v = eval_range_function(name, s.points, range_start, range_end);
      if (!v) continue;
      labels metric = keeps_metric_name(name) ? std::move(s.metric) : s.metric.without_name();
      out.vector.push_back({std::move(metric), *v});
    }
    HAYLOFT_TRY(check_unique(out.vector));
    return out;
  }
  auto arg = eval(*e.args[0], t);
  if (!arg) return arg;
  if (name == "vector") {
    out.vector.push_back({labels{}, arg->scalar});
    return out;
  }
  if (name == "scalar") {
    out.scalar = arg->vector.size() == 1 ? arg->vector[0].v : NAN;
    return out;
  }
  for (auto& s : arg->vector) out.vector.push_back({s.metric.without_name(), eval_math_function(name, s.v)});
  HAYLOFT_TRY(check_unique(out.vector));
  return out;
}

result<query_value> evaluator::eval_aggregate(const expr& e, std::int64_t t) const {
  auto arg = eval(*e.args[0], t);
  if (!arg) return arg;
  struct group {
    labels metric;
    double value = 0;
    double compensation = 0;  // Kahan-Babuska-Neumaier for sum and avg
    std::size_t count = 0;
  };
  std::unordered_map<std::string, group> groups;
  for (const auto& s : arg->vector) {
    labels key_labels = e.without ? s.metric.drop(e.grouping).without_name() : s.metric.keep(e.grouping);
    std::string key = key_labels.key();
    auto [it, fresh] = groups.try_emplace(std::move(key));
    group& g = it->second;
    if (fresh) {
      g.metric = std::move(key_labels);
      g.value = s.v;
      g.count = 1;
      continue;
    }
    ++g.count;
    switch (e.agg) {
      case aggregate_op::sum:
      case aggregate_op::avg: {
        double sum = g.value + s.v;
        if (std::fabs(g.value) >= std::fabs(s.v)) g.compensation += (g.value - sum) + s.v;
        else g.compensation += (s.v - sum) + g.value;
        g.value = sum;
        break;
      }
      case aggregate_op::max:
        if (s.v > g.value || std::isnan(g.value)) g.value = s.v;
        break;
      case aggregate_op::min:
        if (s.v < g.value || std::isnan(g.value)) g.value = s.v;
        break;
      case aggregate_op::count: break;
    }
  }
  query_value out;
  out.type = value_type::vector;
  out.vector.reserve(groups.size());
  for (auto& [k, g] : groups) {
    double v = g.value;
    if (e.agg == aggregate_op::sum || e.agg == aggregate_op::avg) v = std::isinf(g.value) ? g.value : g.value + g.compensation;
    if (e.agg == aggregate_op::avg) v /= static_cast<double>(g.count);
    if (e.agg == aggregate_op::count) v = static_cast<double>(g.count);
    out.vector.push_back({std::move(g.metric), v});
  }
  sort_vector(out.vector);
  return out;
}

result<query_value> evaluator::eval_binary(const expr& e, std::int64_t t) const {
  auto lhs = eval(*e.args[0], t);
  if (!lhs) return lhs;
  auto rhs = eval(*e.args[1], t);
  if (!rhs) return rhs;
  query_value out;
  out.type = e.type;
  bool keep = true;
  if (lhs->type == value_type::scalar && rhs->type == value_type::scalar) {
    out.scalar = apply_binary(e.op, lhs->scalar, rhs->scalar, keep);
    if (e.return_bool) out.scalar = keep ? 1 : 0;
    return out;
  }
  if (lhs->type == value_type::scalar || rhs->type == value_type::scalar) {
    const bool scalar_left = lhs->type == value_type::scalar;
    auto& vec = scalar_left ? rhs->vector : lhs->vector;
    const double scalar = scalar_left ? lhs->scalar : rhs->scalar;
    for (auto& s : vec) {
      double l = scalar_left ? scalar : s.v, r = scalar_left ? s.v : scalar;
      double v = apply_binary(e.op, l, r, keep);
      // A comparison keeps the vector element's value even when the scalar is on the left.
      if (is_comparison(e.op) && scalar_left) v = s.v;
      if (e.return_bool) v = keep ? 1 : 0;
      else if (!keep) continue;
      labels metric = std::move(s.metric);
      if (drops_metric_name(e.op) || e.return_bool) metric.erase(metric_name_label);
      out.vector.push_back({std::move(metric), v});
    }
    HAYLOFT_TRY(check_unique(out.vector));
    return out;
  }
  // Vector/vector, one-to-one (VectorBinop in engine.go).
  const auto& m = e.matching;
  auto signature = [&](const labels& l) {
    return (m.on ? l.keep(m.labels) : l.drop(m.labels).without_name()).key();
  };
  std::unordered_map<std::string, const vector_sample*> right;
  for (const auto& s : rhs->vector) {
    auto [it, fresh] = right.try_emplace(signature(s.metric), &s);
    if (!fresh)
      return exec_error("found duplicate series for the match group on the right hand-side of the operation: [" +
                        it->second->metric.to_string() + ", " + s.metric.to_string() +
                        "];many-to-many matching not allowed: matching labels must be unique on one side");
  }
  std::unordered_map<std::string, bool> matched;
  for (const auto& l : lhs->vector) {
    auto sig = signature(l.metric);
    auto it = right.find(sig);
    if (it == right.end()) continue;
    if (!matched.try_emplace(sig, true).second)
      return exec_error("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    double v = apply_binary(e.op, l.v, it->second->v, keep);
    if (e.return_bool) v = keep ? 1 : 0;
    else if (!keep) continue;
    labels metric = l.metric;
    if (drops_metric_name(e.op) || e.return_bool) metric.erase(metric_name_label);
    metric = m.on ? metric.keep(m.labels) : metric.drop(m.labels);
    out.vector.push_back({std::move(metric), v});
  }
  HAYLOFT_TRY(check_unique(out.vector));
  return out;
}

}  // namespace hayloft::prom
