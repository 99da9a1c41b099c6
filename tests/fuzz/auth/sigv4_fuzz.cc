// SigV4 / SigV2 verification on a request a client controls. Input: a mode byte, then
// "METHOD TARGET\nName: value\n...". Every request is first verified as sent (a verdict, never a
// crash). Then, when its shape allows it, the request is signed here with the module's own
// building blocks (SigV4 header, SigV4 presigned URL or SigV2 header, by the mode byte) and must
// verify: whatever the path, query and headers hold, the verifier's canonical forms agree with the
// signer's. A one-byte change to that signature must then fail.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/hash.h"
#include "emulator/core/http_message.h"
#include "emulator/http/auth/canonical.h"
#include "emulator/http/auth/sigv2.h"
#include "emulator/http/auth/sigv4.h"
#include "emulator/http/auth/verify.h"

namespace {
using namespace hayloft;
using namespace hayloft::http::auth;

constexpr std::string_view akid = "AKIDFUZZ";
constexpr std::string_view secret = "fuzz-secret";
constexpr std::string_view amz_date = "20260101T000000Z";

void check(bool ok) {
  if (!ok) std::abort();
}

bool tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

core::request parse(std::string_view in) {
  core::request req;
  auto nl = in.find('\n');
  auto line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto sp = line.find(' ');
  req.method = std::string(line.substr(0, sp));
  std::string_view target = sp == std::string_view::npos ? "/" : line.substr(sp + 1);
  if (!core::parse_target(target, req)) {
    auto q = target.find('?');
    req.target = std::string(target);
    req.raw_path = std::string(target.substr(0, q));
    req.raw_query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  }
  while (!in.empty()) {
    nl = in.find('\n');
    line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    req.headers.add(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  if (auto host = req.headers.get("host")) {
    req.host = std::string(*host);
    if (auto c = req.host.rfind(':'); c != std::string::npos) req.host.resize(c);
  }
  return req;
}

// Names of presigned or legacy auth parameters already in the query: the request cannot be
// signed here without conflicting with them.
bool has_auth_param(std::string_view raw_query) {
  std::string name;
  for (const auto& p : split_raw_query(raw_query)) {
    if (!decode_component(p.name, name)) name = std::string(p.name);
    if (name.starts_with("X-Amz-") || name == "AWSAccessKeyId" || name == "Signature" || name == "Expires")
      return true;
  }
  return false;
}

void expect_verified(const core::request& req, const static_credentials& creds, core::time_point now,
                     std::string_view sig_prefix, const std::string& sig, bool in_query) {
  auto v = verify(req, creds, now);
  check(v.ok());
  check(v.identity().access_key_id == akid);
  // The same request with the signature's first character changed must not verify.
  core::request bad;
  bad.method = req.method;
  bad.target = req.target;
  bad.raw_path = req.raw_path;
  bad.path = req.path;
  bad.raw_query = req.raw_query;
  bad.query = req.query;
  bad.headers = req.headers;
  bad.host = req.host;
  std::string other = sig;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  if (in_query) {
    bad.raw_query.replace(bad.raw_query.rfind(sig), sig.size(), other);
  } else {
    bad.headers.set("Authorization", std::string(sig_prefix) + other);
  }
  check(!verify(bad, creds, now).ok());
}

void sign_v4_header(core::request req, bool s3, const static_credentials& creds, core::time_point now) {
  const std::string service = s3 ? "s3" : "sqs";
  req.headers.erase("x-amz-date");
  req.headers.erase("date");
  req.headers.erase("x-amz-content-sha256");
  req.headers.erase("x-amz-security-token");
  req.headers.add("x-amz-date", std::string(amz_date));
  req.headers.add("x-amz-content-sha256", s3 ? std::string(sigv4::unsigned_payload) : core::sha256_hex(""));
  std::vector<std::string> names;
  for (const auto& [k, v] : req.headers) {
    for (char c : k)
      if (!tchar(c)) return;
    names.push_back(core::to_lower(k));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ";") + n;
  auto uri = s3 ? canonical_uri_s3(req.raw_path).front() : canonical_uri_generic(req.raw_path);
  auto query = canonical_query(req.raw_query).front();
  auto creq = sigv4::canonical_request(req.method, uri, query, sigv4::canonical_headers(req, names), joined,
                                       *req.headers.get("x-amz-content-sha256"));
  auto scope = std::string(amz_date.substr(0, 8)) + "/us-east-1/" + service + "/aws4_request";
  auto sig = sigv4::signature(sigv4::signing_key(secret, amz_date.substr(0, 8), "us-east-1", service),
                              sigv4::string_to_sign(amz_date, scope, creq));
  auto prefix = "AWS4-HMAC-SHA256 Credential=" + std::string(akid) + "/" + scope + ", SignedHeaders=" + joined +
                ", Signature=";
  req.headers.add("Authorization", prefix + sig);
  expect_verified(req, creds, now, prefix, sig, false);
}

void presign_v4(core::request req, const static_credentials& creds, core::time_point now) {
  std::string q = req.raw_query;
  if (!q.empty()) q += '&';
  q += "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + std::string(akid) + "%2F" +
       std::string(amz_date.substr(0, 8)) + "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" +
       std::string(amz_date) + "&X-Amz-Expires=300&X-Amz-SignedHeaders=host";
  if (!req.headers.has("host")) req.headers.add("Host", "localhost:4566");
  req.raw_query = q;
  auto creq = sigv4::canonical_request(req.method, canonical_uri_s3(req.raw_path).front(),
                                       canonical_query(q, "X-Amz-Signature").front(),
                                       sigv4::canonical_headers(req, {"host"}), "host", sigv4::unsigned_payload);
  auto scope = std::string(amz_date.substr(0, 8)) + "/us-east-1/s3/aws4_request";
  auto sig = sigv4::signature(sigv4::signing_key(secret, amz_date.substr(0, 8), "us-east-1", "s3"),
                              sigv4::string_to_sign(amz_date, scope, creq));
  req.raw_query += "&X-Amz-Signature=" + sig;
  expect_verified(req, creds, now, "", sig, true);
}

void sign_v2_header(core::request req, const static_credentials& creds, core::time_point now) {
  req.headers.erase("x-amz-date");
  req.headers.erase("date");
  req.headers.erase("x-amz-security-token");
  const std::string date = "Thu, 01 Jan 2026 00:00:00 GMT";
  req.headers.add("Date", date);
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  auto sts = sigv2::string_to_sign(req.method, trim(req.headers.value_or("content-md5", "")),
                                   trim(req.headers.value_or("content-type", "")), date,
                                   sigv2::canonical_amz_headers(req), sigv2::canonical_resource(req, ""));
  auto sig = sigv2::signature(secret, sts);
  auto prefix = "AWS " + std::string(akid) + ":";
  req.headers.add("Authorization", prefix + sig);
  expect_verified(req, creds, now, prefix, sig, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  static const static_credentials creds({{std::string(akid), std::string(secret), ""}});
  core::time_point now;
  core::parse_iso8601("2026-01-01T00:00:00Z", now);
  auto req = parse(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));

  (void)verify(req, creds, now);
  std::string problem;
  (void)sigv4::parse_authorization(req.headers.value_or("authorization", ""), problem);
  core::time_point t;
  (void)parse_request_date(req.headers.value_or("date", ""), t);
  (void)sigv4::parse_amz_date(req.headers.value_or("x-amz-date", ""), t);

  if (req.method.empty() || req.headers.has("authorization") || has_auth_param(req.raw_query)) return 0;
  switch (data[0] % 4) {
    case 0: sign_v4_header(std::move(req), true, creds, now); break;
    case 1: sign_v4_header(std::move(req), false, creds, now); break;
    case 2: presign_v4(std::move(req), creds, now); break;
    default: sign_v2_header(std::move(req), creds, now); break;
  }
  return 0;
}
