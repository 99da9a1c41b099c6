#include "emulator/prom/metrics_source.h"

#include <cmath>

#include "emulator/prom/errc.h"
#include "emulator/prom/promql_parser.h"

namespace hayloft::prom {
namespace {

result<double> single_value(const query_value& v, std::string_view what) {
  double out = 0;
  if (v.type == value_type::scalar) {
    out = v.scalar;
  } else if (v.type == value_type::vector) {
    if (v.vector.empty())
      return error{make_error_code(errc::execution),
                   "prometheus metrics 'prometheus' target may be lost, the result is empty"};
    if (v.vector.size() > 1)
      return error{make_error_code(errc::execution), "prometheus query " + std::string(what) + " returned multiple elements"};
    out = v.vector[0].v;
  } else {
    return error{make_error_code(errc::bad_data),
                 "prometheus query " + std::string(what) + " must return a scalar or an instant vector"};
  }
  if (std::isinf(out)) return error{make_error_code(errc::execution), std::string("prometheus query returns ") + (out > 0 ? "+Inf" : "-Inf")};
  return out;
}

}  // namespace

store_metrics_source::store_metrics_source(const series_store& store, core::clock& clock, eval_options opts)
    : store_(store), clock_(clock), opts_(opts) {}

result<double> store_metrics_source::value(std::string_view name, const orchestrator::label_set& labels) {
  expr sel;
  sel.k = expr::kind::vector_selector;
  sel.type = value_type::vector;
  auto name_matcher = make_matcher(std::string(metric_name_label), matcher::op::eq, std::string(name));
  if (!name_matcher) return name_matcher.err();
  sel.matchers.push_back(std::move(*name_matcher));
  std::string text(name);
  text += '{';
  for (const auto& [k, v] : labels) {
    auto m = make_matcher(k, matcher::op::eq, v);
    if (!m) return m.err();
    sel.matchers.push_back(std::move(*m));
    text += k + "=\"" + v + "\",";
  }
  text += '}';
  auto v = evaluator(store_, opts_).instant(sel, core::to_unix_ms(clock_.now()));
  if (!v) return v.err();
  return single_value(*v, text);
}

result<double> store_metrics_source::query(std::string_view promql) {
  auto e = parse_promql(promql);
  if (!e) return e.err();
  auto v = evaluator(store_, opts_).instant(**e, core::to_unix_ms(clock_.now()));
  if (!v) return v.err();
  return single_value(*v, promql);
}

}  // namespace hayloft::prom
