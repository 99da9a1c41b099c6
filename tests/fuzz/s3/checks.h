#pragma once
// Property checks the S3 fuzz targets share: abort (a finding) when a property does not hold.
#include <cstdlib>
#include <initializer_list>
#include <string_view>

#include "emulator/core/utf8.h"
#include "s3/api/errors.h"

namespace hayloft::s3::fuzzing {

inline void check(bool ok) {
  if (!ok) std::abort();
}

// A parser answers a value or one of the errors its header names.
template <typename T>
void expect_error(const hayloft::result<T>& r, std::initializer_list<errc> allowed) {
  if (r.ok()) return;
  auto e = to_errc(r.code());
  for (auto a : allowed)
    if (e == a) return;
  std::abort();
}

// No raw byte outside XML 1.0's Char production, and valid UTF-8 throughout.
inline void check_safe_output(std::string_view xml) {
  check(hayloft::core::valid_utf8(xml));
  for (char c : xml) {
    auto u = static_cast<unsigned char>(c);
    check(u >= 0x20 || u == '\n' || u == '\t');
  }
  check(xml.find("\xef\xbf\xbe") == std::string_view::npos && xml.find("\xef\xbf\xbf") == std::string_view::npos);
}

}  // namespace hayloft::s3::fuzzing
