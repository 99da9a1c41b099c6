#pragma once
// Samples hayloft's own core::metrics_registry into the series store every `interval` of clock
// time (collect(): counters, gauges, histograms as _bucket/_sum/_count, collector series), with
// `extra_labels` added (default job="hayloft"); series that vanish between samples get a stale
// marker. So /api/v1/query sees hayloft's metrics as a
// Prometheus scraping /metrics would.
//
// Threading: the sampling job runs on the runner when given, else on the clock's timer thread.
// The registry, store, clock and runner must outlive the sampler; the destructor waits for a
// sample in progress.
#include <memory>
#include <mutex>
#include <set>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/metrics.h"
#include "emulator/prom/repeating_task.h"
#include "emulator/prom/series_store.h"

namespace hayloft::prom {

class registry_sampler {
 public:
  registry_sampler(core::metrics_registry& registry, series_store& store, core::clock& clock,
                   core::task_runner* runner, core::duration interval = std::chrono::seconds(15),
                   labels extra_labels = labels({{"job", "hayloft"}}));

  // One sample now, on the calling thread.
  void sample_now();

 private:
  core::metrics_registry& registry_;
  series_store& store_;
  core::clock& clock_;
  labels extra_;
  std::mutex sample_mutex_;  // guards last_; one sample at a time
  std::set<labels> last_;    // the previous sample's series, to mark vanished ones stale
  std::unique_ptr<repeating_task> task_;  // last: stopped before the members it uses go
};

}  // namespace hayloft::prom
