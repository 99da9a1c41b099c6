#pragma once
// `hayloft status`: the overview document (overview.h) as kubectl-like aligned tables:
// BUCKETS, QUEUES, DEPLOYMENTS, PODS and the last events. Pure: no I/O, no clock (ages are
// computed against the overview's own "now").
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hayloft::dashboard {

struct status_options {
  std::size_t max_events = 10;
};

std::string format_status(const nlohmann::json& overview, const status_options& o = {});

// Columns padded to their widest cell plus three spaces, as kubectl's tabwriter prints them;
// the last column is not padded.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

// Kubernetes' duration.HumanDuration ("45s", "5m3s", "3h", "2d4h", ...).
std::string human_duration(std::int64_t seconds);

// 0 -> "0 B", 1536 -> "1.5 KiB".
std::string human_bytes(std::int64_t bytes);

}  // namespace hayloft::dashboard
