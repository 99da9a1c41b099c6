#pragma once
// AWS Signature Version 4 building blocks (canonical request, string to sign, signing key,
// Authorization header parsing) and the two SigV4 verifiers. Pure functions; any thread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/http/auth/verify.h"

namespace hayloft::http::auth::sigv4 {

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// "AKID/20130524/us-east-1/s3/aws4_request"
struct credential_scope {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};
// False unless exactly five '/'-separated parts, a YYYYMMDD date, non-empty region and service,
// and the aws4_request terminator.
bool parse_credential(std::string_view text, credential_scope& out);

// The parts of "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
struct authorization {
  credential_scope credential;
  std::vector<std::string> signed_headers;
  std::string signature;
};
// Parses an Authorization header that starts with the SigV4 algorithm. On failure returns
// nullopt and sets `problem` to what is wrong (for the error message).
std::optional<authorization> parse_authorization(std::string_view header, std::string& problem);

// Splits "host;range;x-amz-date"; false when empty, a name is empty or a name repeats.
bool parse_signed_headers(std::string_view text, std::vector<std::string>& out);

// "name:value\n" for each signed header, in the order given.
std::string canonical_headers(const core::request& req,
                              const std::vector<std::string>& signed_headers);

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
// Raw 32-byte key: HMAC chain of "AWS4"+secret over date, region, service, "aws4_request".
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);
// Lowercase hex HMAC-SHA256 of the string to sign.
std::string signature(std::string_view signing_key, std::string_view string_to_sign);

// A strict ISO 8601 basic timestamp "YYYYMMDDTHHMMSSZ".
bool parse_amz_date(std::string_view s, core::time_point& out);
std::string format_amz_date(core::time_point t);

// The verifiers behind auth::verify (which picks the scheme).
verdict verify_header(const core::request& req, std::string_view header,
                      const credentials_provider& provider, core::time_point now,
                      const verify_options& options);
verdict verify_query(const core::request& req, const credentials_provider& provider,
                     core::time_point now, const verify_options& options);

}  // namespace hayloft::http::auth::sigv4
