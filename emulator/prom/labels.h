#pragma once
// A series' identity: label name/value pairs sorted by name, the metric name stored as the
// label "__name__" (Prometheus' data model). Plain values; no synchronisation needed.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hayloft::prom {

inline constexpr std::string_view metric_name_label = "__name__";

class labels {
 public:
  using entry = std::pair<std::string, std::string>;
  labels() = default;
  // Sorts by name; a later duplicate name replaces an earlier one; empty values are dropped
  // (in Prometheus an empty label value is the same as no label).
  explicit labels(std::vector<entry> pairs);
  labels(std::initializer_list<entry> pairs) : labels(std::vector<entry>(pairs)) {}

  // The value of `name`, empty when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  std::string_view name() const { return get(metric_name_label); }
  // Sets (or removes, for an empty value) one label, keeping the order.
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  labels without_name() const;
  // Keeps only the given names (`on`/`by`), or drops them (`ignoring`/`without`).
  labels keep(const std::vector<std::string>& names) const;
  labels drop(const std::vector<std::string>& names) const;

  const std::vector<entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

  // An unambiguous byte string for hashing and map keys.
  std::string key() const;
  // Prometheus' display form: name{a="x", b="y"}.
  std::string to_string() const;

  friend bool operator==(const labels& a, const labels& b) { return a.entries_ == b.entries_; }
  friend bool operator<(const labels& a, const labels& b) { return a.entries_ < b.entries_; }

 private:
  std::vector<entry> entries_;
};

// True for [a-zA-Z_][a-zA-Z0-9_]* (label names) and, with colons allowed, metric names.
bool valid_label_name(std::string_view s);
bool valid_metric_name(std::string_view s);

}  // namespace hayloft::prom
