#pragma once
// HTML character references. Pure function; callable from any thread.
#include <string>
#include <string_view>

namespace hayloft::consumer {

// Decodes &name; (the HTML 4 named set plus &apos;), &#ddd; and &#xhh; references. Unknown or
// malformed references stay as written; invalid code points become U+FFFD; &nbsp; becomes a
// plain space.
std::string decode_entities(std::string_view s);

}  // namespace hayloft::consumer
