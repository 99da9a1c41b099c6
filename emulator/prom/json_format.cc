#include "emulator/prom/json_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "emulator/core/utf8.h"

namespace hayloft::prom {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc{}) return "NaN";
  return std::string(buf, end);
}

std::string format_timestamp(std::int64_t ms) {
  // float64(ms)/1000 printed shortest: at most three decimals, no trailing zeros.
  const bool neg = ms < 0;
  const std::uint64_t a = neg ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  std::string out = (neg ? "-" : "") + std::to_string(a / 1000);
  if (const unsigned frac = static_cast<unsigned>(a % 1000); frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03u", frac);
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

std::string json_string(std::string_view s) {
  // Label values and error messages can carry a client's bytes; ones that are not UTF-8 become
  // U+FFFD, as Go's JSON encoder writes them, so the document stays valid JSON.
  const std::string coerced = core::coerce_utf8(s);
  s = coerced;
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace hayloft::prom
