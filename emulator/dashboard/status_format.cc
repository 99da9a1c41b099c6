#include "emulator/dashboard/status_format.h"

#include <algorithm>
#include <cstdio>

#include "emulator/core/clock.h"

namespace hayloft::dashboard {
namespace {

using json = nlohmann::json;

std::string text(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return it->dump();
}

std::int64_t number(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

const json& list(const json& overview, const char* key) {
  static const json empty = json::array();
  if (!overview.is_object()) return empty;
  auto it = overview.find(key);
  return it != overview.end() && it->is_array() ? *it : empty;
}

void section(std::string& out, const char* title, std::vector<std::vector<std::string>> rows,
             const char* none) {
  if (!out.empty()) out += "\n";
  out += title;
  out += "\n";
  if (rows.size() <= 1) {
    out += none;
    out += "\n";
    return;
  }
  out += format_table(rows);
}

std::string scaler_text(const json& scaler) {
  if (!scaler.is_object()) return "<none>";
  std::string s = text(scaler, "name");
  std::string type = text(scaler, "type");
  if (!type.empty())
    s += " (" + type + (text(scaler, "queue").empty() ? "" : " " + text(scaler, "queue")) + ")";
  return s;
}

}  // namespace

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line.append(widths[i] - r[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string human_duration(std::int64_t s) {
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  auto fmt = [](std::int64_t a, const char* ua, std::int64_t b, const char* ub) {
    return std::to_string(a) + ua + (b ? std::to_string(b) + ub : std::string());
  };
  if (s < 120) return std::to_string(s) + "s";
  std::int64_t m = s / 60;
  if (m < 10) return fmt(m, "m", s % 60, "s");
  if (m < 180) return std::to_string(m) + "m";
  std::int64_t h = s / 3600;
  if (h < 8) return fmt(h, "h", m % 60, "m");
  if (h < 48) return std::to_string(h) + "h";
  if (h < 24 * 8) return fmt(h / 24, "d", h % 24, "h");
  if (h < 24 * 365 * 2) return std::to_string(h / 24) + "d";
  if (h < 24 * 365 * 8) return fmt(h / 24 / 365, "y", (h / 24) % 365, "d");
  return std::to_string(h / 24 / 365) + "y";
}

std::string human_bytes(std::int64_t bytes) {
  if (bytes < 1024) return std::to_string(std::max<std::int64_t>(bytes, 0)) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  v /= 1024;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

std::string format_status(const nlohmann::json& overview, const status_options& o) {
  core::time_point now{};
  bool have_now = core::parse_iso8601(text(overview, "now"), now);
  auto age = [&](const std::string& iso) {
    core::time_point t;
    if (!have_now || !core::parse_iso8601(iso, t)) return std::string("<unknown>");
    return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - t).count());
  };

  std::string out;
  std::vector<std::vector<std::string>> rows{{"NAME", "OBJECTS", "SIZE", "REGION", "AGE"}};
  for (const auto& b : list(overview, "buckets"))
    rows.push_back({text(b, "name"), text(b, "objects"), human_bytes(number(b, "bytes")),
                    text(b, "region"), age(text(b, "created"))});
  section(out, "BUCKETS", std::move(rows), "No buckets.");

  rows = {{"NAME", "VISIBLE", "IN FLIGHT", "DELAYED"}};
  for (const auto& q : list(overview, "queues"))
    rows.push_back({text(q, "name"), text(q, "visible"), text(q, "in_flight"), text(q, "delayed")});
  section(out, "QUEUES", std::move(rows), "No queues.");

  rows = {
      {"NAMESPACE", "NAME", "READY", "DESIRED", "CURRENT", "SCALER", "QUEUE/TARGET", "MIN/MAX"}};
  for (const auto& d : list(overview, "deployments")) {
    const auto& scaler = d.contains("scaler") ? d["scaler"] : json();
    std::string length = "-";
    if (scaler.is_object() && !text(scaler, "target").empty()) {
      std::string current = text(scaler, "queue_length");
      length = (current.empty() ? "<unknown>" : current) + "/" + text(scaler, "target");
    }
    rows.push_back({text(d, "namespace"), text(d, "name"),
                    text(d, "ready") + "/" + text(d, "desired"), text(d, "desired"),
                    text(d, "current"), scaler_text(scaler), length,
                    scaler.is_object() ? text(scaler, "min") + "/" + text(scaler, "max") : "-"});
  }
  section(out, "DEPLOYMENTS", std::move(rows), "No deployments.");

  rows = {{"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"}};
  for (const auto& p : list(overview, "pods"))
    rows.push_back({text(p, "namespace"), text(p, "name"), text(p, "ready"), text(p, "status"),
                    text(p, "restarts"), human_duration(number(p, "age_seconds"))});
  section(out, "PODS", std::move(rows), "No pods.");

  const auto& events = list(overview, "events");
  rows = {{"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}};
  std::size_t first = events.size() > o.max_events ? events.size() - o.max_events : 0;
  for (std::size_t i = first; i < events.size(); ++i) {
    const auto& e = events[i];
    rows.push_back({age(text(e, "time")), text(e, "type"), text(e, "reason"), text(e, "object"),
                    text(e, "message")});
  }
  section(out, "EVENTS", std::move(rows), "No events.");
  return out;
}

}  // namespace hayloft::dashboard
