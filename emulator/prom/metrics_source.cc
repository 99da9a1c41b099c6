#include "emulator/prom/metrics_source.h"

#include "emulator/prom/errc.h"
#include "emulator/prom/promql_parser.h"

namespace hayloft::prom {

store_metrics_source::store_metrics_source(const series_store& store, core::clock& clock, eval_options opts)
    : store_(store), clock_(clock), opts_(opts) {}

result<std::vector<orchestrator::metric_sample>> store_metrics_source::query(std::string_view promql) {
  auto e = parse_promql(promql);
  if (!e) return e.err();
  auto v = evaluator(store_, opts_).instant(**e, core::to_unix_ms(clock_.now()));
  if (!v) return v.err();
  std::vector<orchestrator::metric_sample> out;
  if (v->type == value_type::scalar) {
    out.push_back({{}, v->scalar});
  } else if (v->type == value_type::vector) {
    out.reserve(v->vector.size());
    for (const auto& s : v->vector) {
      orchestrator::metric_sample m;
      for (const auto& [k, val] : s.metric) m.labels.emplace(k, val);
      m.value = s.v;
      out.push_back(std::move(m));
    }
  } else {
    return error{make_error_code(errc::bad_data),
                 "query " + std::string(promql) + " must return a scalar or an instant vector, not a " +
                     std::string(value_type_name(v->type))};
  }
  return out;
}

}  // namespace hayloft::prom
