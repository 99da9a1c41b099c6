#pragma once
// Request authentication for the edge (`--auth`): AWS Signature Version 4 (Authorization header
// and presigned query) and Signature Version 2 (S3 Authorization header and presigned query).
//
//   auto v = auth::verify(req, provider, clock.now());
//   if (!v.ok()) return handler.render_error(req, auth::to_aws_error(v.error(),
//   auth::protocol::s3));
//
// verify() is a pure function of its arguments: reentrant, callable from any thread. It reads
// the request's body only when it must hash it (SigV4 without an x-amz-content-sha256 header,
// i.e. SQS and other non-S3 services); if that body was spilled to body_file the read blocks.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "emulator/http/auth/credentials.h"

namespace hayloft::http::auth {

enum class failure_reason {
  missing_auth,              // neither an Authorization header nor presigned parameters
  unsupported_auth_type,     // an Authorization scheme or algorithm other than SigV4/SigV2
  multiple_auth_mechanisms,  // an Authorization header and presigned parameters together
  malformed_header,          // the Authorization header cannot be parsed or its scope is wrong
  malformed_query,           // presigned parameters missing, malformed or out of range
  missing_date,              // no usable x-amz-date / Date for header authentication
  invalid_access_key,        // access key id unknown to the credentials provider
  invalid_token,             // session token required by the credentials and absent or wrong
  signature_mismatch,        // the signature does not match what the request's bytes give
  time_skewed,               // header auth dated more than 15 minutes from now
  expired,                   // presigned URL past its expiry
  not_yet_valid,             // presigned URL dated more than 15 minutes in the future
  payload_hash_mismatch,     // x-amz-content-sha256 differs from the body (see payload_claim)
};

struct failure {
  failure_reason reason;
  std::string detail;  // human-readable specifics, used in messages and logs
};

enum class scheme { sigv4_header, sigv4_query, sigv2_header, sigv2_query };

// What a SigV4 request was signed with; seeds chunk_signer for aws-chunked bodies.
struct signing_context {
  std::string signing_key;  // raw 32 bytes, HMAC chain of secret, date, region, service
  std::string amz_date;     // "20130524T000000Z", as in the string to sign
  std::string scope;        // "20130524/us-east-1/s3/aws4_request"
  std::string signature;    // the request's own (seed) signature, lowercase hex
};

struct authenticated {
  std::string access_key_id;
  std::string region;   // from the credential scope; empty for SigV2
  std::string service;  // from the credential scope ("s3", "sqs"); "s3" for SigV2
  scheme kind = scheme::sigv4_header;
  // The payload hash the signature covers, taken literally: a 64-hex SHA-256, UNSIGNED-PAYLOAD
  // or a STREAMING-* value (SigV4 only; empty for SigV2).
  std::string payload_hash;
  std::optional<signing_context> signing;  // SigV4 only
};

class verdict {
 public:
  verdict(authenticated a) : v_(std::move(a)) {}  // NOLINT: implicit by design
  verdict(failure f) : v_(std::move(f)) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  const authenticated& identity() const { return std::get<0>(v_); }
  const failure& error() const { return std::get<1>(v_); }

 private:
  std::variant<authenticated, failure> v_;
};

struct verify_options {
  // Allowed clock difference for header authentication and for presigned URLs dated ahead.
  std::chrono::seconds max_skew{900};
  // Bucket named by the Host header (virtual-hosted style) when the router knows it; SigV2's
  // canonical resource starts with it. When empty, the Host's first label and the whole Host
  // are tried as well as the bare path.
  std::string virtual_host_bucket;
};

// Authenticates one request against the provider at time `now`.
verdict verify(const core::request& req, const credentials_provider& provider, core::time_point now,
               const verify_options& options = {});

// Whether an accepted S3 request still needs its body checked against the payload hash it
// signed: true when payload_hash is a literal SHA-256 (64 hex digits). The S3 service compares
// it with the SHA-256 of the bytes it stores and answers failure_reason::payload_hash_mismatch.
bool payload_claim_is_digest(std::string_view payload_hash);

// SHA-256 (lowercase hex) of the request body, from memory or body_file (blocking read).
std::string body_sha256_hex(const core::request& req);

// The AWS error each protocol answers for a failure. One table per protocol (errors.cc).
enum class protocol { s3, sqs };
core::aws_error to_aws_error(const failure& f, protocol p);

}  // namespace hayloft::http::auth
