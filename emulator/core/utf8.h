#pragma once
// UTF-8 checks for text that reaches a JSON or XML writer. Pure functions; any thread.
#include <cstddef>
#include <string>
#include <string_view>

namespace hayloft::core {

// The length of the valid UTF-8 sequence at the start of `s` (1-4), or 0 when the first byte does
// not start one (stray continuation byte, overlong form, surrogate, above U+10FFFF, truncated).
std::size_t utf8_sequence_length(std::string_view s);
// True when every byte of `s` belongs to a valid UTF-8 sequence.
bool valid_utf8(std::string_view s);
// `s` with each byte that is not part of a valid sequence replaced by U+FFFD, as Go's
// encoding/json and utf8.DecodeRune treat invalid input (one replacement per bad byte).
std::string coerce_utf8(std::string_view s);
// `s` with each invalid byte written as `\xNN` (a printable, valid UTF-8 rendering of raw bytes
// for error messages, as Go's %q would show them).
std::string escape_invalid_utf8(std::string_view s);

// Go's strconv.Quote: double-quoted, with \" \\ \n \t \r and \xNN / \uNNNN escapes for control
// characters and bytes that are not UTF-8 (what Go error messages show for a client's value).
std::string go_quote(std::string_view s);

}  // namespace hayloft::core
