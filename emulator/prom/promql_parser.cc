#include "emulator/prom/promql_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "emulator/core/utf8.h"
#include "emulator/prom/errc.h"
#include "emulator/prom/exposition.h"
#include "emulator/prom/promql_functions.h"

namespace hayloft::prom {

const char* value_type_name(value_type t) {
  switch (t) {
    case value_type::scalar: return "scalar";
    case value_type::vector: return "vector";
    case value_type::matrix: return "matrix";
    case value_type::string: return "string";
  }
  return "unknown";
}

bool is_comparison(binary_op op) { return op >= binary_op::eq; }

const char* binary_op_name(binary_op op) {
  static constexpr std::array<const char*, 12> names = {"+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<="};
  return names[static_cast<std::size_t>(op)];
}

result<std::int64_t> parse_prom_duration(std::string_view s) {
  // Units in the order Prometheus requires them (model.ParseDuration).
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 7> units = {{
      {"y", 365LL * 24 * 3600 * 1000},
      {"w", 7LL * 24 * 3600 * 1000},
      {"d", 24LL * 3600 * 1000},
      {"h", 3600LL * 1000},
      {"m", 60LL * 1000},
      {"s", 1000},
      {"ms", 1},
  }};
  auto bad = error{make_error_code(errc::bad_data), "not a valid duration string: \"" + std::string(s) + "\""};
  if (s.empty()) return bad;
  std::int64_t total = 0;
  std::size_t last_unit = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), n);
    if (ec != std::errc{} || n < 0) return bad;
    i = static_cast<std::size_t>(end - s.data());
    std::size_t j = i;
    while (j < s.size() && s[j] >= 'a' && s[j] <= 'z') ++j;
    auto unit = s.substr(i, j - i);
    auto it = std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == unit; });
    if (it == units.end()) return bad;
    std::size_t idx = static_cast<std::size_t>(it - units.begin()) + 1;
    if (idx <= last_unit) return bad;
    last_unit = idx;
    if (n > INT64_MAX / it->second) return bad;
    total += n * it->second;
    i = j;
    any = true;
  }
  if (!any) return bad;
  return total;
}

namespace {

struct op_info {
  std::string_view text;
  binary_op op;
  int prec;
};
// Longest first so "==" wins over "=".
constexpr std::array<op_info, 12> binary_ops = {{
    {"==", binary_op::eq, 3},  {"!=", binary_op::neq, 3}, {">=", binary_op::gte, 3}, {"<=", binary_op::lte, 3},
    {">", binary_op::gt, 3},   {"<", binary_op::lt, 3},   {"+", binary_op::add, 4},   {"-", binary_op::sub, 4},
    {"*", binary_op::mul, 5},  {"/", binary_op::div, 5},  {"%", binary_op::mod, 5},   {"^", binary_op::pow, 6},
}};

constexpr std::array<std::string_view, 5> supported_aggregations = {"sum", "avg", "min", "max", "count"};
constexpr std::array<std::string_view, 9> other_aggregations = {"stddev", "stdvar", "group", "topk", "bottomk",
                                                                "quantile", "count_values", "limitk", "limit_ratio"};

class parser {
 public:
  explicit parser(std::string_view q) : q_(q) {}

  result<expr_ptr> parse_all() {
    auto e = expression(0);
    if (!e) return e;
    skip_ws();
    if (i_ < q_.size()) return unexpected();
    return e;
  }

  result<std::vector<matcher>> selector_only() {
    auto e = parse_all();
    if (!e) return e.err();
    if ((*e)->k != expr::kind::vector_selector)
      return error{make_error_code(errc::bad_data), "invalid parameter \"match[]\": expected a series selector"};
    return std::move((*e)->matchers);
  }

