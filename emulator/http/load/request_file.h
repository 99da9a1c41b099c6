#pragma once
// The requests a load test sends, and the order each user picks them in.
//
// Request file format (JSON lines): one JSON object per line; blank lines and lines whose first
// non-blank character is '#' are skipped.
//
//   {"name": "infer", "method": "POST", "path": "/v2/models/m/infer",
//    "headers": {"Content-Type": "application/json"}, "body": {"inputs": []}, "weight": 3}
//
//   path     required; starts with '/' (path and query, already percent-encoded)
//   method   default "GET"
//   name     the row in the statistics; default "METHOD path"
//   headers  object of string values; default none
//   body     a string (sent as is) or any other JSON value (sent serialised, and Content-Type
//            defaults to application/json); default empty
//   weight   positive integer, default 1: the request's share of the picks
//
// Unknown fields are errors (a typo should not silently change the load).
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::http::load {

enum class errc {
  bad_request_file = 1,  // the request file cannot be read or parsed
  bad_options,           // inconsistent load options
  unreachable,           // the target does not accept connections
};
const std::error_category& load_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), load_category()}; }

struct request_spec {
  std::string name;
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  unsigned weight = 1;
};

// Parses the JSON-lines text; errors name the line ("line 3: ...").
result<std::vector<request_spec>> parse_request_lines(std::string_view text);
result<std::vector<request_spec>> read_request_file(const std::string& path);

// KServe v2 / Triton infer requests for MODEL: POST /v2/models/MODEL/infer, each with a BYTES
// input `text` of shape [batch] holding `batch` consecutive sentences of `texts` (taken
// cyclically; the built-in kserve_sentences() when empty), one request per starting sentence
// (so users cycle through them), all named "infer MODEL". batch >= 1.
std::vector<request_spec> kserve_requests(const std::string& model, const std::vector<std::string>& texts = {},
                                          unsigned batch = 1);
// A few short sentences of the kind a search service embeds.
const std::vector<std::string>& kserve_sentences();
// `--kserve-text FILE`: one sentence per non-blank line (at most 1 MiB per line).
result<std::vector<std::string>> read_kserve_texts(const std::string& path);

// The order of picks: a fixed cycle in which each request appears `weight` times, spread out
// (smooth weighted round robin, as nginx does it). User u starts at position u of the cycle, so
// users do not march in lockstep. Immutable after construction: share it between threads.
class request_cycle {
 public:
  explicit request_cycle(const std::vector<request_spec>& specs);
  std::size_t size() const { return order_.size(); }
  // The index into specs of the n-th pick of user u.
  std::size_t pick(std::uint64_t user, std::uint64_t n) const { return order_[(user + n) % order_.size()]; }

 private:
  std::vector<std::size_t> order_;
};

}  // namespace hayloft::http::load

template <>
struct std::is_error_code_enum<hayloft::http::load::errc> : std::true_type {};
