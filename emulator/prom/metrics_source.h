#pragma once
// orchestrator::metrics_source over the series store: an instant query of the PromQL subset at
// the clock's now, its elements returned as they are (a scalar as one unlabelled element). The
// callers apply their own rules to the elements (the KEDA prometheus scaler's empty / multiple /
// ±Inf checks live with the trigger in orchestrator/scaling/triggers.h; the HPA sums an
// external metric's elements).
//
// Threading: any thread; evaluation takes the store's shared lock.
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/prom/promql_eval.h"
#include "emulator/prom/series_store.h"
#include "orchestrator/interfaces.h"

namespace hayloft::prom {

class store_metrics_source final : public orchestrator::metrics_source {
 public:
  store_metrics_source(const series_store& store, core::clock& clock, eval_options opts = {});
  result<std::vector<orchestrator::metric_sample>> query(std::string_view promql) override;

 private:
  const series_store& store_;
  core::clock& clock_;
  eval_options opts_;
};

}  // namespace hayloft::prom
