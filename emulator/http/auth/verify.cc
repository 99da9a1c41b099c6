#include "emulator/http/auth/verify.h"

#include <array>
#include <fstream>

#include "emulator/core/hash.h"
#include "emulator/http/auth/canonical.h"
#include "emulator/http/auth/sigv2.h"
#include "emulator/http/auth/sigv4.h"

namespace hayloft::http::auth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_param(std::string_view raw_query, std::string_view name) {
  std::string value;
  for (const auto& p : split_raw_query(raw_query))
    if (decode_component(p.name, value) && value == name) return true;
  return false;
}

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

}  // namespace

verdict verify(const core::request& req, const credentials_provider& provider, core::time_point now,
               const verify_options& options) {
  auto header = trim(req.headers.value_or("authorization", ""));
  const bool v4_query = has_param(req.raw_query, "X-Amz-Algorithm") ||
                        has_param(req.raw_query, "X-Amz-Credential") ||
                        has_param(req.raw_query, "X-Amz-Signature");
  const bool v2_query = !v4_query && has_param(req.raw_query, "AWSAccessKeyId");

  if (!header.empty() && (v4_query || v2_query))
    return failure{failure_reason::multiple_auth_mechanisms,
                   "Authorization header and presigned parameters"};
  if (!header.empty()) {
    auto space = header.find_first_of(" \t");
    auto name = header.substr(0, space);
    if (name == sigv4::algorithm) return sigv4::verify_header(req, header, provider, now, options);
    if (name == "AWS") return sigv2::verify_header(req, header, provider, now, options);
    return failure{failure_reason::unsupported_auth_type, std::string(name.substr(0, 64))};
  }
  if (v4_query) return sigv4::verify_query(req, provider, now, options);
  if (v2_query) return sigv2::verify_query(req, provider, now, options);
  return failure{failure_reason::missing_auth, {}};
}

bool payload_claim_is_digest(std::string_view payload_hash) {
  return payload_hash.size() == 64 && is_hex(payload_hash);
}

std::string body_sha256_hex(const core::request& req) {
  if (!req.body_in_file()) return core::sha256_hex(req.body);
  core::incremental_hash h(core::incremental_hash::kind::sha256);
  std::ifstream in(req.body_file.path(), std::ios::binary);
  std::array<char, 64 * 1024> buf;
  while (in) {
    in.read(buf.data(), buf.size());
    if (in.gcount() > 0)
      h.update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  return core::to_hex(h.final_raw());
}

}  // namespace hayloft::http::auth