 private:
  error fail(const std::string& msg, errc code = errc::bad_data) const {
    // The message echoes the query; bytes that are not UTF-8 are shown as \xNN so that the
    // API's JSON stays valid.
    return error{make_error_code(code), "parse error at char " + std::to_string(i_ + 1) + ": " + core::escape_invalid_utf8(msg)};
  }
  error too_deep() const {
    return fail("the expression nests deeper than " + std::to_string(max_promql_depth) + " levels");
  }
  // Sets e's height from its operands; false (too deep) past max_promql_depth.
  bool grown(expr& e) const {
    std::size_t h = 0;
    for (const auto& a : e.args) h = std::max(h, a->height);
    e.height = h + 1;
    return e.height <= max_promql_depth;
  }
  // Recursion depth of expression(): unary minus chains and parentheses recurse without adding
  // a node each time.
  struct depth_guard {
    std::size_t& d;
    explicit depth_guard(std::size_t& depth) : d(depth) { ++d; }
    ~depth_guard() { --d; }
  };
  error unsupported(const std::string& what) const {
    return error{make_error_code(errc::unsupported), "unsupported " + what + " (hayloft evaluates a PromQL subset)"};
  }
  error unexpected() const {
    if (i_ >= q_.size()) return fail("unexpected end of input");
    std::size_t n = std::max<std::size_t>(1, core::utf8_sequence_length(q_.substr(i_)));
    return fail("unexpected character '" + std::string(q_.substr(i_, n)) + "'");
  }

  void skip_ws() {
    while (i_ < q_.size()) {
      char c = q_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') ++i_;
      else if (c == '#') {
        while (i_ < q_.size() && q_[i_] != '\n') ++i_;
      } else break;
    }
  }
  bool peek(std::string_view s) {
    skip_ws();
    return q_.substr(i_, s.size()) == s;
  }
  bool eat(std::string_view s) {
    if (!peek(s)) return false;
    i_ += s.size();
    return true;
  }
  static bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
  static bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
  std::string_view peek_ident() {
    skip_ws();
    std::size_t j = i_;
    if (j >= q_.size() || !ident_start(q_[j])) return {};
    while (j < q_.size() && ident_char(q_[j])) ++j;
    return q_.substr(i_, j - i_);
  }
  // Consumes `word` only when it is a whole identifier.
  bool eat_keyword(std::string_view word) {
    if (peek_ident() != word) return false;
    i_ += word.size();
    return true;
  }

  result<expr_ptr> expression(int min_prec) {
    depth_guard guard(depth_);
    if (depth_ > max_promql_depth) return too_deep();
    auto lhs = unary();
    if (!lhs) return lhs;
    while (true) {
      skip_ws();
      auto word = peek_ident();
      if (word == "and" || word == "or" || word == "unless" || word == "atan2")
        return unsupported("binary operator " + std::string(word));
      const op_info* found = nullptr;
      for (const auto& o : binary_ops) {
        if (q_.substr(i_, o.text.size()) == o.text) {
          // "=~" and "!~" only appear inside braces; a lone "=" is not an operator.
          found = &o;
          break;
        }
      }
      if (!found || found->prec < min_prec) break;
      i_ += found->text.size();
      auto bin = std::make_unique<expr>();
      bin->k = expr::kind::binary;
      bin->op = found->op;
      if (eat_keyword("bool")) {
        if (!is_comparison(found->op)) return fail("bool modifier can only be used on comparison operators");
        bin->return_bool = true;
      }
      bool has_matching = false;
      if (peek_ident() == "on" || peek_ident() == "ignoring") {
        has_matching = true;
        bin->matching.on = eat_keyword("on");
        if (!bin->matching.on) eat_keyword("ignoring");
        auto names = label_list();
        if (!names) return names.err();
        bin->matching.labels = std::move(*names);
        if (peek_ident() == "group_left" || peek_ident() == "group_right")
          return unsupported("vector matching modifier " + std::string(peek_ident()));
      }
      int next = found->op == binary_op::pow ? found->prec : found->prec + 1;
      auto rhs = expression(next);
      if (!rhs) return rhs;
      bin->args.push_back(std::move(*lhs));
      bin->args.push_back(std::move(*rhs));
      if (!grown(*bin)) return too_deep();
      auto lt = bin->args[0]->type, rt = bin->args[1]->type;
      if ((lt != value_type::scalar && lt != value_type::vector) || (rt != value_type::scalar && rt != value_type::vector))
        return fail("binary expression must contain only scalar and instant vector types");
      if (has_matching && (lt != value_type::vector || rt != value_type::vector))
        return fail("vector matching only allowed between instant vectors");
      if (is_comparison(found->op) && !bin->return_bool && lt == value_type::scalar && rt == value_type::scalar)
        return fail("comparisons between scalars must use BOOL modifier");
      bin->type = (lt == value_type::vector || rt == value_type::vector) ? value_type::vector : value_type::scalar;
      lhs = std::move(bin);
    }
    return lhs;
  }

