#pragma once
// The parsed form of a PromQL expression (the subset hayloft evaluates; see README.md).
// Built by parse_promql (promql_parser.h), read by the evaluator. Immutable after parsing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "emulator/prom/series_store.h"

namespace hayloft::prom {

enum class value_type { scalar, vector, matrix, string };
const char* value_type_name(value_type t);  // "scalar", "vector", "matrix", "string"

enum class binary_op { add, sub, mul, div, mod, pow, eq, neq, gt, lt, gte, lte };
bool is_comparison(binary_op op);
const char* binary_op_name(binary_op op);

enum class aggregate_op { sum, avg, min, max, count };

struct expr;
using expr_ptr = std::unique_ptr<expr>;

struct vector_matching {
  bool on = false;              // on(...) rather than ignoring(...)
  std::vector<std::string> labels;
};

struct expr {
  enum class kind { number, string, vector_selector, matrix_selector, call, aggregate, binary, unary, paren } k;
  value_type type = value_type::scalar;

  double number = 0;                 // number
  std::string text;                  // string literal; function name for call
  // vector_selector / matrix_selector
  std::vector<matcher> matchers;     // the metric name as a __name__ matcher when given
  std::int64_t offset_ms = 0;
  std::int64_t range_ms = 0;         // matrix_selector only
  // aggregate
  aggregate_op agg = aggregate_op::sum;
  std::vector<std::string> grouping;
  bool without = false;
  // binary
  binary_op op = binary_op::add;
  bool return_bool = false;
  vector_matching matching;
  // call args / aggregate operand / binary lhs,rhs / unary and paren operand
  std::vector<expr_ptr> args;
  std::size_t height = 1;  // levels of this subtree (the parser caps it at max_promql_depth)
};

// The deepest expression tree the parser builds (and so the deepest recursion of the evaluator
// and of the tree's destructor). Prometheus has no such limit; real queries nest a few levels.
inline constexpr std::size_t max_promql_depth = 256;

}  // namespace hayloft::prom
