#pragma once
// Bounds checked on JSON text before a parser sees it (nlohmann recurses once per level, and its
// error paths recurse again): the nesting depth of arrays and objects, strings skipped.
#include <cstddef>
#include <string_view>

namespace hayloft::core {

// The deepest nesting of `[`/`{` in `text`, counting stops once it passes `limit` (so the cost is
// one linear scan at most). Malformed text is scanned as well as it goes; the parser rejects it.
std::size_t json_text_depth(std::string_view text, std::size_t limit);

inline bool json_depth_within(std::string_view text, std::size_t max_depth) {
  return json_text_depth(text, max_depth) <= max_depth;
}

}  // namespace hayloft::core