  result<expr_ptr> unary() {
    skip_ws();
    if (i_ < q_.size() && (q_[i_] == '-' || q_[i_] == '+')) {
      bool neg = q_[i_] == '-';
      ++i_;
      // Unary operators bind tighter than * but looser than ^ (-2^2 == -4).
      auto operand = expression(6);
      if (!operand) return operand;
      auto t = (*operand)->type;
      if (t != value_type::scalar && t != value_type::vector)
        return fail("unary expression only allowed on expressions of type scalar or instant vector");
      if (!neg) return operand;
      if ((*operand)->k == expr::kind::number) {
        (*operand)->number = -(*operand)->number;
        return operand;
      }
      auto u = std::make_unique<expr>();
      u->k = expr::kind::unary;
      u->type = t;
      u->args.push_back(std::move(*operand));
      if (!grown(*u)) return too_deep();
      return u;
    }
    auto p = primary();
    if (!p) return p;
    return postfix(std::move(*p));
  }

  result<expr_ptr> postfix(expr_ptr e) {
    while (true) {
      skip_ws();
      if (peek("[")) {
        ++i_;
        skip_ws();
        auto dur = duration_text();
        skip_ws();
        if (peek(":")) return unsupported("subquery");
        if (!eat("]")) return unexpected();
        if (e->k != expr::kind::vector_selector || e->range_ms != 0)
          return fail("ranges only allowed for vector selectors");
        if (e->offset_ms != 0) return fail("offset must follow the range: x[5m] offset 1m");
        auto ms = parse_prom_duration(dur);
        if (!ms) return fail(ms.err().message);
        if (*ms == 0) return fail("duration must be greater than 0");
        e->k = expr::kind::matrix_selector;
        e->type = value_type::matrix;
        e->range_ms = *ms;
        continue;
      }
      if (peek_ident() == "offset") {
        i_ += 6;
        if (e->k != expr::kind::vector_selector && e->k != expr::kind::matrix_selector)
          return fail("offset modifier must be preceded by an instant vector selector or range vector selector");
        skip_ws();
        bool neg = eat("-");
        skip_ws();
        auto ms = parse_prom_duration(duration_text());
        if (!ms) return fail(ms.err().message);
        e->offset_ms = neg ? -*ms : *ms;
        continue;
      }
      if (peek("@")) return unsupported("@ modifier");
      return e;
    }
  }

  std::string_view duration_text() {
    std::size_t start = i_;
    while (i_ < q_.size() && ((q_[i_] >= '0' && q_[i_] <= '9') || (q_[i_] >= 'a' && q_[i_] <= 'z') || q_[i_] == '.')) ++i_;
    return q_.substr(start, i_ - start);
  }

  result<expr_ptr> primary() {
    skip_ws();
    if (i_ >= q_.size()) return fail("unexpected end of input");
    char c = q_[i_];
    if (c == '(') {
      ++i_;
      auto inner = expression(0);
      if (!inner) return inner;
      if (!eat(")")) return unexpected();
      auto p = std::make_unique<expr>();
      p->k = expr::kind::paren;
      p->type = (*inner)->type;
      p->args.push_back(std::move(*inner));
      if (!grown(*p)) return too_deep();
      return p;
    }
    if (c == '"' || c == '\'' || c == '`') {
      auto s = string_literal();
      if (!s) return s.err();
      auto e = std::make_unique<expr>();
      e->k = expr::kind::string;
      e->type = value_type::string;
      e->text = std::move(*s);
      return e;
    }
    if ((c >= '0' && c <= '9') || c == '.') return number_literal();
    if (c == '{') return selector({});
    auto word = peek_ident();
    if (word.empty()) return unexpected();
    std::string name(word);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "inf" || lower == "nan") {
      i_ += name.size();
      auto e = std::make_unique<expr>();
      e->k = expr::kind::number;
      e->number = lower == "inf" ? INFINITY : NAN;
      return e;
    }
    bool is_agg = std::find(supported_aggregations.begin(), supported_aggregations.end(), name) != supported_aggregations.end();
    bool other_agg = std::find(other_aggregations.begin(), other_aggregations.end(), name) != other_aggregations.end();
    std::size_t save = i_;
    i_ += name.size();
    skip_ws();
    bool call = peek("(");
    bool grouping_first = peek_ident() == "by" || peek_ident() == "without";
    if ((is_agg || other_agg) && (call || grouping_first)) {
      if (other_agg) return unsupported("aggregation " + name);
      return aggregation(name, grouping_first);
    }
    if (call) return function_call(name);
    i_ = save + name.size();
    return selector(name);
  }

