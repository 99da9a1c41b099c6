#include "orchestrator/objects/quantity.h"

#include <array>
#include <cmath>
#include <utility>

namespace hayloft::orchestrator::objects {

std::optional<std::int64_t> parse_milli(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = 0;
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
  // Mantissa digits, kept exact as integer + decimal places.
  long double mantissa = 0;
  int decimals = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + (c - '0');
      if (dot) ++decimals;
      any = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  std::string_view suffix = s.substr(i);
  long double scale = 1;
  static const std::array<std::pair<std::string_view, long double>, 13> suffixes{{
      {"m", 1e-3L}, {"", 1}, {"k", 1e3L}, {"M", 1e6L}, {"G", 1e9L}, {"T", 1e12L}, {"P", 1e15L}, {"E", 1e18L},
      {"Ki", 1024.0L}, {"Mi", 1048576.0L}, {"Gi", 1073741824.0L}, {"Ti", 1099511627776.0L},
      {"Pi", 1125899906842624.0L},
  }};
  bool found = false;
  for (const auto& [name, mult] : suffixes) {
    if (suffix == name) {
      scale = mult;
      found = true;
      break;
    }
  }
  if (!found && suffix == "Ei") {
    scale = 1152921504606846976.0L;
    found = true;
  }
  if (!found && !suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string_view exp = suffix.substr(1);
    bool eneg = false;
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) {
      eneg = exp[0] == '-';
      exp.remove_prefix(1);
    }
    if (exp.empty() || exp.size() > 3) return std::nullopt;
    int e = 0;
    for (char c : exp) {
      if (c < '0' || c > '9') return std::nullopt;
      e = e * 10 + (c - '0');
    }
    scale = std::pow(10.0L, eneg ? -e : e);
    found = true;
  }
  if (!found) return std::nullopt;
  long double milli = mantissa / std::pow(10.0L, decimals) * scale * 1000.0L;
  if (milli > 9.2e18L) return std::nullopt;
  // Round up, as MilliValue() does, but absorb floating-point noise first.
  long double rounded = std::nearbyint(milli);
  std::int64_t v = std::fabs(milli - rounded) < 1e-6L ? static_cast<std::int64_t>(rounded)
                                                      : static_cast<std::int64_t>(std::ceil(milli));
  return neg ? -v : v;
}

std::optional<std::int64_t> quantity_milli(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    auto v = value.get<std::int64_t>();
    if (v > 9'000'000'000'000'000LL / 1000 || v < -9'000'000'000'000'000LL / 1000) return std::nullopt;
    return v * 1000;
  }
  if (value.is_number()) return static_cast<std::int64_t>(std::ceil(value.get<double>() * 1000.0 - 1e-9));
  if (value.is_string()) return parse_milli(value.get_ref<const std::string&>());
  return std::nullopt;
}

std::string format_milli(std::int64_t milli) {
  if (milli == 0) return "0";
  bool neg = milli < 0;
  unsigned long long v = neg ? static_cast<unsigned long long>(-(milli + 1)) + 1 : static_cast<unsigned long long>(milli);
  static const std::array<std::string_view, 7> units{"m", "", "k", "M", "G", "T", "P"};
  std::size_t unit = 0;
  while (unit + 1 < units.size() && v % 1000 == 0) {
    v /= 1000;
    ++unit;
  }
  return (neg ? "-" : "") + std::to_string(v) + std::string(units[unit]);
}

}  // namespace hayloft::orchestrator::objects
