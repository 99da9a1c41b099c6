#include "s3/api/conditions.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace hayloft::s3 {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string_view strip_zeros(std::string_view digits) {
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

// Decimal digits as a number, UINT64_MAX when it does not fit.
std::uint64_t saturating_u64(std::string_view digits) {
  std::uint64_t n = 0;
  for (char c : digits) {
    auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return UINT64_MAX;
    n = n * 10 + d;
  }
  return n;
}

// <0, 0, >0 as the numbers written by two digit strings compare (any length).
int compare_digits(std::string_view a, std::string_view b) {
  a = strip_zeros(a);
  b = strip_zeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b);
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.starts_with("W/")) s.remove_prefix(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::int64_t seconds(core::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

struct header_names {
  std::string_view if_match, if_none_match, if_modified_since, if_unmodified_since;
};

condition_result evaluate(const core::header_map& h, const header_names& names, std::string_view etag,
                          core::time_point last_modified, bool not_modified_is_412,
                          std::string_view* failed_header) {
  auto lm = seconds(last_modified);
  auto fail = [&](std::string_view name, condition_result r) {
    if (failed_header) *failed_header = name;
    return r;
  };
  auto if_match = h.get(names.if_match);
  if (if_match) {
    if (!etag_matches(*if_match, etag)) return fail(names.if_match, condition_result::precondition_failed);
  } else if (auto ius = h.get(names.if_unmodified_since)) {
    core::time_point t;
    if (core::parse_http_date(*ius, t) && lm > seconds(t))
      return fail(names.if_unmodified_since, condition_result::precondition_failed);
  }
  auto not_modified = not_modified_is_412 ? condition_result::precondition_failed : condition_result::not_modified;
  if (auto inm = h.get(names.if_none_match)) {
    if (etag_matches(*inm, etag)) return fail(names.if_none_match, not_modified);
  } else if (auto ims = h.get(names.if_modified_since)) {
    core::time_point t;
    if (core::parse_http_date(*ims, t) && lm <= seconds(t)) return fail(names.if_modified_since, not_modified);
  }
  return condition_result::proceed;
}

}  // namespace

range_status parse_range(std::string_view header, std::uint64_t size, byte_range& out) {
  header = trim(header);
  // The range unit is case-insensitive (RFC 9110 14.1).
  if (header.size() < 6 || !core::iequals(header.substr(0, 5), "bytes") || header[5] != '=') return range_status::none;
  auto spec = trim(header.substr(6));
  // S3 serves one range per request; a range set is ignored (the whole object, 200).
  if (spec.find(',') != std::string_view::npos) return range_status::none;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return range_status::none;
  auto a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  if (a.empty()) {
    // suffix-range: the last n bytes; "-0" selects nothing.
    if (!all_digits(b)) return range_status::none;
    if (strip_zeros(b).empty() || size == 0) return range_status::unsatisfiable;
    auto n = saturating_u64(b);
    out.first = n >= size ? 0 : size - n;
    out.last = size - 1;
    return range_status::satisfiable;
  }
  if (!all_digits(a)) return range_status::none;
  if (!b.empty()) {
    if (!all_digits(b)) return range_status::none;
    // last-pos < first-pos makes the header invalid, so it is ignored (RFC 9110 14.1.1); the
    // comparison is on the digits, so it holds for numbers beyond 64 bits too.
    if (compare_digits(b, a) < 0) return range_status::none;
  }
  // A first-pos at or past the end (including one too large for 64 bits) is unsatisfiable: 416.
  auto first = saturating_u64(a);
  if (first >= size) return range_status::unsatisfiable;
  out.first = first;
  out.last = b.empty() ? size - 1 : std::min(saturating_u64(b), size - 1);
  return range_status::satisfiable;
}

bool etag_matches(std::string_view list, std::string_view etag) {
  auto want = unquote(etag);
  std::size_t pos = 0;
  while (pos <= list.size()) {
    auto comma = list.find(',', pos);
    auto item = trim(list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (item == "*") return true;
    if (!item.empty() && unquote(item) == want) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

condition_result evaluate_read_conditions(const core::header_map& headers, std::string_view etag,
                                          core::time_point last_modified, std::string_view* failed_header) {
  static constexpr header_names names{"if-match", "if-none-match", "if-modified-since", "if-unmodified-since"};
  return evaluate(headers, names, etag, last_modified, false, failed_header);
}

condition_result evaluate_copy_source_conditions(const core::header_map& headers, std::string_view etag,
                                                 core::time_point last_modified) {
  static constexpr header_names names{"x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match",
                                      "x-amz-copy-source-if-modified-since",
                                      "x-amz-copy-source-if-unmodified-since"};
  return evaluate(headers, names, etag, last_modified, true, nullptr);
}

}  // namespace hayloft::s3
