#pragma once
// kubectl's text formatting: ages (duration.HumanDuration), tab-aligned tables
// (tabwriter with minwidth 6, padding 3), and the printers' cell values. Pure functions.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "emulator/core/clock.h"

namespace hayloft::orchestrator::cli {

using json = nlohmann::json;

// "5s", "119s", "2m", "3m2s", "10m", "3h", "7h5m", "2d", "2d3h", "400d", "2y", "<invalid>".
std::string human_duration(std::chrono::seconds d);
// The age of an RFC 3339 timestamp relative to `now` (the server's clock).
std::string age(const std::string& timestamp, core::time_point now);

// Rows of cells printed like kubectl: each column as wide as its widest cell plus three spaces
// (at least six), the last column unpadded.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace hayloft::orchestrator::cli
