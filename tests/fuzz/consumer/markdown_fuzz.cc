// Markdown objects. markdown_to_text gets UTF-8 (the converter decodes first); the fuzzer's
// bytes go in as they are when valid, else repaired the way the decoder would leave them.
// Properties: valid UTF-8 in, valid UTF-8 out; markup only shrinks (entities decode to at most
// their own length), so the text is never much longer than the input; and the same input gives
// the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "consumer/convert/markdown.h"
#include "consumer/convert/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  using namespace hayloft::consumer;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::string in = valid_utf8(raw) ? std::string(raw) : sanitize_utf8(raw);
  const std::string text = markdown_to_text(in);
  if (!valid_utf8(text)) std::abort();
  if (text.size() > in.size() + 64) std::abort();
  if (markdown_to_text(in) != text) std::abort();
  return 0;
}
