#include "emulator/core/json_text.h"
#include "orchestrator/kube/limits.h"

#include "emulator/core/utf8.h"
#include "orchestrator/errc.h"

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;


result<std::uint64_t> parse_resource_version(std::string_view text) {
  if (text.empty() || text == "0") return std::uint64_t{0};
  auto invalid = [&](std::string_view why) {
    const std::string q = core::go_quote(text);
    return error{make_error_code(errc::bad_request),
                 "resourceVersion: Invalid value: " + q + ": strconv.ParseUint: parsing " + q + ": " + std::string(why)};
  };
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return invalid("invalid syntax");
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return invalid("value out of range");
    v = v * 10 + d;
  }
  return v;
}

result<json> parse_json_body(std::string_view body, const std::function<result<json>()>& otherwise) {
  if (json_text_depth(body, max_json_depth) > max_json_depth)
    return error{make_error_code(errc::bad_request),
                 "json: exceeded max depth of " + std::to_string(max_json_depth) + " nested objects or arrays"};
  json j = json::parse(core::coerce_utf8(body), nullptr, false);
  if (!j.is_discarded()) return j;
  if (otherwise) return otherwise();
  return error{make_error_code(errc::bad_request), "the request body is not valid JSON"};
}

}  // namespace hayloft::orchestrator::kube