  result<expr_ptr> number_literal() {
    std::size_t start = i_;
    if (q_.substr(i_, 2) == "0x" || q_.substr(i_, 2) == "0X") {
      i_ += 2;
      std::size_t hs = i_;
      while (i_ < q_.size() && std::isxdigit(static_cast<unsigned char>(q_[i_]))) ++i_;
      std::uint64_t v = 0;
      auto [end, ec] = std::from_chars(q_.data() + hs, q_.data() + i_, v, 16);
      if (ec != std::errc{} || hs == i_) return fail("bad number or duration syntax: \"" + std::string(q_.substr(start, i_ - start)) + "\"");
      auto e = std::make_unique<expr>();
      e->k = expr::kind::number;
      e->number = static_cast<double>(v);
      return e;
    }
    while (i_ < q_.size() && (std::isdigit(static_cast<unsigned char>(q_[i_])) || q_[i_] == '.')) ++i_;
    if (i_ < q_.size() && (q_[i_] == 'e' || q_[i_] == 'E')) {
      std::size_t save = i_;
      ++i_;
      if (i_ < q_.size() && (q_[i_] == '+' || q_[i_] == '-')) ++i_;
      if (i_ < q_.size() && std::isdigit(static_cast<unsigned char>(q_[i_]))) {
        while (i_ < q_.size() && std::isdigit(static_cast<unsigned char>(q_[i_]))) ++i_;
      } else {
        i_ = save;
      }
    }
    auto text = q_.substr(start, i_ - start);
    if (i_ < q_.size() && ident_char(q_[i_])) {
      // A duration used as a number ("5m") is newer PromQL syntax hayloft does not take.
      while (i_ < q_.size() && ident_char(q_[i_])) ++i_;
      return fail("bad number or duration syntax: \"" + std::string(q_.substr(start, i_ - start)) + "\"");
    }
    auto v = parse_prom_float(text);
    if (!v) return fail("bad number syntax: \"" + std::string(text) + "\"");
    auto e = std::make_unique<expr>();
    e->k = expr::kind::number;
    e->number = *v;
    return e;
  }

  result<std::string> string_literal() {
    char quote = q_[i_++];
    std::string out;
    while (true) {
      if (i_ >= q_.size()) return fail("unterminated quoted string");
      char c = q_[i_++];
      if (c == quote) break;
      if (quote != '`' && c == '\n') return fail("unterminated quoted string");
      if (c == '\\' && quote != '`') {
        if (i_ >= q_.size()) return fail("unterminated quoted string");
        char e = q_[i_++];
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          case 'a': out.push_back('\a'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'v': out.push_back('\v'); break;
          case '\\': out.push_back('\\'); break;
          case '"': out.push_back('"'); break;
          case '\'': out.push_back('\''); break;
          default:
            return fail("unknown escape sequence '\\" + std::string(1, e) + "' (hayloft takes \\n \\t \\r \\a \\b \\f \\v \\\\ \\\" \\')");
        }
        continue;
      }
      out.push_back(c);
    }
    return out;
  }

  result<std::vector<std::string>> label_list() {
    if (!eat("(")) return fail("expected '(' before the label list");
    std::vector<std::string> names;
    while (true) {
      if (eat(")")) break;
      auto n = peek_ident();
      if (n.empty() || n.find(':') != std::string_view::npos) return fail("expected a label name in the grouping list");
      names.emplace_back(n);
      i_ += n.size();
      if (eat(",")) continue;
      if (eat(")")) break;
      return unexpected();
    }
    return names;
  }

