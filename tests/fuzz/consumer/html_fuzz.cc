// HTML objects: bytes of any encoding through decode_text and libxml2's recovering HTML parser.
// Properties: an error or valid UTF-8 text, never larger than the decoded input can make it
// (UTF-16/Latin-1 grow at most 3x when re-encoded as UTF-8; markup only shrinks into text).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "consumer/convert/html.h"
#include "consumer/convert/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto text = hayloft::consumer::html_to_text(in);
  if (!text) return 0;
  if (!hayloft::consumer::valid_utf8(*text)) std::abort();
  if (text->size() > 3 * size + 64) std::abort();
  return 0;
}
