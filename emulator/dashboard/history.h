#pragma once
// The dashboard's history ring: per deployment, samples of [time, queue length, replicas] over
// the last `window` of clock time, so the page can chart queue length against replicas.
//
// history is a plain container guarded by its own mutex (any thread may record or read).
// history_sampler drives it from the core::clock: every `interval` a clock timer fires, captures
// the clock's time and posts the (possibly slow) sampling to a task_runner, so --time-scale and
// --clock manual move the chart exactly as they move the autoscaler. On the manual clock
// (rate() == 0) the sample is taken inside the timer instead, i.e. on the thread calling
// advance(), so each sample shows the state at its instant of the advance. Samples recorded out
// of order (two pool threads racing) are put back in time order.
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"

namespace hayloft::dashboard {

// One deployment's state at a sampling instant.
struct deployment_point {
  std::string namespace_name;
  std::string name;
  std::optional<std::int64_t> queue_length;  // none when no queue-driven scaler targets it
  std::int64_t replicas = 0;
};

class history {
 public:
  explicit history(core::duration window) : window_(window) {}

  // Records one sampling instant. Deployments absent from `points` keep their older samples
  // until those age out of the window; a series with no sample left is dropped.
  void record(core::time_point at, const std::vector<deployment_point>& points);
  // {"window_seconds", "series": [{"namespace", "name", "samples": [[unix_ms, queue|null,
  // replicas], ...]}]}, series sorted by namespace and name, samples oldest first. Samples older
  // than now - window are left out.
  nlohmann::json to_json(core::time_point now) const;
  void clear();

 private:
  struct sample {
    core::time_point at;
    std::optional<std::int64_t> queue_length;
    std::int64_t replicas;
  };
  void trim(core::time_point newest);

  const core::duration window_;
  mutable std::mutex series_mutex_;  // guards series_
  std::map<std::pair<std::string, std::string>, std::deque<sample>> series_;
};

class history_sampler {
 public:
  using source = std::function<std::vector<deployment_point>()>;
  // `sample` runs on `runner` (manual clock: on the advancing thread). clock, runner and
  // whatever `sample` uses must outlive the sampler.
  history_sampler(core::clock& clock, core::task_runner& runner, core::duration interval,
                  source sample, history& into);
  // Cancels the timer and waits for a sampling task already running.
  ~history_sampler();
  history_sampler(const history_sampler&) = delete;
  history_sampler& operator=(const history_sampler&) = delete;

  // Takes a first sample now and then one every interval.
  void start();
  core::duration interval() const { return interval_; }

  struct state;

 private:
  core::clock& clock_;
  core::duration interval_;
  std::shared_ptr<state> state_;
};

}  // namespace hayloft::dashboard
