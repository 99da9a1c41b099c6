#pragma once
// Evaluates a parsed PromQL expression against a sample_source, with Prometheus' semantics for
// the subset (README.md): instant selectors look back `lookback` (5 min) over (t-5m, t] and skip
// stale markers; range selectors take (t-range, t]; functions and arithmetic drop the metric
// name; vector/vector operators match one-to-one on all labels but the name, or on(...) /
// ignoring(...).
//
// Thread-safety: an evaluator holds only a reference to its source and options; evaluations on
// many threads at once are fine when the source allows concurrent select() (series_store does).
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/prom/promql_ast.h"
#include "emulator/prom/series_store.h"

namespace hayloft::prom {

struct vector_sample {
  labels metric;
  double v;
};

// The value of an expression at one instant.
struct query_value {
  value_type type = value_type::scalar;
  double scalar = 0;
  std::vector<vector_sample> vector;  // sorted by labels
  std::vector<series_data> matrix;    // a range selector at the top level
  std::string string;
};

struct eval_options {
  std::int64_t lookback_ms = 5 * 60 * 1000;
  // Upper bound on the points a range query may produce per series (Prometheus' 11,000).
  std::int64_t max_points_per_series = 11000;
};

class evaluator {
 public:
  explicit evaluator(const sample_source& source, eval_options opts = {}) : source_(source), opts_(opts) {}

  // Instant query at t (unix ms).
  result<query_value> instant(const expr& e, std::int64_t t) const;
  // Range query: the expression (scalar or instant vector) at start, start+step, ... <= end.
  // Scalars become one series with no labels. Series are sorted by labels.
  result<std::vector<series_data>> range(const expr& e, std::int64_t start, std::int64_t end, std::int64_t step) const;

 private:
  result<query_value> eval(const expr& e, std::int64_t t) const;
  result<query_value> eval_call(const expr& e, std::int64_t t) const;
  result<query_value> eval_aggregate(const expr& e, std::int64_t t) const;
  result<query_value> eval_binary(const expr& e, std::int64_t t) const;
  std::vector<series_data> eval_matrix(const expr& sel, std::int64_t t) const;

  const sample_source& source_;
  eval_options opts_;
};

// Applies a binary operator to two numbers; `keep` is false when a comparison filters the
// element out (vectorElemBinop in promql/engine.go).
double apply_binary(binary_op op, double lhs, double rhs, bool& keep);

}  // namespace hayloft::prom
