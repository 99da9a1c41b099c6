#pragma once
// Process metrics in Prometheus' data model, rendered in the text exposition format (0.0.4)
// for GET /metrics. Counters, gauges and histograms are created once (lookups take a mutex) and
// then updated lock-free; collectors add series computed at scrape time (queue depths,
// replica counts).
//
// Thread-safety: every method may be called from any thread. References returned by
// counter()/gauge()/histogram() stay valid for the registry's lifetime.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hayloft::core {

using label_set = std::vector<std::pair<std::string, std::string>>;

class counter_metric {
 public:
  void inc(double v = 1) { add(value_, v); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  friend class metrics_registry;
  static void add(std::atomic<double>& a, double v) {
    double cur = a.load(std::memory_order_relaxed);
    while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
    }
  }
  std::atomic<double> value_{0};
};

class gauge_metric {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1) {
    double cur = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
    }
  }
  void dec(double v = 1) { inc(-v); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class histogram_metric {
 public:
  explicit histogram_metric(std::vector<double> bounds);
  void observe(double v);
  // Cumulative bucket counts (one per bound, then +Inf), sum and count, read consistently enough
  // for scraping (each value is atomic; a scrape may straddle an observation).
  struct snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;
    double sum;
    std::uint64_t count;
  };
  snapshot read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

// A sample produced by a collector at scrape time.
struct sample {
  std::string name;
  label_set labels;
  double value;
};

class metrics_registry {
 public:
  counter_metric& counter(const std::string& name, const std::string& help, label_set labels = {});
  gauge_metric& gauge(const std::string& name, const std::string& help, label_set labels = {});
  histogram_metric& histogram(const std::string& name, const std::string& help, label_set labels = {},
                              std::vector<double> bounds = default_latency_bounds());
  // Declares a family whose samples a collector produces at scrape time.
  void describe(const std::string& name, const std::string& type, const std::string& help);
  void add_collector(std::function<void(std::vector<sample>&)> fn);

  // Prometheus text exposition format.
  std::string render() const;
  // Every current sample (histograms expanded to _bucket/_sum/_count), for in-process queries.
  std::vector<sample> collect() const;

  static std::vector<double> default_latency_bounds();

 private:
  struct family {
    std::string type, help;
    std::map<std::string, std::pair<label_set, std::unique_ptr<counter_metric>>> counters;
    std::map<std::string, std::pair<label_set, std::unique_ptr<gauge_metric>>> gauges;
    std::map<std::string, std::pair<label_set, std::unique_ptr<histogram_metric>>> histograms;
  };
  family& get_family(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex families_mutex_;  // guards families_ and collectors_
  std::map<std::string, family> families_;
  std::vector<std::function<void(std::vector<sample>&)>> collectors_;
};

// Escapes a label value for the exposition format.
std::string escape_label_value(const std::string& v);
std::string format_labels(const label_set& labels);

}  // namespace hayloft::core
