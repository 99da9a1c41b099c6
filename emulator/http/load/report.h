#pragma once
// Rendering of load-test results: the live status line, the final table (Locust-like), the
// Locust-compatible CSV files and the per-replica-count table. Pure functions of snapshots.
//
// Times are milliseconds. In the CSV files they carry up to three decimals (microseconds)
// where Locust rounds to whole milliseconds, because local targets answer in well under one.
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/http/load/stats.h"

namespace hayloft::http::load {

// "users 64/64 | 10234.5 req/s | fail 0.00% | p50 1.23 ms | p99 4.56 ms | 123456 reqs":
// rate and percentiles over the interval since `previous`, counts cumulative.
std::string status_line(const snapshot& now, const snapshot& previous, unsigned target_users);

// The final table: one row per endpoint and an Aggregated row; then the errors, if any.
std::string format_table(const snapshot& s);

// PREFIX_stats.csv, Locust's columns (Type,Name,Request Count,...,100%).
std::string stats_csv(const snapshot& s);
// PREFIX_stats_history.csv: the header, and the rows of one tick (one per endpoint and the
// Aggregated row): interval rate and percentiles, cumulative totals. `unix_time` in seconds.
std::string stats_history_header();
std::string stats_history_rows(const snapshot& now, const snapshot& previous, std::int64_t unix_time);

struct replica_row {
  int replicas = 0;
  snapshot result;
};
// "replicas  reqs  fails  req/s  p50  p90  p99  max" with one line per replica count.
std::string format_replica_table(const std::vector<replica_row>& rows);
// The same table as CSV (PREFIX_replicas.csv): "Replicas,Request Count,Failure Count,
// Requests/s,50%,90%,99%,Max" with times in milliseconds (three decimals).
std::string replica_csv(const std::vector<replica_row>& rows);

// The interval between two cumulative snapshots of one run.
endpoint_stats interval(const endpoint_stats& now, const endpoint_stats& previous);

}  // namespace hayloft::http::load
