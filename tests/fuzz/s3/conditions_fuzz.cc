// Range and conditional request headers. Input: the first 8 bytes are the object size, then
// "\n"-separated header values: Range, If-Match, If-None-Match, If-Modified-Since,
// If-Unmodified-Since (and the x-amz-copy-source-if-* forms). Properties:
//  - a satisfiable range lies inside the object and never when the object is empty;
//  - "bytes=a-b" written from two numbers agrees with the plain arithmetic on them;
//  - an ETag always matches "*" and a list naming it, quoted or not.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "s3/api/conditions.h"

namespace {
using namespace hayloft::s3;

void check(bool ok) {
  if (!ok) std::abort();
}

std::vector<std::string_view> lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty() && out.size() < 6) {
    auto nl = s.find('\n');
    out.push_back(s.substr(0, nl));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8 || size > 64 * 1024) return 0;
  std::uint64_t object_size;
  std::memcpy(&object_size, data, 8);
  // Sizes near 2^64 are as interesting to the arithmetic as small ones; keep both.
  if (data[0] & 1) object_size %= 1000;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 8, size - 8);
  auto h = lines(rest);

  byte_range r{};
  if (!h.empty()) {
    auto st = parse_range(h[0], object_size, r);
    if (st == range_status::satisfiable) check(object_size > 0 && r.first <= r.last && r.last < object_size);
  }
  // Two numbers taken from the input, written as a range: the parser must agree with arithmetic.
  std::uint64_t a = object_size ^ (size * 2654435761u), b = a + (data[1] % 50);
  if (data[2] & 1) a %= 2000, b %= 2000;
  auto st = parse_range("bytes=" + std::to_string(a) + "-" + std::to_string(b), object_size, r);
  if (b < a) check(st == range_status::none);
  else if (a >= object_size) check(st == range_status::unsatisfiable);
  else check(st == range_status::satisfiable && r.first == a && r.last == std::min(b, object_size - 1));

  std::string etag = "\"" + std::string(h.size() > 1 ? h[1].substr(0, 40) : "e") + "\"";
  check(etag_matches("*", etag));
  if (etag.find(',') == std::string::npos && etag.find(' ') == std::string::npos &&
      etag.find('\t') == std::string::npos && !etag.starts_with("\"W/"))
    check(etag_matches("\"x\", " + etag, etag));

  hayloft::core::header_map headers;
  const char* names[] = {"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"};
  for (std::size_t i = 1; i < h.size() && i <= 4; ++i) headers.add(names[i - 1], std::string(h[i]));
  for (std::size_t i = 1; i < h.size() && i <= 4; ++i)
    headers.add(std::string("x-amz-copy-source-") + names[i - 1], std::string(h[i]));
  auto lm = hayloft::core::from_unix_ms(static_cast<std::int64_t>(object_size % (1ull << 42)));
  std::string_view failed;
  (void)evaluate_read_conditions(headers, etag, lm, &failed);
  (void)evaluate_copy_source_conditions(headers, etag, lm);
  return 0;
}
