// SQS's JSON 1.0 protocol input: any body for any X-Amz-Target either parses into a call or is
// refused with a 4xx rendered as well-formed JSON; nothing throws, nothing recurses unbounded.
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
  auto req = fuzz::json_request(fuzz::operation(data[0]), body);
  auto parsed = api::parse(req);
  if (parsed.ok()) {
    if (parsed->proto != api::protocol::json) std::abort();
    return 0;
  }
  auto r = api::render_error(api::protocol::json, parsed.err(), "fuzz");
  if (r.status < 400 || r.status >= 500) std::abort();
  fuzz::check_rendered(r, true);
  return 0;
}
