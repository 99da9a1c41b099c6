// One table per protocol from failure_reason to the AWS error a real service answers. Sources
// for every code and message are listed in README.md ("Errors").
#include "emulator/http/auth/verify.h"

namespace hayloft::http::auth {
namespace {

core::aws_error s3_error(const failure& f) {
  switch (f.reason) {
    case failure_reason::missing_auth:
      return {403, "AccessDenied", "Access Denied"};
    case failure_reason::unsupported_auth_type:
      return {400, "InvalidArgument", "Unsupported Authorization Type"};
    case failure_reason::multiple_auth_mechanisms:
      return {400, "InvalidArgument",
              "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
              "Signature query string "
              "parameter or the Authorization header should be specified"};
    case failure_reason::malformed_header:
      return {400, "AuthorizationHeaderMalformed",
              "The authorization header is malformed; " + f.detail};
    case failure_reason::malformed_query:
      return {400, "AuthorizationQueryParametersError", f.detail};
    case failure_reason::missing_date:
      return {403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"};
    case failure_reason::invalid_access_key:
      return {403, "InvalidAccessKeyId",
              "The AWS Access Key Id you provided does not exist in our records."};
    case failure_reason::invalid_token:
      return {400, "InvalidToken", "The provided token is malformed or otherwise invalid."};
    case failure_reason::signature_mismatch:
      return {403, "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided. "
              "Check your key and "
              "signing method."};
    case failure_reason::time_skewed:
      return {403, "RequestTimeTooSkewed",
              "The difference between the request time and the current time is too large."};
    case failure_reason::expired:
      return {403, "AccessDenied", "Request has expired"};
    case failure_reason::not_yet_valid:
      return {403, "AccessDenied", "Request is not yet valid"};
    case failure_reason::payload_hash_mismatch:
      return {400, "XAmzContentSHA256Mismatch",
              "The provided 'x-amz-content-sha256' header does not match what was computed."};
  }
  return {500, "InternalError", "We encountered an internal error. Please try again."};
}

constexpr const char* sqs_incomplete = "The request signature does not conform to AWS standards.";
constexpr const char* sqs_expired =
    "The request reached the service more than 15 minutes after the date stamp on the request or "
    "more than 15 "
    "minutes after the request expiration date (such as for pre-signed URLs), or the date stamp on "
    "the request is "
    "more than 15 minutes in the future.";
constexpr const char* sqs_mismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access "
    "Key and signing method. Consult the service documentation for details.";

core::aws_error sqs_error(const failure& f) {
  auto incomplete = [&](std::string fallback) -> core::aws_error {
    return {400, "IncompleteSignature", f.detail.empty() ? std::move(fallback) : f.detail};
  };
  switch (f.reason) {
    case failure_reason::missing_auth:
      return {403, "MissingAuthenticationToken",
              "The request must contain either a valid (registered) AWS access key ID or X.509 "
              "certificate."};
    case failure_reason::unsupported_auth_type:
    case failure_reason::multiple_auth_mechanisms:
      return {400, "IncompleteSignature", sqs_incomplete};
    case failure_reason::malformed_header:
    case failure_reason::malformed_query:
      return incomplete(sqs_incomplete);
    case failure_reason::missing_date:
      return {
          400, "IncompleteSignature",
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."};
    case failure_reason::invalid_access_key:
    case failure_reason::invalid_token:
      return {403, "InvalidClientTokenId",
              "The security token included in the request is invalid."};
    case failure_reason::signature_mismatch:
    case failure_reason::payload_hash_mismatch:
      return {403, "SignatureDoesNotMatch", sqs_mismatch};
    case failure_reason::time_skewed:
    case failure_reason::expired:
    case failure_reason::not_yet_valid:
      return {400, "RequestExpired", sqs_expired};
  }
  return {500, "InternalFailure",
          "The request processing has failed because of an unknown error, exception or failure."};
}

}  // namespace

core::aws_error to_aws_error(const failure& f, protocol p) {
  return p == protocol::s3 ? s3_error(f) : sqs_error(f);
}

}  // namespace hayloft::http::auth
