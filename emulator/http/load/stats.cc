#include "emulator/http/load/stats.h"

#include <algorithm>
#include <cmath>

namespace hayloft::http::load {

void endpoint_stats::add(const endpoint_stats& o) {
  requests += o.requests;
  failures += o.failures;
  bytes += o.bytes;
  latency += o.latency;
}

endpoint_stats snapshot::total() const {
  endpoint_stats t;
  t.name = "Aggregated";
  for (const auto& e : endpoints) t.add(e);
  return t;
}

double user_start_time(unsigned user, double spawn_rate) { return static_cast<double>(user) / spawn_rate; }

unsigned users_started_by(double elapsed, unsigned users, double spawn_rate) {
  if (elapsed < 0 || users == 0) return 0;
  // A small epsilon so that user i counts as started exactly at i / rate despite rounding.
  double n = std::floor(elapsed * spawn_rate + 1e-9) + 1;
  return n >= users ? users : static_cast<unsigned>(n);
}

}  // namespace hayloft::http::load
