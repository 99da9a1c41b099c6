#pragma once
// `describe` text in kubectl's layout, from the JSON of GET /_hayloft/describe. Pure.
#include <string>

#include "orchestrator/cli/format.h"

namespace hayloft::orchestrator::cli {

std::string render_describe(const json& described);

}  // namespace hayloft::orchestrator::cli
