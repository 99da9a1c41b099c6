#pragma once
// orchestrator::metrics_source over the series store, for the KEDA `prometheus` trigger and
// HPA External/Pods metrics: the value of a query at the clock's now, with the KEDA prometheus
// scaler's rules (pkg/scalers/prometheus_scaler.go): an empty result is an error (the trigger
// applies ignoreNullValues), more than one element is an error, ±Inf is an error.
//
// value(name, labels) evaluates the selector name{l1="v1",...}; query() takes any PromQL of the
// subset, for callers that pass the trigger's query through unchanged.
//
// Threading: any thread; evaluation takes the store's shared lock.
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/prom/promql_eval.h"
#include "emulator/prom/series_store.h"
#include "orchestrator/interfaces.h"

namespace hayloft::prom {

class store_metrics_source final : public orchestrator::metrics_source {
 public:
  store_metrics_source(const series_store& store, core::clock& clock, eval_options opts = {});
  result<double> value(std::string_view name, const orchestrator::label_set& labels) override;
  result<double> query(std::string_view promql);

 private:
  const series_store& store_;
  core::clock& clock_;
  eval_options opts_;
};

}  // namespace hayloft::prom
