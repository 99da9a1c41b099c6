#include "emulator/prom/self_ingest.h"

namespace hayloft::prom {

registry_sampler::registry_sampler(core::metrics_registry& registry, series_store& store, core::clock& clock,
                                   core::task_runner* runner, core::duration interval, labels extra_labels)
    : registry_(registry), store_(store), clock_(clock), extra_(std::move(extra_labels)) {
  task_ = std::make_unique<repeating_task>(clock, runner, interval, [this] { sample_now(); });
}

void registry_sampler::sample_now() {
  std::lock_guard lock(sample_mutex_);
  const std::int64_t t = core::to_unix_ms(clock_.now());
  std::vector<series_store::sample_in> out;
  std::set<labels> seen;
  for (auto& s : registry_.collect()) {
    std::vector<labels::entry> pairs(s.labels.begin(), s.labels.end());
    pairs.emplace_back(std::string(metric_name_label), s.name);
    labels l(std::move(pairs));
    for (const auto& [name, value] : extra_)
      if (!l.has(name)) l.set(name, value);
    if (!seen.insert(l).second) continue;
    out.push_back({std::move(l), t, s.value});
  }
  for (const auto& l : last_)
    if (!seen.count(l)) out.push_back({l, t, stale_nan()});
  store_.append(out);
  last_ = std::move(seen);
}

}  // namespace hayloft::prom
