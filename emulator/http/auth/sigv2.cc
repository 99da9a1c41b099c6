#include "emulator/http/auth/sigv2.h"

#include <algorithm>
#include <array>
#include <map>

#include "emulator/core/hash.h"
#include "emulator/http/auth/canonical.h"

namespace hayloft::http::auth::sigv2 {
namespace {

// Query parameters S3 includes in the SigV2 CanonicalizedResource (the S3 developer guide's
// list plus the newer sub-resources botocore's HmacV1Auth signs).
constexpr std::array<std::string_view, 40> sub_resources = {"accelerate",
                                                            "acl",
                                                            "analytics",
                                                            "cors",
                                                            "delete",
                                                            "encryption",
                                                            "intelligent-tiering",
                                                            "inventory",
                                                            "legal-hold",
                                                            "lifecycle",
                                                            "location",
                                                            "logging",
                                                            "metrics",
                                                            "notification",
                                                            "object-lock",
                                                            "ownershipControls",
                                                            "partNumber",
                                                            "policy",
                                                            "policyStatus",
                                                            "publicAccessBlock",
                                                            "replication",
                                                            "requestPayment",
                                                            "response-cache-control",
                                                            "response-content-disposition",
                                                            "response-content-encoding",
                                                            "response-content-language",
                                                            "response-content-type",
                                                            "response-expires",
                                                            "restore",
                                                            "retention",
                                                            "select",
                                                            "select-type",
                                                            "tagging",
                                                            "torrent",
                                                            "uploadId",
                                                            "uploads",
                                                            "versionId",
                                                            "versioning",
                                                            "versions",
                                                            "website"};

bool is_sub_resource(std::string_view name) {
  return std::find(sub_resources.begin(), sub_resources.end(), name) != sub_resources.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

failure fail(failure_reason r, std::string detail) { return failure{r, std::move(detail)}; }

std::string host_without_port(const core::request& req) {
  if (!req.host.empty()) return req.host;
  std::string host(trim(req.headers.value_or("host", "")));
  if (auto colon = host.rfind(':');
      colon != std::string::npos && host.find(']') == std::string::npos)
    host.resize(colon);
  return host;
}

// "/bucket" prefixes to try in the canonical resource.
std::vector<std::string> bucket_prefixes(const core::request& req, const verify_options& options) {
  if (!options.virtual_host_bucket.empty()) return {"/" + options.virtual_host_bucket};
  std::vector<std::string> out{""};
  auto host = host_without_port(req);
  if (auto dot = host.find('.'); dot != std::string::npos && dot > 0) {
    out.push_back("/" + host.substr(0, dot));
    out.push_back("/" + host);
  }
  return out;
}

// One way a client may have placed its timestamp in the string to sign.
struct date_variant {
  std::string date_position;
  std::string_view skip_amz;
};

// The date positions a client may have used: the documented rule (x-amz-date present: empty Date
// position, x-amz-date among the amz headers), the S3 guide's DELETE example (x-amz-date in the
// Date position), and botocore's HmacV1Auth (Date header kept while x-amz-date is also sent).
std::vector<date_variant> date_variants(const core::request& req) {
  auto amz = req.header("x-amz-date");
  auto date = req.header("date");
  if (!amz) return {{std::string(trim(date.value_or(""))), {}}};
  std::vector<date_variant> out{{"", {}}, {std::string(trim(*amz)), "x-amz-date"}};
  if (date) out.push_back({std::string(trim(*date)), {}});
  return out;
}

// Tries every combination of date position and bucket prefix.
bool matches(const core::request& req, const credentials& creds, std::string_view claimed,
             const std::vector<date_variant>& dates, const verify_options& options) {
  auto md5 = trim(req.headers.value_or("content-md5", ""));
  auto type = trim(req.headers.value_or("content-type", ""));
  auto prefixes = bucket_prefixes(req, options);
  for (const auto& d : dates) {
    auto amz = canonical_amz_headers(req, d.skip_amz);
    for (const auto& prefix : prefixes) {
      auto sts = string_to_sign(req.method, md5, type, d.date_position, amz,
                                canonical_resource(req, prefix));
      if (signatures_equal(signature(creds.secret_access_key, sts), claimed)) return true;
    }
  }
  return false;
}

authenticated accepted(std::string access_key_id, scheme kind) {
  authenticated a;
  a.access_key_id = std::move(access_key_id);
  a.service = "s3";
  a.kind = kind;
  return a;
}

}  // namespace

std::string canonical_amz_headers(const core::request& req, std::string_view skip) {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : req.headers) {
    auto lower = core::to_lower(name);
    if (!lower.starts_with("x-amz-") || lower == skip) continue;
    auto& slot = merged[lower];
    if (!slot.empty()) slot.push_back(',');
    slot += trim(value);
  }
  std::string out;
  for (const auto& [name, value] : merged) {
    out += name;
    out.push_back(':');
    out += value;
    out.push_back('\n');
  }
  return out;
}

std::string canonical_resource(const core::request& req, std::string_view bucket_prefix) {
  std::string out(bucket_prefix);
  out += req.raw_path.empty() ? std::string("/") : req.raw_path;
  std::vector<std::pair<std::string, std::string>> subs;
  std::string name, value;
  for (const auto& p : split_raw_query(req.raw_query)) {
    if (!decode_component(p.name, name) || !is_sub_resource(name)) continue;
    if (!decode_component(p.value, value)) value = std::string(p.value);
    subs.emplace_back(name, p.has_equals ? "=" + value : std::string());
  }
  std::stable_sort(subs.begin(), subs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < subs.size(); ++i) {
    out.push_back(i == 0 ? '?' : '&');
    out += subs[i].first;
    out += subs[i].second;
  }
  return out;
}

std::string string_to_sign(std::string_view method, std::string_view content_md5,
                           std::string_view content_type, std::string_view date_or_expires,
                           std::string_view amz_headers, std::string_view resource) {
  std::string out(method);
  out.push_back('\n');
  out.append(content_md5).push_back('\n');
  out.append(content_type).push_back('\n');
  out.append(date_or_expires).push_back('\n');
  out.append(amz_headers);
  out.append(resource);
  return out;
}

std::string signature(std::string_view secret, std::string_view string_to_sign) {
  return core::base64_encode(core::hmac_sha1_raw(secret, string_to_sign));
}

verdict verify_header(const core::request& req, std::string_view header,
                      const credentials_provider& provider, core::time_point now,
                      const verify_options& options) {
  header = trim(header);
  if (header != "AWS" && !header.starts_with("AWS ") && !header.starts_with("AWS\t"))
    return fail(failure_reason::unsupported_auth_type, std::string(header.substr(0, 32)));
  auto rest = trim(header.substr(3));
  auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find_first_of(" \t") != std::string_view::npos)
    return fail(failure_reason::malformed_header, "expecting \"AWS <AccessKeyId>:<Signature>\"");
  auto access_key_id = rest.substr(0, colon);
  auto claimed = rest.substr(colon + 1);