  result<expr_ptr> selector(std::string name) {
    auto e = std::make_unique<expr>();
    e->k = expr::kind::vector_selector;
    e->type = value_type::vector;
    if (!name.empty()) {
      auto m = make_matcher(std::string(metric_name_label), matcher::op::eq, name);
      e->matchers.push_back(std::move(*m));
    }
    if (eat("{")) {
      while (true) {
        if (eat("}")) break;
        std::string label;
        skip_ws();
        if (i_ < q_.size() && q_[i_] == '"') return unsupported("quoted label name in a selector");
        auto n = peek_ident();
        if (n.empty() || n.find(':') != std::string_view::npos) return fail("expected a label name in the selector");
        label = std::string(n);
        i_ += n.size();
        matcher::op kind;
        if (eat("=~")) kind = matcher::op::re;
        else if (eat("!~")) kind = matcher::op::nre;
        else if (eat("!=")) kind = matcher::op::neq;
        else if (eat("=")) kind = matcher::op::eq;
        else return fail("expected a label matching operator (=, !=, =~, !~) after " + label);
        skip_ws();
        if (i_ >= q_.size() || (q_[i_] != '"' && q_[i_] != '\'' && q_[i_] != '`'))
          return fail("expected a quoted label value after " + label);
        auto value = string_literal();
        if (!value) return value.err();
        if (label == metric_name_label && !name.empty())
          return fail("metric name must not be set twice: \"" + name + "\" or \"" + *value + "\"");
        auto m = make_matcher(label, kind, std::move(*value));
        if (!m) return fail(m.err().message);
        e->matchers.push_back(std::move(*m));
        if (eat(",")) continue;
        if (eat("}")) break;
        return unexpected();
      }
    } else if (name.empty()) {
      return unexpected();
    }
    bool non_empty = std::any_of(e->matchers.begin(), e->matchers.end(), [](const matcher& m) { return !m.matches(""); });
    if (!non_empty) return fail("vector selector must contain at least one non-empty matcher");
    return e;
  }

  result<expr_ptr> aggregation(const std::string& name, bool grouping_first) {
    auto e = std::make_unique<expr>();
    e->k = expr::kind::aggregate;
    e->type = value_type::vector;
    e->agg = name == "sum" ? aggregate_op::sum
             : name == "avg" ? aggregate_op::avg
             : name == "min" ? aggregate_op::min
             : name == "max" ? aggregate_op::max
                             : aggregate_op::count;
    auto grouping = [&]() -> result<void> {
      e->without = eat_keyword("without");
      if (!e->without && !eat_keyword("by")) return {};
      auto names = label_list();
      if (!names) return names.err();
      e->grouping = std::move(*names);
      return {};
    };
    if (grouping_first) HAYLOFT_TRY(grouping());
    if (!eat("(")) return unexpected();
    auto arg = expression(0);
    if (!arg) return arg;
    if (eat(",")) return fail("wrong number of arguments for aggregate expression provided, expected 1");
    if (!eat(")")) return unexpected();
    if ((*arg)->type != value_type::vector)
      return fail("expected type instant vector in aggregation expression, got " +
                  std::string(value_type_name((*arg)->type)));
    e->args.push_back(std::move(*arg));
    if (!grown(*e)) return too_deep();
    if (!grouping_first) HAYLOFT_TRY(grouping());
    return e;
  }

  result<expr_ptr> function_call(const std::string& name) {
    const function_info* fn = find_function(name);
    if (!fn) {
      if (is_prometheus_function(name)) return unsupported("function " + name);
      return fail("unknown function with name \"" + name + "\"");
    }
    eat("(");
    auto e = std::make_unique<expr>();
    e->k = expr::kind::call;
    e->text = name;
    e->type = fn->returns;
    if (!eat(")")) {
      while (true) {
        auto a = expression(0);
        if (!a) return a;
        e->args.push_back(std::move(*a));
        if (eat(",")) continue;
        if (eat(")")) break;
        return unexpected();
      }
    }
    if (!grown(*e)) return too_deep();
    if (e->args.size() != fn->args.size())
      return fail("expected " + std::to_string(fn->args.size()) + " argument(s) in call to \"" + name + "\", got " +
                  std::to_string(e->args.size()));
    for (std::size_t a = 0; a < e->args.size(); ++a) {
      if (e->args[a]->type != fn->args[a])
        return fail("expected type " + std::string(fn->args[a] == value_type::matrix ? "range vector"
                                                   : fn->args[a] == value_type::vector ? "instant vector"
                                                                                        : value_type_name(fn->args[a])) +
                    " in call to function \"" + name + "\", got " +
                    (e->args[a]->type == value_type::matrix   ? "range vector"
                     : e->args[a]->type == value_type::vector ? "instant vector"
                                                              : value_type_name(e->args[a]->type)));
    }
    return e;
  }

  std::string_view q_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
};

}  // namespace

result<expr_ptr> parse_promql(std::string_view query) {
  if (query.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return error{make_error_code(errc::bad_data), "parse error: no expression found in input"};
  return parser(query).parse_all();
}

result<std::vector<matcher>> parse_selector(std::string_view s) { return parser(s).selector_only(); }

}  // namespace hayloft::prom
