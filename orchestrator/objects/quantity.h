#pragma once
// Kubernetes resource quantities ("750m", "2", "1000Mi", "1.5Gi", "1e3"), held as an integer
// number of thousandths so that CPU millicores and metric targets stay exact. Pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hayloft::orchestrator::objects {

// Parses a quantity (string or JSON number) into thousandths, rounding up like
// resource.Quantity.MilliValue(). nullopt when the text is not a quantity.
std::optional<std::int64_t> parse_milli(std::string_view text);
std::optional<std::int64_t> quantity_milli(const nlohmann::json& value);

// The canonical DecimalSI form of a value given in thousandths: 25000 -> "25",
// 12500 -> "12500m", 10000000 -> "10k".
std::string format_milli(std::int64_t milli);

}  // namespace hayloft::orchestrator::objects
