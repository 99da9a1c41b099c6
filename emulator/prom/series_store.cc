#include "emulator/prom/series_store.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <mutex>

namespace hayloft::prom {

double stale_nan() { return std::bit_cast<double>(std::uint64_t{0x7ff0000000000002ull}); }
bool is_stale_nan(double v) { return std::bit_cast<std::uint64_t>(v) == 0x7ff0000000000002ull; }

bool matcher::matches(std::string_view v) const {
  switch (kind) {
    case op::eq: return v == value;
    case op::neq: return v != value;
    case op::re: return re->full_match(v);
    case op::nre: return !re->full_match(v);
  }
  return false;
}

result<matcher> make_matcher(std::string name, matcher::op kind, std::string value) {
  matcher m;
  m.name = std::move(name);
  m.kind = kind;
  m.value = std::move(value);
  if (kind == matcher::op::re || kind == matcher::op::nre) {
    auto re = regex::compile(m.value);
    if (!re) return re.err();
    m.re = std::make_shared<const regex>(std::move(*re));
  }
  return m;
}

series_store::series_store(store_options opts) : opts_(opts) {}

bool series_store::append(const labels& metric, std::int64_t t, double v) {
  std::unique_lock lock(series_mutex_);
  bool ok = append_locked(metric, t, v);
  trim_locked();
  return ok;
}

std::size_t series_store::append(const std::vector<sample_in>& samples) {
  std::unique_lock lock(series_mutex_);
  std::size_t n = 0;
  for (const auto& s : samples) n += append_locked(s.metric, s.t, s.v);
  trim_locked();
  return n;
}

bool series_store::append_locked(const labels& metric, std::int64_t t, double v) {
  auto name = metric.name();
  if (name.empty()) return false;
  auto by = by_name_.find(name);
  if (by == by_name_.end()) by = by_name_.emplace(std::string(name), std::map<std::string, stored_series>{}).first;
  std::string key = metric.key();
  auto it = by->second.find(key);
  if (it == by->second.end()) {
    if (series_count_ >= opts_.max_series) {
      ++rejected_series_limit_;
      if (by->second.empty()) by_name_.erase(by);
      return false;
    }
    it = by->second.emplace(std::move(key), stored_series{metric, {}}).first;
    ++series_count_;
  }
  auto& pts = it->second.points;
  if (!pts.empty() && t <= pts.back().t) {
    // A duplicate of the last sample is accepted silently, as Prometheus does.
    if (t == pts.back().t && std::bit_cast<std::uint64_t>(v) == std::bit_cast<std::uint64_t>(pts.back().v)) return true;
    // A stale marker at the instant of the last sample ends the series at that instant (a
    // target replaced in the same millisecond it was scraped).
    if (t == pts.back().t && is_stale_nan(v)) {
      pts.back().v = v;
      return true;
    }
    ++rejected_out_of_order_;
    return false;
  }
  pts.push_back({t, v});
  newest_t_ = std::max(newest_t_, t);
  return true;
}

void series_store::trim_locked() {
  // Trimming walks every series: do it at most once per 1/16 of the window.
  const std::int64_t window = opts_.window.count();
  if (newest_t_ == INT64_MIN || (last_trim_t_ != INT64_MIN && newest_t_ - last_trim_t_ < window / 16)) return;
  last_trim_t_ = newest_t_;
  const std::int64_t cutoff = newest_t_ - window;
  for (auto by = by_name_.begin(); by != by_name_.end();) {
    for (auto it = by->second.begin(); it != by->second.end();) {
      auto& pts = it->second.points;
      while (!pts.empty() && pts.front().t < cutoff) pts.pop_front();
      if (pts.empty()) {
        it = by->second.erase(it);
        --series_count_;
      } else {
        ++it;
      }
    }
    by = by->second.empty() ? by_name_.erase(by) : std::next(by);
  }
}

bool series_store::matches(const stored_series& s, const std::vector<matcher>& matchers) const {
  for (const auto& m : matchers)
    if (!m.matches(s.metric.get(m.name))) return false;
  return true;
}

template <class F>
void series_store::for_candidates(const std::vector<matcher>& matchers, F&& f) const {
  for (const auto& m : matchers) {
    if (m.name == metric_name_label && m.kind == matcher::op::eq) {
      auto by = by_name_.find(m.value);
      if (by == by_name_.end()) return;
      for (const auto& [k, s] : by->second)
        if (matches(s, matchers)) f(s);
      return;
    }
  }
  for (const auto& [name, group] : by_name_)
    for (const auto& [k, s] : group)
      if (matches(s, matchers)) f(s);
}

std::vector<series_data> series_store::select(const std::vector<matcher>& matchers, std::int64_t min_t,
                                              std::int64_t max_t) const {
  std::shared_lock lock(series_mutex_);
  std::vector<series_data> out;
  for_candidates(matchers, [&](const stored_series& s) {
    auto lo = std::lower_bound(s.points.begin(), s.points.end(), min_t,
                               [](const point& p, std::int64_t t) { return p.t < t; });
    auto hi = std::upper_bound(lo, s.points.end(), max_t, [](std::int64_t t, const point& p) { return t < p.t; });
    if (lo == hi) return;
    out.push_back({s.metric, std::vector<point>(lo, hi)});
  });
  return out;
}

std::vector<labels> series_store::series(const std::vector<std::vector<matcher>>& selectors, std::int64_t min_t,
                                         std::int64_t max_t) const {
  std::shared_lock lock(series_mutex_);
  std::map<std::string, labels> found;
  auto visit = [&](const stored_series& s) {
    auto lo = std::lower_bound(s.points.begin(), s.points.end(), min_t,
                               [](const point& p, std::int64_t t) { return p.t < t; });
    if (lo == s.points.end() || lo->t > max_t) return;
    found.emplace(s.metric.key(), s.metric);
  };
  if (selectors.empty()) for_candidates({}, visit);
  for (const auto& sel : selectors) for_candidates(sel, visit);
  std::vector<labels> out;
  out.reserve(found.size());
  for (auto& [k, l] : found) out.push_back(std::move(l));
  std::sort(out.begin(), out.end());
  return out;
}

store_stats series_store::stats() const {
  std::shared_lock lock(series_mutex_);
  store_stats st;
  st.series = series_count_;
  for (const auto& [name, group] : by_name_)
    for (const auto& [k, s] : group) st.samples += s.points.size();
  st.rejected_out_of_order = rejected_out_of_order_;
  st.rejected_series_limit = rejected_series_limit_;
  return st;
}

void series_store::clear() {
  std::unique_lock lock(series_mutex_);
  by_name_.clear();
  series_count_ = 0;
  newest_t_ = INT64_MIN;
  last_trim_t_ = INT64_MIN;
}

}  // namespace hayloft::prom