  auto creds = provider.find(access_key_id);
  if (!creds) return fail(failure_reason::invalid_access_key, std::string(access_key_id));
  if (!creds->session_token.empty() && req.header("x-amz-security-token") != creds->session_token)
    return fail(failure_reason::invalid_token, "x-amz-security-token");

  core::time_point when;
  auto stamp = req.header("x-amz-date");
  if (!stamp) stamp = req.header("date");
  if (!stamp || !parse_request_date(trim(*stamp), when))
    return fail(failure_reason::missing_date, "neither x-amz-date nor Date holds a valid date");
  auto skew =
      std::chrono::duration_cast<std::chrono::seconds>(now > when ? now - when : when - now);
  if (skew > options.max_skew)
    return fail(failure_reason::time_skewed, "request time " + std::string(*stamp) + " is " +
                                                 std::to_string(skew.count()) +
                                                 "s from server time");

  if (!matches(req, *creds, claimed, date_variants(req), options))
    return fail(failure_reason::signature_mismatch, "SigV2 header signature");
  return accepted(std::string(access_key_id), scheme::sigv2_header);
}

verdict verify_query(const core::request& req, const credentials_provider& provider,
                     core::time_point now, const verify_options& options) {
  std::string access_key_id, claimed, expires;
  auto q = std::string_view(req.raw_query);
  if (!find_param(q, "AWSAccessKeyId", access_key_id) || !find_param(q, "Signature", claimed) ||
      !find_param(q, "Expires", expires) || access_key_id.empty() || claimed.empty())
    return fail(failure_reason::malformed_query,
                "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
                "parameters");
  // A '+' the client left unencoded in the base64 signature still means '+'; a space can only
  // come from a form-style decoder upstream.
  std::replace(claimed.begin(), claimed.end(), ' ', '+');
  if (expires.empty() || expires.size() > 12 ||
      !std::all_of(expires.begin(), expires.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fail(failure_reason::malformed_query,
                "Expires must be a number of seconds since the epoch");

  auto creds = provider.find(access_key_id);
  if (!creds) return fail(failure_reason::invalid_access_key, access_key_id);
  if (!creds->session_token.empty()) {
    std::string token;
    if (!find_param(q, "x-amz-security-token", token))
      token = std::string(trim(req.headers.value_or("x-amz-security-token", "")));
    if (token != creds->session_token)
      return fail(failure_reason::invalid_token, "x-amz-security-token");
  }

  // Compared in seconds: a 12-digit Expires is beyond what a nanosecond time_point holds.
  auto now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (now_seconds > std::stoll(expires)) return fail(failure_reason::expired, "Expires " + expires);

  if (!matches(req, *creds, claimed, {{expires, {}}}, options))
    return fail(failure_reason::signature_mismatch, "SigV2 query signature");
  return accepted(std::move(access_key_id), scheme::sigv2_query);
}

}  // namespace hayloft::http::auth::sigv2
