#pragma once
// Small UTF-8 helpers shared by the converters. Pure functions.
#include <cstdint>
#include <string>
#include <string_view>

namespace hayloft::consumer {

// Strict UTF-8 check: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

// Copies `s`, replacing every invalid byte sequence with U+FFFD.
std::string sanitize_utf8(std::string_view s);

// Appends the UTF-8 encoding of `cp` (a valid scalar value) to `out`.
void append_utf8(std::string& out, char32_t cp);

// Rewrites CRLF and lone CR as LF.
std::string normalize_newlines(std::string s);

}  // namespace hayloft::consumer
