#pragma once
// Builds request values the way the edge fills them, for the auth tests.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"

namespace hayloft::http::auth::testing {

using header_list = std::vector<std::pair<std::string, std::string>>;

// `target` is the request-target as received (raw path and query, still percent-encoded).
inline core::request make_request(std::string method, std::string_view target,
                                  const header_list& headers, std::string body = {}) {
  core::request req;
  req.method = std::move(method);
  // parse_target may refuse a target whose path is not valid percent-encoding (the SigV4 suite
  // sends a literal space); the raw fields are what the verifier reads either way.
  if (!core::parse_target(target, req)) {
    auto q = target.find('?');
    req.target = std::string(target);
    req.raw_path = std::string(target.substr(0, q));
    req.raw_query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  }
  for (const auto& [k, v] : headers) {
    req.headers.add(k, v);
    if (core::iequals(k, "host"))
      req.host = v.substr(0, v.rfind(':') == std::string::npos ? v.size() : v.rfind(':'));
  }
  req.body = std::move(body);
  req.body_size = req.body.size();
  return req;
}

// A copy of an in-memory request (core::request is move-only because of body_file).
inline core::request copy_of(const core::request& r) {
  core::request c;
  c.method = r.method;
  c.target = r.target;
  c.raw_path = r.raw_path;
  c.path = r.path;
  c.raw_query = r.raw_query;
  c.query = r.query;
  c.headers = r.headers;
  c.host = r.host;
  c.remote = r.remote;
  c.request_id = r.request_id;
  c.body = r.body;
  c.body_size = r.body_size;
  return c;
}

inline core::time_point at(std::string_view iso) {
  core::time_point t{};
  core::parse_iso8601(iso, t);
  return t;
}

// The same string with one character changed (a different hex digit / letter), for the
// "one byte altered" checks.
inline std::string altered(std::string s, std::size_t index) {
  char& c = s.at(index);
  c = c == '0' ? '1' : (c == 'a' ? 'b' : (c == 'A' ? 'B' : '0'));
  return s;
}

}  // namespace hayloft::http::auth::testing
