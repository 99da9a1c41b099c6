#pragma once
// What a load test measured: per endpoint (request name) and aggregated, cumulative since the
// start of the run. Plain values, built by the runner and read by the report functions.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "emulator/http/load/histogram.h"

namespace hayloft::http::load {

struct endpoint_stats {
  std::string method;  // "" for the aggregated row
  std::string name;
  std::uint64_t requests = 0;  // completed requests, failed ones included
  std::uint64_t failures = 0;  // transport errors and HTTP status >= 400
  std::uint64_t bytes = 0;     // response body bytes
  histogram latency;           // microseconds, from send (or connect) to the last response byte

  void add(const endpoint_stats& other);  // merges counts and latencies (not names)
};

struct snapshot {
  double elapsed = 0;  // seconds since the first user started
  unsigned users = 0;  // users started so far
  std::vector<endpoint_stats> endpoints;  // one per distinct request name, in file order
  std::map<std::string, std::uint64_t> errors;  // "METHOD name: error" -> occurrences
  endpoint_stats total() const;            // the aggregated row
};

// Ramp-up: user i (from 0) starts at i / spawn_rate seconds, the first at once, so by `elapsed`
// seconds min(users, floor(elapsed * spawn_rate) + 1) users have started. spawn_rate > 0.
double user_start_time(unsigned user, double spawn_rate);
unsigned users_started_by(double elapsed, unsigned users, double spawn_rate);

}  // namespace hayloft::http::load
