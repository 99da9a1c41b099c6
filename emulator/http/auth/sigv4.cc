#include "emulator/http/auth/sigv4.h"

#include <time.h>

#include <algorithm>
#include <cstdint>

#include "emulator/core/hash.h"
#include "emulator/http/auth/canonical.h"

namespace hayloft::http::auth::sigv4 {
namespace {

constexpr long long max_presign_expires = 604800;  // one week, AWS's limit

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

failure fail(failure_reason r, std::string detail) { return failure{r, std::move(detail)}; }

std::string format_seconds(std::chrono::seconds s) { return std::to_string(s.count()) + "s"; }

// Everything needed to recompute a SigV4 signature once the scheme-specific parts are parsed.
struct signing_input {
  credential_scope credential;
  std::vector<std::string> signed_headers;
  std::string claimed;
  std::string amz_date;
  std::vector<std::string> payload_candidates;
  std::string_view exclude_param;  // X-Amz-Signature for presigned URLs
};

// Tries every canonical candidate; returns the payload hash that matched, or nullopt.
std::optional<std::string> match_signature(const core::request& req, const signing_input& in,
                                           const std::string& key, std::string& strict_canonical) {
  const bool s3 = in.credential.service == "s3";
  auto uris = s3 ? canonical_uri_s3(req.raw_path)
                 : std::vector<std::string>{canonical_uri_generic(req.raw_path)};
  auto queries = canonical_query(req.raw_query, in.exclude_param);
  const auto headers = canonical_headers(req, in.signed_headers);
  const auto names = join_names(in.signed_headers);
  const auto scope = in.credential.scope();
  for (const auto& payload : in.payload_candidates)
    for (const auto& uri : uris)
      for (const auto& query : queries) {
        auto creq = canonical_request(req.method, uri, query, headers, names, payload);
        if (strict_canonical.empty()) strict_canonical = creq;
        if (signatures_equal(signature(key, string_to_sign(in.amz_date, scope, creq)), in.claimed))
          return payload;
      }
  return std::nullopt;
}

verdict finish(const core::request& req, const signing_input& in, const credentials& creds,
               scheme kind) {
  auto key = signing_key(creds.secret_access_key, in.credential.date, in.credential.region,
                         in.credential.service);
  std::string strict;
  auto payload = match_signature(req, in, key, strict);
  if (!payload) return fail(failure_reason::signature_mismatch, "canonical request:\n" + strict);
  authenticated a;
  a.access_key_id = in.credential.access_key_id;
  a.region = in.credential.region;
  a.service = in.credential.service;
  a.kind = kind;
  a.payload_hash = *payload;
  a.signing = signing_context{std::move(key), in.amz_date, in.credential.scope(), in.claimed};
  return a;
}

}  // namespace

bool parse_credential(std::string_view text, credential_scope& out) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (true) {
    auto slash = text.find('/', pos);
    parts.push_back(
        text.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (parts.size() != 5) return false;
  if (parts[0].empty() || parts[1].size() != 8 || !all_digits(parts[1]) || parts[2].empty() ||
      parts[3].empty() || parts[4] != "aws4_request")
    return false;
  out = {std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
         std::string(parts[3])};
  return true;
}

bool parse_signed_headers(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  if (text.empty()) return false;
  std::size_t pos = 0;
  while (true) {
    auto semi = text.find(';', pos);
    auto name =
        text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    if (name.empty()) return false;
    out.push_back(core::to_lower(name));
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  // A name listed twice would put its value into the canonical request twice: with a few KiB of
  // header and a long list of one name, megabytes to hash per candidate. No signer does it.
  std::vector<std::string_view> sorted(out.begin(), out.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

std::optional<authorization> parse_authorization(std::string_view header, std::string& problem) {
  header = trim(header);
  if (!header.starts_with(algorithm)) {
    problem = "unsupported algorithm";
    return std::nullopt;
  }
  header.remove_prefix(algorithm.size());
  std::optional<std::string_view> credential, signed_headers, sig;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find_first_of(", \t", pos);
    if (end == std::string_view::npos) end = header.size();
    auto token = header.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) continue;
    auto eq = token.find('=');
    if (eq == std::string_view::npos) {
      problem = "the authorization component \"" + std::string(token) + "\" is malformed";
      return std::nullopt;
    }
    auto name = token.substr(0, eq);
    auto value = token.substr(eq + 1);
    std::optional<std::string_view>* slot = name == "Credential"      ? &credential
                                            : name == "SignedHeaders" ? &signed_headers
                                            : name == "Signature"     ? &sig
                                                                      : nullptr;
    if (!slot) {
      problem = "the authorization component \"" + std::string(name) + "\" is not recognised";
      return std::nullopt;
    }
    if (slot->has_value()) {
      problem = "the authorization component \"" + std::string(name) + "\" is repeated";
      return std::nullopt;
    }
    *slot = value;
  }
  if (!credential || !signed_headers || !sig) {
    problem =
        "the authorization header requires three components: Credential, SignedHeaders, and "
        "Signature";
    return std::nullopt;
  }
  authorization out;
  if (!parse_credential(*credential, out.credential)) {
    problem =
        "the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"";
    return std::nullopt;
  }
  if (!parse_signed_headers(*signed_headers, out.signed_headers)) {
    problem = "the SignedHeaders component is empty or malformed";
    return std::nullopt;
  }
  if (sig->empty()) {
    problem = "the Signature component is empty";
    return std::nullopt;
  }
  out.signature = std::string(*sig);
  return out;
}

std::string canonical_headers(const core::request& req,
                              const std::vector<std::string>& signed_headers) {
  std::string out;
  bool found = false;
  for (const auto& name : signed_headers) {
    auto value = canonical_header_value(req, name, found);
    if (!found && name == "content-length") value = std::to_string(req.body_size);
    out += name;
    out.push_back(':');
    out += value;
    out.push_back('\n');
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 8);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(canonical_headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out(algorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out += core::sha256_hex(canonical_request);
  return out;
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  auto k = core::hmac_sha256_raw("AWS4" + std::string(secret), date);
  k = core::hmac_sha256_raw(k, region);
  k = core::hmac_sha256_raw(k, service);
  return core::hmac_sha256_raw(k, "aws4_request");
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign) {
  return core::to_hex(core::hmac_sha256_raw(signing_key, string_to_sign));
}

bool parse_amz_date(std::string_view s, core::time_point& out) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  if (!all_digits(s.substr(0, 8)) || !all_digits(s.substr(9, 6))) return false;
  return core::parse_iso8601(s, out);
}

std::string format_amz_date(core::time_point t) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  time_t tt = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

verdict verify_header(const core::request& req, std::string_view header,
                      const credentials_provider& provider, core::time_point now,
                      const verify_options& options) {
  std::string problem;
  auto parsed = parse_authorization(header, problem);
  if (!parsed) return fail(failure_reason::malformed_header, problem);

  auto creds = provider.find(parsed->credential.access_key_id);
  if (!creds) return fail(failure_reason::invalid_access_key, parsed->credential.access_key_id);
  if (!creds->session_token.empty() && req.header("x-amz-security-token") != creds->session_token)
    return fail(failure_reason::invalid_token, "x-amz-security-token");

  signing_input in;
  core::time_point when;
  if (auto d = req.header("x-amz-date")) {
    if (!parse_amz_date(trim(*d), when))
      return fail(failure_reason::missing_date, "x-amz-date is not in the ISO8601 basic format");
    in.amz_date = std::string(trim(*d));
  } else if (auto date = req.header("date"); date && parse_request_date(trim(*date), when)) {
    in.amz_date = format_amz_date(when);
  } else {
    return fail(failure_reason::missing_date, "neither x-amz-date nor a valid Date header");
  }
  if (parsed->credential.date != std::string_view(in.amz_date).substr(0, 8))
    return fail(failure_reason::malformed_header,
                "Invalid credential date. Date is not the same as X-Amz-Date.");
  auto skew =
      std::chrono::duration_cast<std::chrono::seconds>(now > when ? now - when : when - now);
  if (skew > options.max_skew)
    return fail(failure_reason::time_skewed, "request time " + in.amz_date + " is " +
                                                 format_seconds(skew) + " from server time " +
                                                 format_amz_date(now));

  if (auto claimed = req.header("x-amz-content-sha256"))
    in.payload_candidates.emplace_back(trim(*claimed));
  else
    in.payload_candidates.push_back(body_sha256_hex(req));
  in.credential = std::move(parsed->credential);
  in.signed_headers = std::move(parsed->signed_headers);
  in.claimed = std::move(parsed->signature);
  auto v = finish(req, in, *creds, scheme::sigv4_header);
  // S3 checks a signed digest against the bytes it stores; no other service looks at it, so a
  // digest that is not the body's is refused here (SQS bodies are small).
  if (v.ok() && in.credential.service != "s3" &&
      payload_claim_is_digest(v.identity().payload_hash) &&
      v.identity().payload_hash != body_sha256_hex(req))
    return fail(failure_reason::payload_hash_mismatch,
                "x-amz-content-sha256 is not the SHA-256 of the body");
  return v;
}

verdict verify_query(const core::request& req, const credentials_provider& provider,
                     core::time_point now, const verify_options& options) {
  std::string alg, credential, date, expires, signed_headers, sig;
  auto q = std::string_view(req.raw_query);
  if (!find_param(q, "X-Amz-Algorithm", alg) || !find_param(q, "X-Amz-Credential", credential) ||
      !find_param(q, "X-Amz-Date", date) || !find_param(q, "X-Amz-Expires", expires) ||
      !find_param(q, "X-Amz-SignedHeaders", signed_headers) ||
      !find_param(q, "X-Amz-Signature", sig))
    return fail(
        failure_reason::malformed_query,
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  if (alg != algorithm)
    return fail(failure_reason::malformed_query,
                "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  signing_input in;
  if (!parse_credential(credential, in.credential))
    return fail(
        failure_reason::malformed_query,
        "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  core::time_point when;
  if (!parse_amz_date(date, when))
    return fail(failure_reason::malformed_query,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (!expires.empty() && expires.front() == '-' && all_digits(std::string_view(expires).substr(1)))
    return fail(failure_reason::malformed_query, "X-Amz-Expires must be non-negative");
  if (!all_digits(expires))
    return fail(failure_reason::malformed_query, "X-Amz-Expires should be a number");
  if (expires.size() > 7 || std::stoll(expires) > max_presign_expires)
    return fail(failure_reason::malformed_query,
                "X-Amz-Expires must be less than a week (in seconds) that is; the maximum expires "
                "is 604800 "
                "seconds");
  if (in.credential.date != std::string_view(date).substr(0, 8))
    return fail(failure_reason::malformed_query,
                "Invalid credential date \"" + in.credential.date +
                    "\". This date is not the same as X-Amz-Date: \"" + date.substr(0, 8) + "\".");
  if (!parse_signed_headers(signed_headers, in.signed_headers))
    return fail(failure_reason::malformed_query, "X-Amz-SignedHeaders is empty or malformed");

  auto creds = provider.find(in.credential.access_key_id);
  if (!creds) return fail(failure_reason::invalid_access_key, in.credential.access_key_id);
  if (!creds->session_token.empty()) {
    std::string token;
    if (!find_param(q, "X-Amz-Security-Token", token))
      token = std::string(req.headers.value_or("x-amz-security-token", ""));
    if (token != creds->session_token)
      return fail(failure_reason::invalid_token, "X-Amz-Security-Token");
  }

  auto lifetime = std::chrono::seconds(std::stoll(expires));
  if (when > now + options.max_skew)
    return fail(failure_reason::not_yet_valid,
                "X-Amz-Date " + date + " is after server time " + format_amz_date(now));
  if (now > when + lifetime)
    return fail(failure_reason::expired, "expired at " + format_amz_date(when + lifetime) +
                                             ", server time " + format_amz_date(now));

  if (in.credential.service == "s3") {
    // Presigned S3 URLs sign UNSIGNED-PAYLOAD unless the signer pinned a content hash.
    in.payload_candidates.emplace_back(unsigned_payload);
    std::string pinned;
    if (!find_param(q, "X-Amz-Content-Sha256", pinned))
      pinned = trim(req.headers.value_or("x-amz-content-sha256", ""));
    if (!pinned.empty() && pinned != unsigned_payload)
      in.payload_candidates.push_back(std::move(pinned));
  } else {
    in.payload_candidates.push_back(body_sha256_hex(req));
    in.payload_candidates.emplace_back(unsigned_payload);
  }
  in.amz_date = date;
  in.claimed = sig;
  in.exclude_param = "X-Amz-Signature";
  return finish(req, in, *creds, scheme::sigv4_query);
}

}  // namespace hayloft::http::auth::sigv4
