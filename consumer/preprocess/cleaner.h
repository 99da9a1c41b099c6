#pragma once
// The cleaning half of Haystack 1.x's PreProcessor (haystack/nodes/preprocessor/preprocessor.py:
// clean(), _clean_whitespace, _clean_empty_lines, _remove_substring,
// _find_and_remove_header_footer). Pure functions; callable from any thread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::consumer {

// Each page (text split on '\f') is split into lines (Python splitlines), every line stripped of
// leading and trailing whitespace, lines re-joined with '\n' and pages with '\f'. As in Haystack,
// a trailing line break of a page disappears.
std::string clean_whitespace(std::string_view text);

// Three or more consecutive '\n' become two.
std::string clean_empty_lines(std::string_view text);

// Every occurrence of each non-empty substring is removed, in order.
std::string remove_substrings(std::string_view text, const std::vector<std::string>& substrings);

// The longest string that is an n-gram (3 <= n < 30 whitespace-separated words, keeping '\n' and
// '\t' as Haystack's _ngram does) of every sequence, or nullopt when there is none or it is only
// whitespace. Ties are broken by the smallest string (Haystack takes an arbitrary one).
std::optional<std::string> longest_common_ngram(const std::vector<std::string_view>& sequences);

// Haystack's header/footer heuristic over pages: the longest common n-gram of the first
// `n_chars` characters of the pages (ignoring the first `first_pages_to_ignore` and last
// `last_pages_to_ignore` pages) is removed from every page, then the same for the last `n_chars`.
// Haystack calls it with n_chars 300, ignoring one page at each end.
std::vector<std::string> remove_header_footer(std::vector<std::string> pages,
                                              std::size_t n_chars = 300,
                                              std::size_t first_pages_to_ignore = 1,
                                              std::size_t last_pages_to_ignore = 1);

}  // namespace hayloft::consumer
