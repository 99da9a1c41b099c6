#pragma once
// Python str semantics over UTF-8, as Haystack's PreProcessor relies on them: str.isspace,
// str.strip(), str.split(), str.splitlines(), str.split(sep), len() in code points.
// Pure functions; callable from any thread.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::consumer::text {

// Byte length of the Python-whitespace character at s[i] (str.isspace(): ASCII \t\n\v\f\r, space,
// \x1c-\x1f, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000),
// or 0 if s[i] does not start one.
std::size_t space_at(std::string_view s, std::size_t i);

// str.strip() with no argument.
std::string_view strip(std::string_view s);

// len(s.split()): runs of whitespace separate words.
std::size_t count_words(std::string_view s);

// s.splitlines() without keepends: breaks at \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, U+0085,
// U+2028, U+2029; a final line break does not start an empty line.
std::vector<std::string_view> splitlines(std::string_view s);

// s.split(sep) for a non-empty separator: always at least one (possibly empty) piece.
std::vector<std::string_view> split(std::string_view s, std::string_view sep);

// s.replace(from, to) for non-empty `from`.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

// Number of code points (Python len()).
std::size_t length(std::string_view s);
// s[:n] and s[-n:] in code points.
std::string_view prefix(std::string_view s, std::size_t n);
std::string_view suffix(std::string_view s, std::size_t n);

// The code point starting at s[i] (U+FFFD for a broken sequence) and its byte length.
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len);

}  // namespace hayloft::consumer::text
