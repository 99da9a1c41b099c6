#pragma once
// Logging through spdlog. One process-wide logger named "hayloft"; modules use the
// HAYLOFT_LOG_* helpers or spdlog directly.
#include <spdlog/spdlog.h>

#include <string_view>

namespace hayloft::core {

// Configures the default logger: level name ("trace".."off"), output to stderr.
void init_logging(std::string_view level);

}  // namespace hayloft::core
