#pragma once
// The orchestrator's metrics_source for tests: the real series store and PromQL evaluator
// (emulator/prom), with samples written at the test clock's now.
#include <string>

#include "emulator/prom/metrics_source.h"
#include "emulator/prom/series_store.h"
#include "orchestrator/interfaces.h"
#include "tests/orchestrator/controller_fixture.h"

namespace hayloft::orchestrator::testing {

class series_metrics final : public metrics_source {
 public:
  explicit series_metrics(core::clock& clock) : clock_(clock), source_(store_, clock) {}
  result<std::vector<metric_sample>> query(std::string_view promql) override { return source_.query(promql); }
  // One sample of name{labels} at now (a series seen again later keeps its history).
  void set(const std::string& name, const label_set& labels, double v) {
    std::vector<prom::labels::entry> pairs{{"__name__", name}};
    for (const auto& [k, val] : labels) pairs.emplace_back(k, val);
    store_.append(prom::labels(std::move(pairs)), core::to_unix_ms(clock_.now()), v);
  }
  void set(const std::string& name, double v) { set(name, {}, v); }

 private:
  core::clock& clock_;
  prom::series_store store_;
  prom::store_metrics_source source_;
};

// The controller fixture with a series_metrics as its metrics source.
class OrchSeriesMetricsTest : public OrchControllerTest {
 protected:
  void SetUp() override {
    OrchControllerTest::SetUp();
    ctl_.reset();
    auto o = make_options();
    metrics_ = std::make_unique<series_metrics>(*clock_);
    o.metrics = metrics_.get();
    ctl_ = std::make_unique<controller>(*store_, *clock_, queues_, workloads_, o);
    ASSERT_TRUE(ctl_->start());
  }
  std::unique_ptr<series_metrics> metrics_;
};

}  // namespace hayloft::orchestrator::testing
