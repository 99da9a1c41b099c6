// SQS's query protocol input: any url-encoded form for any Action either parses into a call or
// is refused with a 4xx rendered as well-formed XML (invalid UTF-8 and control characters in
// echoed values included); nothing throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "sqs/api/parse.h"
#include "sqs/api/render.h"
#include "tests/fuzz/sqs/common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  using namespace hayloft::sqs;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto req = fuzz::query_request(fuzz::operation(data[0]), body);
  auto parsed = api::parse(req);
  if (parsed.ok()) {
    if (parsed->proto != api::protocol::query) std::abort();
    return 0;
  }
  auto r = api::render_error(api::protocol::query, parsed.err(), "fuzz");
  if (r.status < 400 || r.status >= 500) std::abort();
  fuzz::check_rendered(r, false);
  return 0;
}
