// Receipt handles are client bytes: decoding rejects or yields a receipt that survives a round
// trip through the encoder; nothing else is accepted as a handle.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sqs/service/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  using namespace hayloft::sqs;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = decode_receipt(in);
  if (!r) return 0;
  auto again = decode_receipt(encode_receipt(*r));
  if (!again || !(*again == *r)) std::abort();
  return 0;
}
