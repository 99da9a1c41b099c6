#include "emulator/http/auth/canonical.h"

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace hayloft::http::auth {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void add_unique(std::vector<std::string>& out, std::string s) {
  if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Builds "k=v&k=v" from already-encoded pairs, sorted by name then value (byte order).
std::string join_sorted(std::vector<std::pair<std::string, std::string>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

}  // namespace

std::vector<raw_param> split_raw_query(std::string_view raw_query) {
  std::vector<raw_param> out;
  std::size_t pos = 0;
  while (pos <= raw_query.size()) {
    auto amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    auto part = raw_query.substr(pos, amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      if (eq == std::string_view::npos)
        out.push_back({part, {}, false});
      else
        out.push_back({part.substr(0, eq), part.substr(eq + 1), true});
    }
    pos = amp + 1;
  }
  return out;
}

bool decode_component(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

bool find_param(std::string_view raw_query, std::string_view name, std::string& value) {
  std::string decoded;
  for (const auto& p : split_raw_query(raw_query)) {
    if (!decode_component(p.name, decoded) || decoded != name) continue;
    return decode_component(p.value, value);
  }
  return false;
}

std::vector<std::string> canonical_uri_s3(std::string_view raw_path) {
  std::vector<std::string> out;
  if (raw_path.empty()) raw_path = "/";
  std::string strict;
  bool ok = true;
  std::string segment;
  std::size_t pos = 0;
  while (true) {
    auto slash = raw_path.find('/', pos);
    auto part = raw_path.substr(
        pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (!decode_component(part, segment)) {
      ok = false;
      break;
    }
    strict += core::url_encode(segment);
    if (slash == std::string_view::npos) break;
    strict.push_back('/');
    pos = slash + 1;
  }
  if (ok) out.push_back(std::move(strict));
  add_unique(out, std::string(raw_path));
  return out;
}

std::string canonical_uri_generic(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  // Remove dot segments (RFC 3986 5.2.4) and empty segments, as botocore and the AWS suite do.
  std::vector<std::string_view> kept;
  std::size_t pos = 0;
  while (pos <= raw_path.size()) {
    auto slash = raw_path.find('/', pos);
    if (slash == std::string_view::npos) slash = raw_path.size();
    auto seg = raw_path.substr(pos, slash - pos);
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
    pos = slash + 1;
  }
  std::string path;
  if (raw_path.front() == '/') path.push_back('/');
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i) path.push_back('/');
    path += kept[i];
  }
  if (raw_path.back() == '/' && !kept.empty()) path.push_back('/');
  if (path.empty()) return std::string(1, '/');
  return core::url_encode(path, true);
}

std::vector<std::string> canonical_query(std::string_view raw_query, std::string_view exclude) {
  std::vector<std::string> out;
  auto params = split_raw_query(raw_query);
  std::string name, value;
  auto excluded = [&](const raw_param& p) {
    return !exclude.empty() && decode_component(p.name, name) && name == exclude;
  };
  for (bool plus_as_space : {false, true}) {
    std::vector<std::pair<std::string, std::string>> pairs;
    bool ok = true;
    for (const auto& p : params) {
      if (excluded(p)) continue;
      if (!core::url_decode(p.name, name, plus_as_space) ||
          !core::url_decode(p.value, value, plus_as_space)) {
        ok = false;
        break;
      }
      pairs.emplace_back(core::url_encode(name), core::url_encode(value));
    }
    if (ok) add_unique(out, join_sorted(std::move(pairs)));
  }
  std::vector<std::pair<std::string, std::string>> raw;
  for (const auto& p : params)
    if (!excluded(p)) raw.emplace_back(std::string(p.name), std::string(p.value));
  add_unique(out, join_sorted(std::move(raw)));
  return out;
}

std::string collapse_spaces(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (is_space(c) || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string canonical_header_value(const core::request& req, std::string_view name, bool& found) {
  std::string out;
  found = false;
  for (const auto& [k, v] : req.headers) {
    if (!core::iequals(k, name)) continue;
    if (found) out.push_back(',');
    out += collapse_spaces(v);
    found = true;
  }
  if (!found && core::iequals(name, "host") && !req.host.empty()) {
    found = true;
    out = req.host;
  }
  return out;
}

bool parse_request_date(std::string_view s, core::time_point& out) {
  if (core::parse_http_date(s, out)) return true;
  // RFC 1123 with a numeric zone, which core::parse_http_date does not take.
  std::string str(s);
  std::tm tm{};
  const char* end = strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S %z", &tm);
  if (!end || *end != '\0') return false;
  long offset = tm.tm_gmtoff;
  tm.tm_isdst = 0;
  time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1)) return false;
  // Clamped as core's date parsers clamp (years 1824 to 2116): a year-9999 Date is far off, not
  // an overflow of the nanosecond time_point.
  constexpr std::int64_t limit = (std::int64_t{1} << 62) / 1'000'000'000;
  out = core::time_point{} +
        std::chrono::seconds(std::clamp<std::int64_t>(static_cast<std::int64_t>(t) - offset, -limit, limit));
  return true;
}

bool signatures_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(static_cast<unsigned char>(a[i]) ^
                                       static_cast<unsigned char>(b[i]));
  return diff == 0;
}

}  // namespace hayloft::http::auth
