#include "emulator/core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace hayloft::core {
namespace {
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::ostringstream o;
    o << static_cast<long long>(v);
    return o.str();
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that round-trips
  return std::string(buf, res.ptr);
}

std::string key_of(const label_set& labels) {
  std::string k;
  for (const auto& [n, v] : labels) k += n + '\x01' + v + '\x02';
  return k;
}

label_set sorted(label_set l) {
  std::sort(l.begin(), l.end());
  return l;
}
}  // namespace

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_labels(const label_set& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"" + escape_label_value(labels[i].second) + "\"";
  }
  return out + "}";
}

histogram_metric::histogram_metric(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void histogram_metric::observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  double cur = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

histogram_metric::snapshot histogram_metric::read() const {
  snapshot s{bounds_, {}, sum_.load(), 0};
  std::uint64_t acc = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(acc);
  }
  s.count = acc;
  return s;
}

std::vector<double> metrics_registry::default_latency_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

metrics_registry::family& metrics_registry::get_family(const std::string& name, const std::string& type,
                                                      const std::string& help) {
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  }
  return f;
}

counter_metric& metrics_registry::counter(const std::string& name, const std::string& help, label_set labels) {
  std::lock_guard lock(families_mutex_);
  auto& f = get_family(name, "counter", help);
  labels = sorted(std::move(labels));
  auto& slot = f.counters[key_of(labels)];
  if (!slot.second) slot = {labels, std::make_unique<counter_metric>()};
  return *slot.second;
}

gauge_metric& metrics_registry::gauge(const std::string& name, const std::string& help, label_set labels) {
  std::lock_guard lock(families_mutex_);
  auto& f = get_family(name, "gauge", help);
  labels = sorted(std::move(labels));
  auto& slot = f.gauges[key_of(labels)];
  if (!slot.second) slot = {labels, std::make_unique<gauge_metric>()};
  return *slot.second;
}

histogram_metric& metrics_registry::histogram(const std::string& name, const std::string& help, label_set labels,
                                              std::vector<double> bounds) {
  std::lock_guard lock(families_mutex_);
  auto& f = get_family(name, "histogram", help);
  labels = sorted(std::move(labels));
  auto& slot = f.histograms[key_of(labels)];
  if (!slot.second) slot = {labels, std::make_unique<histogram_metric>(std::move(bounds))};
  return *slot.second;
}

void metrics_registry::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(families_mutex_);
  get_family(name, type, help);
}

void metrics_registry::add_collector(std::function<void(std::vector<sample>&)> fn) {
  std::lock_guard lock(families_mutex_);
  collectors_.push_back(std::move(fn));
}

std::vector<sample> metrics_registry::collect() const {
  std::vector<sample> out;
  std::vector<std::function<void(std::vector<sample>&)>> collectors;
  {
    std::lock_guard lock(families_mutex_);
    for (const auto& [name, f] : families_) {
      for (const auto& [k, s] : f.counters) out.push_back({name, s.first, s.second->value()});
      for (const auto& [k, s] : f.gauges) out.push_back({name, s.first, s.second->value()});
      for (const auto& [k, s] : f.histograms) {
        auto snap = s.second->read();
        for (std::size_t i = 0; i <= snap.bounds.size(); ++i) {
          auto labels = s.first;
          labels.emplace_back("le", i < snap.bounds.size() ? format_value(snap.bounds[i]) : "+Inf");
          out.push_back({name + "_bucket", labels, static_cast<double>(snap.cumulative[i])});
        }
        out.push_back({name + "_sum", s.first, snap.sum});
        out.push_back({name + "_count", s.first, static_cast<double>(snap.count)});
      }
    }
    collectors = collectors_;
  }
  // Collectors run without the registry lock: they may take their own module's locks.
  for (const auto& c : collectors) c(out);
  return out;
}

std::string metrics_registry::render() const {
  auto samples = collect();
  std::map<std::string, std::pair<std::string, std::string>> meta;
  {
    std::lock_guard lock(families_mutex_);
    for (const auto& [name, f] : families_) meta[name] = {f.type, f.help};
  }
  // Group samples by family (histogram suffixes belong to their base name).
  auto family_of = [&](const std::string& n) {
    if (meta.count(n)) return n;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0) {
        auto base = n.substr(0, n.size() - s.size());
        if (meta.count(base)) return base;
      }
    }
    return n;
  };
  std::map<std::string, std::vector<const sample*>> grouped;
  for (const auto& s : samples) grouped[family_of(s.name)].push_back(&s);
  std::string out;
  for (const auto& [fam, list] : grouped) {
    if (auto it = meta.find(fam); it != meta.end()) {
      out += "# HELP " + fam + " " + it->second.second + "\n";
      out += "# TYPE " + fam + " " + it->second.first + "\n";
    }
    for (const auto* s : list) out += s->name + format_labels(s->labels) + " " + format_value(s->value) + "\n";
  }
  return out;
}

}  // namespace hayloft::core
