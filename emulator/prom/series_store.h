#pragma once
// The in-memory time-series store behind the Prometheus API: series identified by their label
// set (metric name included as __name__), each a time-ordered list of (unix ms, value) samples.
//
// Bounds: samples older than `window` before the newest sample appended to the store are
// dropped, series with no sample left are removed, and at most `max_series` series exist (a
// sample for a new series beyond that is rejected and counted). Out-of-order samples for a
// series are rejected and counted, as Prometheus' head block does (except a stale marker at the
// last sample's own timestamp, which replaces it).
//
// Staleness: a scraper that loses a series appends a stale marker (stale_nan(), the same NaN
// bit pattern Prometheus uses); selectors skip it as Prometheus does.
//
// Thread-safety: every method may be called from any thread; one shared mutex guards the
// series (appends exclusive, reads shared). select() copies what it returns.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "emulator/prom/labels.h"
#include "emulator/prom/regex.h"

namespace hayloft::prom {

struct point {
  std::int64_t t;  // unix milliseconds
  double v;
};

double stale_nan();
bool is_stale_nan(double v);

// One label matcher of a selector: name op "value".
struct matcher {
  enum class op { eq, neq, re, nre } kind = op::eq;
  std::string name;
  std::string value;
  std::shared_ptr<const regex> re;  // compiled for re / nre; shared by copies of a parsed query
  bool matches(std::string_view v) const;
};
// Builds a matcher, compiling the regex for =~ and !~.
result<matcher> make_matcher(std::string name, matcher::op kind, std::string value);

struct series_data {
  labels metric;
  std::vector<point> points;
};

struct store_options {
  std::chrono::milliseconds window = std::chrono::minutes(15);
  std::size_t max_series = 20000;
};

struct store_stats {
  std::size_t series = 0;
  std::size_t samples = 0;
  std::uint64_t rejected_out_of_order = 0;
  std::uint64_t rejected_series_limit = 0;
};

// What the PromQL evaluator reads. series_store implements it; tests may fake it.
class sample_source {
 public:
  virtual ~sample_source() = default;
  // Every series matching all matchers, with its samples in [min_t, max_t] (stale markers
  // included). Series with no sample in the span are omitted.
  virtual std::vector<series_data> select(const std::vector<matcher>& matchers, std::int64_t min_t,
                                          std::int64_t max_t) const = 0;
};

class series_store final : public sample_source {
 public:
  explicit series_store(store_options opts = {});

  // Appends one sample; false when rejected (out of order, series limit, invalid labels).
  bool append(const labels& metric, std::int64_t t, double v);
  struct sample_in {
    labels metric;
    std::int64_t t;
    double v;
  };
  // Appends many samples under one lock; returns how many were accepted.
  std::size_t append(const std::vector<sample_in>& samples);

  std::vector<series_data> select(const std::vector<matcher>& matchers, std::int64_t min_t,
                                  std::int64_t max_t) const override;
  // Label sets of the series matching any of the selectors (each a list of matchers) with a
  // sample in [min_t, max_t]; an empty selector list means every series.
  std::vector<labels> series(const std::vector<std::vector<matcher>>& selectors, std::int64_t min_t,
                             std::int64_t max_t) const;

  store_stats stats() const;
  const store_options& options() const { return opts_; }
  // Drops every series (admin reset).
  void clear();

 private:
  struct stored_series {
    labels metric;
    std::deque<point> points;
  };
  bool append_locked(const labels& metric, std::int64_t t, double v);
  void trim_locked();
  bool matches(const stored_series& s, const std::vector<matcher>& matchers) const;
  template <class F>
  void for_candidates(const std::vector<matcher>& matchers, F&& f) const;

  const store_options opts_;
  mutable std::shared_mutex series_mutex_;  // guards everything below
  // metric name -> series key -> series
  std::map<std::string, std::map<std::string, stored_series>, std::less<>> by_name_;
  std::size_t series_count_ = 0;
  std::int64_t newest_t_ = INT64_MIN;
  std::int64_t last_trim_t_ = INT64_MIN;
  std::uint64_t rejected_out_of_order_ = 0;
  std::uint64_t rejected_series_limit_ = 0;
};

}  // namespace hayloft::prom
