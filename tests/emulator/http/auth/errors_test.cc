// Every entry of the failure -> AWS error tables (errors.cc), for S3 and for SQS.
#include <gtest/gtest.h>

#include "emulator/http/auth/verify.h"

namespace hayloft::http::auth {
namespace {

struct row {
  failure_reason reason;
  unsigned status;
  const char* code;
  const char* message_start;
};

void check(protocol p, const row& r, std::string detail = "detail here") {
  auto e = to_aws_error(failure{r.reason, std::move(detail)}, p);
  EXPECT_EQ(e.status, r.status) << r.code;
  EXPECT_EQ(e.code, r.code);
  EXPECT_TRUE(e.message.starts_with(r.message_start)) << e.message;
}

TEST(AuthErrors, S3Table) {
  const row rows[] = {
      {failure_reason::missing_auth, 403, "AccessDenied", "Access Denied"},
      {failure_reason::unsupported_auth_type, 400, "InvalidArgument",
       "Unsupported Authorization Type"},
      {failure_reason::multiple_auth_mechanisms, 400, "InvalidArgument",
       "Only one auth mechanism allowed"},
      {failure_reason::malformed_header, 400, "AuthorizationHeaderMalformed",
       "The authorization header is malformed; detail here"},
      {failure_reason::malformed_query, 400, "AuthorizationQueryParametersError", "detail here"},
      {failure_reason::missing_date, 403, "AccessDenied",
       "AWS authentication requires a valid Date or x-amz-date header"},
      {failure_reason::invalid_access_key, 403, "InvalidAccessKeyId",
       "The AWS Access Key Id you provided does not exist in our records."},
      {failure_reason::invalid_token, 400, "InvalidToken",
       "The provided token is malformed or otherwise invalid."},
      {failure_reason::signature_mismatch, 403, "SignatureDoesNotMatch",
       "The request signature we calculated does not match the signature you provided. Check your "
       "key and signing"},
      {failure_reason::time_skewed, 403, "RequestTimeTooSkewed",
       "The difference between the request time and the current time is too large."},
      {failure_reason::expired, 403, "AccessDenied", "Request has expired"},
      {failure_reason::not_yet_valid, 403, "AccessDenied", "Request is not yet valid"},
      {failure_reason::payload_hash_mismatch, 400, "XAmzContentSHA256Mismatch",
       "The provided 'x-amz-content-sha256' header does not match what was computed."},
  };
  for (const auto& r : rows) check(protocol::s3, r);
}

TEST(AuthErrors, SqsTable) {
  const row rows[] = {
      {failure_reason::missing_auth, 403, "MissingAuthenticationToken",
       "The request must contain either a valid (registered) AWS access key ID or X.509 "
       "certificate."},
      {failure_reason::unsupported_auth_type, 400, "IncompleteSignature",
       "The request signature does not conform to AWS standards."},
      {failure_reason::multiple_auth_mechanisms, 400, "IncompleteSignature",
       "The request signature does not conform to AWS standards."},
      {failure_reason::malformed_header, 400, "IncompleteSignature", "detail here"},
      {failure_reason::malformed_query, 400, "IncompleteSignature", "detail here"},
      {failure_reason::missing_date, 400, "IncompleteSignature",
       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
      {failure_reason::invalid_access_key, 403, "InvalidClientTokenId",
       "The security token included in the request is invalid."},
      {failure_reason::invalid_token, 403, "InvalidClientTokenId",
       "The security token included in the request is invalid."},
      {failure_reason::signature_mismatch, 403, "SignatureDoesNotMatch",
       "The request signature we calculated does not match the signature you provided. Check your "
       "AWS Secret Access"},
      {failure_reason::time_skewed, 400, "RequestExpired",
       "The request reached the service more than 15 minutes"},
      {failure_reason::expired, 400, "RequestExpired",
       "The request reached the service more than 15 minutes"},
      {failure_reason::not_yet_valid, 400, "RequestExpired",
       "The request reached the service more than 15 minutes"},
      {failure_reason::payload_hash_mismatch, 403, "SignatureDoesNotMatch",
       "The request signature we calculated"},
  };
  for (const auto& r : rows) check(protocol::sqs, r);
}

TEST(AuthErrors, SqsMalformedWithoutDetailFallsBackToTheStandardMessage) {
  check(protocol::sqs,
        {failure_reason::malformed_header, 400, "IncompleteSignature",
         "The request signature does not conform to AWS standards."},
        "");
}

}  // namespace
}  // namespace hayloft::http::auth
