#include "emulator/core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace hayloft::core {

void init_logging(std::string_view level) {
  auto logger = spdlog::stderr_color_mt("hayloft");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace hayloft::core
