#include "emulator/http/load/report.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace hayloft::http::load {
namespace {
constexpr double locust_percentiles[] = {50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100};

std::string fmt(const char* f, auto... args) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, f, args...);
  return std::string(buf, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

double ms(std::uint64_t micros) { return static_cast<double>(micros) / 1000.0; }
double ms(double micros) { return micros / 1000.0; }

// Milliseconds with at most three decimals and no trailing zeros.
std::string ms_text(double v) {
  std::string s = fmt("%.3f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

double per_second(std::uint64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; }

std::string stats_csv_row(const endpoint_stats& e, double elapsed) {
  const auto& h = e.latency;
  std::string row = csv_field(e.method) + "," + csv_field(e.name) + "," + std::to_string(e.requests) + "," +
                    std::to_string(e.failures) + "," + ms_text(ms(h.percentile(50))) + "," + ms_text(ms(h.mean())) + "," +
                    ms_text(ms(h.min())) + "," + ms_text(ms(h.max())) + "," +
                    ms_text(e.requests ? static_cast<double>(e.bytes) / static_cast<double>(e.requests) : 0.0) + "," +
                    fmt("%.3f", per_second(e.requests, elapsed)) + "," + fmt("%.3f", per_second(e.failures, elapsed));
  for (double p : locust_percentiles) row += "," + ms_text(ms(h.percentile(p)));
  return row + "\n";
}

std::string table_row(std::string_view type, std::string_view name, const endpoint_stats& e, double elapsed) {
  const auto& h = e.latency;
  double fail_pct = e.requests ? 100.0 * static_cast<double>(e.failures) / static_cast<double>(e.requests) : 0.0;
  return fmt("%-8.8s %-36.36s %10llu %8llu(%5.2f%%) %10.1f %9.2f %9.2f %9.2f %9.2f\n", std::string(type).c_str(),
             std::string(name).c_str(), static_cast<unsigned long long>(e.requests),
             static_cast<unsigned long long>(e.failures), fail_pct, per_second(e.requests, elapsed),
             ms(h.percentile(50)), ms(h.percentile(90)), ms(h.percentile(99)), ms(h.max()));
}
}  // namespace

endpoint_stats interval(const endpoint_stats& now, const endpoint_stats& previous) {
  endpoint_stats d = now;
  d.requests -= std::min(d.requests, previous.requests);
  d.failures -= std::min(d.failures, previous.failures);
  d.bytes -= std::min(d.bytes, previous.bytes);
  d.latency -= previous.latency;
  return d;
}

std::string status_line(const snapshot& now, const snapshot& previous, unsigned target_users) {
  auto total = now.total();
  auto d = interval(total, previous.total());
  double dt = now.elapsed - previous.elapsed;
  double fail_pct = total.requests ? 100.0 * static_cast<double>(total.failures) / static_cast<double>(total.requests) : 0.0;
  return fmt("%6.0fs | users %u/%u | %9.1f req/s | fail %5.2f%% | p50 %7.2f ms | p99 %7.2f ms | %llu reqs", now.elapsed,
             now.users, target_users, per_second(d.requests, dt), fail_pct, ms(d.latency.percentile(50)),
             ms(d.latency.percentile(99)), static_cast<unsigned long long>(total.requests));
}

std::string format_table(const snapshot& s) {
  std::string out = fmt("%-8s %-36s %10s %16s %10s %9s %9s %9s %9s\n", "Type", "Name", "# reqs", "# fails", "req/s",
                        "p50 ms", "p90 ms", "p99 ms", "max ms");
  std::string rule(out.size() - 1, '-');
  out += rule + "\n";
  for (const auto& e : s.endpoints) out += table_row(e.method, e.name, e, s.elapsed);
  out += rule + "\n";
  out += table_row("", "Aggregated", s.total(), s.elapsed);
  if (!s.errors.empty()) {
    out += "\nErrors:\n";
    out += fmt("%10s  %s\n", "# occur.", "request: error");
    for (const auto& [what, n] : s.errors) out += fmt("%10llu  %s\n", static_cast<unsigned long long>(n), what.c_str());
  }
  return out;
}

std::string stats_csv(const snapshot& s) {
  std::string out =
      "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
      "Max Response Time,Average Content Size,Requests/s,Failures/s";
  for (const char* p : {"50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"}) out += std::string(",") + p;
  out += "\n";
  for (const auto& e : s.endpoints) out += stats_csv_row(e, s.elapsed);
  out += stats_csv_row(s.total(), s.elapsed);
  return out;
}

std::string stats_history_header() {
  std::string out = "Timestamp,User Count,Type,Name,Requests/s,Failures/s";
  for (const char* p : {"50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"}) out += std::string(",") + p;
  return out +
         ",Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,"
         "Total Min Response Time,Total Max Response Time,Total Average Content Size\n";
}

std::string stats_history_rows(const snapshot& now, const snapshot& previous, std::int64_t unix_time) {
  double dt = now.elapsed - previous.elapsed;
  std::string out;
  auto row = [&](const endpoint_stats& cur, const endpoint_stats& prev) {
    auto d = interval(cur, prev);
    std::string r = std::to_string(unix_time) + "," + std::to_string(now.users) + "," + csv_field(cur.method) + "," +
                    csv_field(cur.name) + "," + fmt("%.3f", per_second(d.requests, dt)) + "," +
                    fmt("%.3f", per_second(d.failures, dt));
    for (double p : locust_percentiles) r += "," + ms_text(ms(d.latency.percentile(p)));
    const auto& h = cur.latency;
    r += "," + std::to_string(cur.requests) + "," + std::to_string(cur.failures) + "," + ms_text(ms(h.percentile(50))) +
         "," + ms_text(ms(h.mean())) + "," + ms_text(ms(h.min())) + "," + ms_text(ms(h.max())) + "," +
         ms_text(cur.requests ? static_cast<double>(cur.bytes) / static_cast<double>(cur.requests) : 0.0);
    out += r + "\n";
  };
  for (std::size_t i = 0; i < now.endpoints.size(); ++i)
    row(now.endpoints[i], i < previous.endpoints.size() ? previous.endpoints[i] : endpoint_stats{});
  row(now.total(), previous.total());
  return out;
}

std::string format_replica_table(const std::vector<replica_row>& rows) {
  std::string out = fmt("%8s %10s %8s %10s %9s %9s %9s %9s\n", "replicas", "# reqs", "# fails", "req/s", "p50 ms",
                        "p90 ms", "p99 ms", "max ms");
  for (const auto& r : rows) {
    auto t = r.result.total();
    out += fmt("%8d %10llu %8llu %10.1f %9.2f %9.2f %9.2f %9.2f\n", r.replicas, static_cast<unsigned long long>(t.requests),
               static_cast<unsigned long long>(t.failures), per_second(t.requests, r.result.elapsed),
               ms(t.latency.percentile(50)), ms(t.latency.percentile(90)), ms(t.latency.percentile(99)),
               ms(t.latency.max()));
  }
  return out;
}

std::string replica_csv(const std::vector<replica_row>& rows) {
  std::string out = "Replicas,Request Count,Failure Count,Requests/s,50%,90%,99%,Max\n";
  for (const auto& r : rows) {
    auto t = r.result.total();
    out += fmt("%d,%llu,%llu,%.3f,%.3f,%.3f,%.3f,%.3f\n", r.replicas, static_cast<unsigned long long>(t.requests),
               static_cast<unsigned long long>(t.failures), per_second(t.requests, r.result.elapsed),
               ms(t.latency.percentile(50)), ms(t.latency.percentile(90)), ms(t.latency.percentile(99)),
               ms(t.latency.max()));
  }
  return out;
}

}  // namespace hayloft::http::load
