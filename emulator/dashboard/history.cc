#include "emulator/dashboard/history.h"

#include <algorithm>
#include <exception>

namespace hayloft::dashboard {

void history::record(core::time_point at, const std::vector<deployment_point>& points) {
  std::lock_guard lock(series_mutex_);
  for (const auto& p : points) {
    auto& s = series_[{p.namespace_name, p.name}];
    sample v{at, p.queue_length, p.replicas};
    // Two sampling tasks may finish in either order: keep each series sorted by time.
    auto pos = std::upper_bound(s.begin(), s.end(), at,
                                [](core::time_point t, const sample& x) { return t < x.at; });
    s.insert(pos, v);
  }
  trim(at);
}

void history::trim(core::time_point newest) {
  for (const auto& [_, s] : series_)
    if (!s.empty() && s.back().at > newest) newest = s.back().at;
  auto cutoff = newest - window_;
  for (auto it = series_.begin(); it != series_.end();) {
    auto& s = it->second;
    while (!s.empty() && s.front().at < cutoff) s.pop_front();
    it = s.empty() ? series_.erase(it) : std::next(it);
  }
}

nlohmann::json history::to_json(core::time_point now) const {
  std::lock_guard lock(series_mutex_);
  auto cutoff = now - window_;
  nlohmann::json series = nlohmann::json::array();
  for (const auto& [key, s] : series_) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& v : s) {
      if (v.at < cutoff || v.at > now) continue;
      samples.push_back({core::to_unix_ms(v.at),
                         v.queue_length ? nlohmann::json(*v.queue_length) : nlohmann::json(),
                         v.replicas});
    }
    if (samples.empty()) continue;
    series.push_back(
        {{"namespace", key.first}, {"name", key.second}, {"samples", std::move(samples)}});
  }
  return {{"window_seconds", std::chrono::duration_cast<std::chrono::seconds>(window_).count()},
          {"series", std::move(series)}};
}

void history::clear() {
  std::lock_guard lock(series_mutex_);
  series_.clear();
}

struct history_sampler::state {
  state(core::clock& c, core::task_runner& r, core::duration i, source s, history& h)
      : clock(c), runner(r), interval(i), sample(std::move(s)), into(h) {}
  core::clock& clock;
  core::task_runner& runner;
  const core::duration interval;
  const source sample;
  history& into;

  std::mutex lifecycle_mutex;  // guards stopped, running and timer
  std::condition_variable idle;
  bool stopped = false;
  int running = 0;  // sampling tasks posted and not finished
  core::clock::timer_id timer = 0;
};

namespace {

// Schedules the next tick; the caller holds s->lifecycle_mutex.
void arm_locked(const std::shared_ptr<history_sampler::state>& s, core::time_point at);

void fire(const std::weak_ptr<history_sampler::state>& weak) {
  auto s = weak.lock();
  if (!s) return;
  // On the manual clock now() is this timer's deadline; on the others, the moment it fired.
  core::time_point now = s->clock.now();
  {
    std::lock_guard lock(s->lifecycle_mutex);
    if (s->stopped) return;
    ++s->running;
    arm_locked(s, now + s->interval);
  }
  auto work = [s, now] {
    bool stopped;
    {
      std::lock_guard lock(s->lifecycle_mutex);
      stopped = s->stopped;
    }
    if (!stopped) {
      try {
        s->into.record(now, s->sample());
      } catch (const std::exception&) {
        // A snapshot that cannot be taken leaves a gap in the chart; the next tick retries.
      }
    }
    std::lock_guard lock(s->lifecycle_mutex);
    --s->running;
    s->idle.notify_all();
  };
  // Sampling takes other modules' locks: never on a system or scaled clock's timer thread. The
  // manual clock runs timers inside advance(), whose caller waits anyway, and a sample must see
  // the state at its own instant of the advance, not the state after it: sample right here.
  if (s->clock.rate() == 0)
    work();
  else
    s->runner.post(std::move(work));
}

void arm_locked(const std::shared_ptr<history_sampler::state>& s, core::time_point at) {
  std::weak_ptr<history_sampler::state> weak = s;
  s->timer = s->clock.call_at(at, [weak] { fire(weak); });
}

}  // namespace

history_sampler::history_sampler(core::clock& clock, core::task_runner& runner,
                                 core::duration interval, source sample, history& into)
    : clock_(clock),
      interval_(interval),
      state_(std::make_shared<state>(clock, runner, interval, std::move(sample), into)) {}

history_sampler::~history_sampler() {
  std::unique_lock lock(state_->lifecycle_mutex);
  state_->stopped = true;
  if (state_->timer) clock_.cancel(state_->timer);
  state_->idle.wait(lock, [this] { return state_->running == 0; });
}

void history_sampler::start() {
  std::lock_guard lock(state_->lifecycle_mutex);
  if (!state_->stopped) arm_locked(state_, clock_.now());
}

}  // namespace hayloft::dashboard
