#pragma once
// Parser for the Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE`
// lines, other comments, samples `name{label="value",...} value [timestamp_ms]` with the
// escapes \\ \" \n in label values, values as Go's ParseFloat reads them (NaN, +Inf, -Inf,
// exponents). Histograms and summaries need no special casing: their _bucket/_sum/_count and
// quantile lines are ordinary samples. Pure function; no state.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/prom/labels.h"

namespace hayloft::prom {

struct exposed_sample {
  labels metric;  // __name__ included
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;
};

struct exposition {
  std::vector<exposed_sample> samples;
  std::map<std::string, std::string> types;  // family name -> counter, gauge, histogram, ...
  std::map<std::string, std::string> help;
};

// The whole body or an error naming the first bad line (errc::exposition), as a Prometheus
// scrape fails on any malformed line.
result<exposition> parse_exposition(std::string_view body);

// Parses a float as Go's strconv.ParseFloat does for exposition values and API parameters.
std::optional<double> parse_prom_float(std::string_view s);

}  // namespace hayloft::prom
