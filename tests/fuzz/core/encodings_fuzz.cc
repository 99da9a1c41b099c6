// Header encodings a client controls: base64 (Content-MD5, x-amz-checksum-*), hex, and
// percent-encoding (paths, query strings). Each decoder must reject or decode, never crash, and
// what it decodes must survive a round trip through the matching encoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emulator/core/hash.h"
#include "emulator/core/http_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace hayloft::core;

  std::string raw;
  if (base64_decode(in, raw)) {
    std::string again;
    if (!base64_decode(base64_encode(raw), again) || again != raw) std::abort();
  }
  std::string bytes;
  if (from_hex(in, bytes)) {
    if (bytes.size() * 2 != in.size()) std::abort();
  }
  for (bool plus : {false, true}) {
    std::string decoded;
    if (url_decode(in, decoded, plus)) {
      std::string back;
      if (!url_decode(url_encode(decoded), back) || back != decoded) std::abort();
    }
  }
  return 0;
}
