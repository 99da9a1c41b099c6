#include "emulator/prom/labels.h"

#include <algorithm>

namespace hayloft::prom {

labels::labels(std::vector<entry> pairs) {
  std::stable_sort(pairs.begin(), pairs.end(), [](const entry& a, const entry& b) { return a.first < b.first; });
  for (auto& p : pairs) {
    if (!entries_.empty() && entries_.back().first == p.first) entries_.pop_back();
    if (!p.second.empty()) entries_.push_back(std::move(p));
  }
}

std::string_view labels::get(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const entry& e, std::string_view n) { return e.first < n; });
  if (it != entries_.end() && it->first == name) return it->second;
  return {};
}

bool labels::has(std::string_view name) const { return !get(name).empty(); }

void labels::set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const entry& e, std::string_view n) { return e.first < n; });
  bool found = it != entries_.end() && it->first == name;
  if (value.empty()) {
    if (found) entries_.erase(it);
    return;
  }
  if (found) it->second = std::string(value);
  else entries_.insert(it, {std::string(name), std::string(value)});
}

void labels::erase(std::string_view name) { set(name, {}); }

labels labels::without_name() const {
  labels out = *this;
  out.erase(metric_name_label);
  return out;
}

labels labels::keep(const std::vector<std::string>& names) const {
  labels out;
  for (const auto& e : entries_)
    if (std::find(names.begin(), names.end(), e.first) != names.end()) out.entries_.push_back(e);
  return out;
}

labels labels::drop(const std::vector<std::string>& names) const {
  labels out;
  for (const auto& e : entries_)
    if (std::find(names.begin(), names.end(), e.first) == names.end()) out.entries_.push_back(e);
  return out;
}

std::string labels::key() const {
  std::string k;
  for (const auto& [n, v] : entries_) {
    k += n;
    k.push_back('\xff');
    k += v;
    k.push_back('\xfe');
  }
  return k;
}

std::string labels::to_string() const {
  std::string out(name());
  out.push_back('{');
  bool first = true;
  for (const auto& [n, v] : entries_) {
    if (n == metric_name_label) continue;
    if (!first) out += ", ";
    first = false;
    out += n;
    out += "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

namespace {
bool name_chars(std::string_view s, bool colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}
}  // namespace

bool valid_label_name(std::string_view s) { return name_chars(s, false); }
bool valid_metric_name(std::string_view s) { return name_chars(s, true); }

}  // namespace hayloft::prom
