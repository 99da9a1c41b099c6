// Failure paths of auth::verify: missing, conflicting, unsupported and malformed credentials,
// unknown keys, clock skew and presigned expiry on fixed `now` values, and a fuzz-ish table of
// broken Authorization values that must come back as verdicts, never crashes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "emulator/core/hash.h"
#include "emulator/http/auth/sigv4.h"
#include "emulator/http/auth/verify.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http::auth {
namespace {

using testing::at;
using testing::header_list;
using testing::make_request;

constexpr const char* akid = "AKIDHAYLOFT";
constexpr const char* secret = "hayloft-secret";
const core::time_point signed_at = at("2026-01-01T00:00:00Z");

static_credentials creds() { return static_credentials({{akid, secret, ""}}); }

// A GET signed here with the module's own building blocks (the published vectors live in the
// other test files); `date` is both x-amz-date and the credential date.
core::request signed_get(std::string amz_date = "20260101T000000Z", std::string service = "s3") {
  auto req = make_request("GET", "/bucket/key.txt?versionId=3",
                          {{"Host", "localhost:4566"},
                           {"x-amz-date", amz_date},
                           {"x-amz-content-sha256", std::string(sigv4::empty_sha256)}});
  auto scope = amz_date.substr(0, 8) + "/us-east-1/" + service + "/aws4_request";
  auto creq = sigv4::canonical_request(
      "GET", "/bucket/key.txt", "versionId=3",
      "host:localhost:4566\nx-amz-content-sha256:" + std::string(sigv4::empty_sha256) +
          "\nx-amz-date:" + amz_date + "\n",
      "host;x-amz-content-sha256;x-amz-date", sigv4::empty_sha256);
  auto sig =
      sigv4::signature(sigv4::signing_key(secret, amz_date.substr(0, 8), "us-east-1", service),
                       sigv4::string_to_sign(amz_date, scope, creq));
  req.headers.add("Authorization",
                  "AWS4-HMAC-SHA256 Credential=" + std::string(akid) + "/" + scope +
                      ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + sig);
  return req;
}

failure_reason reason_of(const verdict& v) {
  EXPECT_FALSE(v.ok());
  return v.ok() ? failure_reason::missing_auth : v.error().reason;
}

TEST(AuthFailures, SelfSignedRequestVerifies) {
  auto v = verify(signed_get(), creds(), signed_at);
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v.identity().access_key_id, akid);
}

TEST(AuthFailures, NoCredentialsAtAllIsMissingAuth) {
  auto req = make_request("GET", "/bucket/key.txt", {{"Host", "localhost:4566"}});
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::missing_auth);
  req.headers.add("Authorization", "   ");
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::missing_auth);
}

TEST(AuthFailures, UnknownAccessKeyIsInvalidAccessKey) {
  auto v = verify(signed_get(), static_credentials({{"SOMEONEELSE", secret, ""}}), signed_at);
  EXPECT_EQ(reason_of(v), failure_reason::invalid_access_key);
  EXPECT_EQ(v.error().detail, akid);
}

TEST(AuthFailures, WrongSecretIsSignatureMismatch) {
  EXPECT_EQ(reason_of(verify(signed_get(), static_credentials({{akid, "other", ""}}), signed_at)),
            failure_reason::signature_mismatch);
}

TEST(AuthFailures, HeaderClockSkewBeyondFifteenMinutes) {
  auto req = signed_get();
  EXPECT_TRUE(verify(req, creds(), at("2026-01-01T00:15:00Z")).ok());
  EXPECT_TRUE(verify(req, creds(), at("2025-12-31T23:45:00Z")).ok());
  EXPECT_EQ(reason_of(verify(req, creds(), at("2026-01-01T00:15:01Z"))),
            failure_reason::time_skewed);
  EXPECT_EQ(reason_of(verify(req, creds(), at("2025-12-31T23:44:59Z"))),
            failure_reason::time_skewed);
  verify_options tight;
  tight.max_skew = std::chrono::seconds(60);
  EXPECT_EQ(reason_of(verify(req, creds(), at("2026-01-01T00:01:01Z"), tight)),
            failure_reason::time_skewed);
}

TEST(AuthFailures, MissingOrBadDates) {
  auto req = signed_get();
  req.headers.erase("x-amz-date");
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::missing_date);
  req.headers.add("x-amz-date", "2026-01-01T00:00:00Z");
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::missing_date);
  req.headers.set("x-amz-date", "yesterday");
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::missing_date);
}

TEST(AuthFailures, FarFutureAndFarPastDatesAreSkewNotOverflow) {
  for (const char* date : {"99991231T235959Z", "00010101T000000Z", "22630101T000000Z"}) {
    auto req = signed_get(date);
    EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::time_skewed) << date;
  }
  // A Date in 9999 parses (clamped) and then differs from the credential's date.
  for (const char* date : {"Fri, 31 Dec 9999 23:59:59 GMT", "Fri, 31 Dec 9999 23:59:59 +1400"}) {
    auto req = signed_get();
    req.headers.erase("x-amz-date");
    req.headers.add("Date", date);
    EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::malformed_header) << date;
  }
}

TEST(AuthFailures, RepeatedSignedHeaderNamesAreMalformed) {
  auto req = signed_get();
  std::string names;
  for (int i = 0; i < 1000; ++i) names += "host;";
  req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(akid) +
                                       "/20260101/us-east-1/s3/aws4_request, SignedHeaders=" + names +
                                       "x-amz-date, Signature=" + std::string(64, 'a'));
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::malformed_header);
  std::vector<std::string> out;
  EXPECT_FALSE(sigv4::parse_signed_headers("host;x-amz-date;HOST", out));
  EXPECT_TRUE(sigv4::parse_signed_headers("x-amz-date;host", out));
}

TEST(AuthFailures, DateHeaderStandsInForXAmzDate) {
  auto req = signed_get();
  req.headers.erase("x-amz-date");
  req.headers.add("Date", "Thu, 01 Jan 2026 00:00:00 GMT");
  // The signature covered x-amz-date, which is gone: the Date header parses but cannot match.
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::signature_mismatch);
}

TEST(AuthFailures, CredentialDateMustMatchRequestDate) {
  auto req = signed_get();
  req.headers.set("x-amz-date", "20260102T000000Z");
  EXPECT_EQ(reason_of(verify(req, creds(), at("2026-01-02T00:00:00Z"))),
            failure_reason::malformed_header);
}

TEST(AuthFailures, HeaderAndPresignedParametersTogether) {
  auto req = signed_get();
  req.raw_query += "&X-Amz-Signature=abc";
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::multiple_auth_mechanisms);
  req = signed_get();
  req.raw_query += "&AWSAccessKeyId=AKID";
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::multiple_auth_mechanisms);
}

TEST(AuthFailures, OtherAuthorizationSchemesAreUnsupported) {
  for (const char* value :
       {"Bearer abc", "Basic dXNlcjpwYXNz", "AWS4-ECDSA-P256-SHA256 Credential=a/b/s3/aws4_request",
        "AWS4-HMAC-SHA512 Credential=x", "aws4-hmac-sha256 Credential=x"}) {
    SCOPED_TRACE(value);
    auto req = make_request("GET", "/", {{"Host", "localhost"}, {"Authorization", value}});
    EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::unsupported_auth_type);
  }
}

// Broken Authorization values: each must be a failure verdict of the expected kind.
TEST(AuthFailures, MalformedAuthorizationHeaders) {
  const std::string good_sig(64, 'a');
  const std::string cred = "Credential=AKIDHAYLOFT/20260101/us-east-1/s3/aws4_request";
  struct {
    std::string value;
    failure_reason reason;
  } table[] = {
      {"AWS4-HMAC-SHA256", failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 ", failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 ,,,", failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential", failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=", failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred, failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host", failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=",
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, Signature=" + good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, Signature=" + good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + good_sig +
           ", Signature=" + good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + good_sig + ", Extra=1",
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/20260101/us-east-1/s3, SignedHeaders=host, "
       "Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/2026011/us-east-1/s3/aws4_request, "
       "SignedHeaders=host, Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/20260101/us-east-1/s3/aws5_request, "
       "SignedHeaders=host, Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, "
       "Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT//us-east-1/s3/aws4_request, SignedHeaders=host, "
       "Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/20260101//s3/aws4_request, SignedHeaders=host, "
       "Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/20260101/us-east-1/s3/aws4_request/x, "
       "SignedHeaders=host, Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/abcdefgh/us-east-1/s3/aws4_request, "
       "SignedHeaders=host, Signature=" +
           good_sig,
       failure_reason::malformed_header},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + good_sig,
       failure_reason::signature_mismatch},
      {"AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=host,Signature=xyz",
       failure_reason::signature_mismatch},
      {"AWS4-HMAC-SHA256 Credential=NOBODY/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, "
       "Signature=" +
           good_sig,
       failure_reason::invalid_access_key},
      {std::string("AWS4-HMAC-SHA256 ") + cred +
           std::string(", SignedHeaders=host, Signature=\0\0", 35),
       failure_reason::signature_mismatch},
      {"AWS", failure_reason::malformed_header},
      {"AWS ", failure_reason::malformed_header},
      {"AWS AKIDHAYLOFT", failure_reason::malformed_header},
      {"AWS AKIDHAYLOFT:", failure_reason::malformed_header},
      {"AWS :c2ln", failure_reason::malformed_header},
      {"AWS AKID HAYLOFT:c2ln", failure_reason::malformed_header},
      {"AWS NOBODY:c2ln", failure_reason::invalid_access_key},
      {"AWS AKIDHAYLOFT:c2ln", failure_reason::signature_mismatch},
      {std::string(5000, 'A'), failure_reason::unsupported_auth_type},
      {"\x01\x02\x03", failure_reason::unsupported_auth_type},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.value);
    auto req = make_request("GET", "/bucket/key",
                            {{"Host", "localhost:4566"},
                             {"x-amz-date", "20260101T000000Z"},
                             {"Date", "Thu, 01 Jan 2026 00:00:00 GMT"},
                             {"Authorization", row.value}});
    auto v = verify(req, creds(), signed_at);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().reason, row.reason) << v.error().detail;
    // Every failure renders for both protocols.
    EXPECT_FALSE(to_aws_error(v.error(), protocol::s3).code.empty());
    EXPECT_FALSE(to_aws_error(v.error(), protocol::sqs).code.empty());
  }
}

// Random single-byte edits, truncations and insertions of a valid header: every outcome is a
// verdict, and an accepted one still carries the exact original signature.
TEST(AuthFailures, MutatedHeadersNeverCrashAndNeverForge) {
  auto base = signed_get();
  const std::string header(*base.header("Authorization"));
  const std::string sig = header.substr(header.rfind('=') + 1);
  std::mt19937 rng(20260101);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string h = header;
    auto pos = std::uniform_int_distribution<std::size_t>(0, h.size() - 1)(rng);
    auto byte = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    switch (i % 3) {
      case 0:
        h[pos] = byte;
        break;
      case 1:
        h.resize(pos);
        break;
      case 2:
        h.insert(pos, 1, byte);
        break;
    }
    auto req = testing::copy_of(base);
    req.headers.set("Authorization", h);
    auto v = verify(req, creds(), signed_at);
    if (v.ok()) {
      ++accepted;
      EXPECT_NE(h.find(sig), std::string::npos) << h;
    }
  }
  EXPECT_LT(accepted, 300);
}

core::request presigned(std::string extra_or_replaced) {
  return make_request("GET", "/bucket/key?" + extra_or_replaced, {{"Host", "localhost:4566"}});
}

TEST(AuthFailures, MalformedPresignedParameters) {
  const std::string cred =
      "X-Amz-Credential=AKIDHAYLOFT%2F20260101%2Fus-east-1%2Fs3%2Faws4_request";
  const std::string rest = "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + std::string(64, 'a');
  struct {
    std::string query;
    failure_reason reason;
  } table[] = {
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256", failure_reason::malformed_query},
      {"X-Amz-Signature=abc", failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred + "&X-Amz-Date=20260101T000000Z" + rest,
       failure_reason::malformed_query},  // no X-Amz-Expires
      {"X-Amz-Algorithm=AWS4-HMAC-SHA1&" + cred + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60" +
           rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDHAYLOFT%2F20260101&X-Amz-Date="
       "20260101T000000Z&"
       "X-Amz-Expires=60" +
           rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=2026-01-01T00:00:00Z&X-Amz-Expires=60" + rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=604801" + rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=99999999999999999999" + rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=-5" + rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=ten" + rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260102T000000Z&X-Amz-Expires=60" + rest,
       failure_reason::malformed_query},  // credential date differs
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=&X-Amz-Signature=aa",
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=%zz" + rest,
       failure_reason::malformed_query},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=NOBODY%2F20260101%2Fus-east-1%2Fs3%"
       "2Faws4_request&"
       "X-Amz-Date=20260101T000000Z&X-Amz-Expires=60" +
           rest,
       failure_reason::invalid_access_key},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=604800" + rest,
       failure_reason::signature_mismatch},
      {"AWSAccessKeyId=AKIDHAYLOFT&Signature=abc", failure_reason::malformed_query},
      {"AWSAccessKeyId=AKIDHAYLOFT&Signature=abc&Expires=soon", failure_reason::malformed_query},
      {"AWSAccessKeyId=&Signature=abc&Expires=1767225600", failure_reason::malformed_query},
      {"AWSAccessKeyId=NOBODY&Signature=abc&Expires=1767225600",
       failure_reason::invalid_access_key},
      {"AWSAccessKeyId=AKIDHAYLOFT&Signature=abc&Expires=1767225599", failure_reason::expired},
      // Twelve digits is the year 33658: compared in seconds, never as a nanosecond time_point.
      {"AWSAccessKeyId=AKIDHAYLOFT&Signature=abc&Expires=999999999999",
       failure_reason::signature_mismatch},
      {"AWSAccessKeyId=AKIDHAYLOFT&Signature=abc&Expires=9999999999999", failure_reason::malformed_query},
      // A date whose seconds overflow a nanosecond clock: clamped, then simply not yet valid.
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDHAYLOFT%2F99991231%2Fus-east-1%2Fs3%"
       "2Faws4_request&X-Amz-Date=99991231T235959Z&X-Amz-Expires=604800" + rest,
       failure_reason::not_yet_valid},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred +
           "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bhost"
           "&X-Amz-Signature=" + std::string(64, 'a'),
       failure_reason::malformed_query},
      {"AWSAccessKeyId=AKIDHAYLOFT&Signature=abc&Expires=1767225600",
       failure_reason::signature_mismatch},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.query);
    auto v = verify(presigned(row.query), creds(), signed_at);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().reason, row.reason) << v.error().detail;
  }
}

std::string presign(std::string_view amz_date, int expires) {
  std::string date(amz_date);
  auto scope = date.substr(0, 8) + "/us-east-1/s3/aws4_request";
  std::string query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDHAYLOFT%2F" +
                      date.substr(0, 8) + "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" + date +
                      "&X-Amz-Expires=" + std::to_string(expires) + "&X-Amz-SignedHeaders=host";
  auto creq = sigv4::canonical_request("GET", "/bucket/key", query, "host:localhost:4566\n", "host",
                                       "UNSIGNED-PAYLOAD");
  auto sig = sigv4::signature(sigv4::signing_key(secret, date.substr(0, 8), "us-east-1", "s3"),
                              sigv4::string_to_sign(date, scope, creq));
  return query + "&X-Amz-Signature=" + sig;
}

TEST(AuthFailures, PresignedExpiryOnFixedClock) {
  auto req = presigned(presign("20260101T000000Z", 300));
  EXPECT_TRUE(verify(req, creds(), at("2026-01-01T00:00:00Z")).ok());
  EXPECT_TRUE(verify(req, creds(), at("2026-01-01T00:05:00Z")).ok());
  EXPECT_EQ(reason_of(verify(req, creds(), at("2026-01-01T00:05:01Z"))), failure_reason::expired);
  EXPECT_EQ(reason_of(verify(req, creds(), at("2025-12-31T23:44:59Z"))),
            failure_reason::not_yet_valid);

  auto week = presigned(presign("20260101T000000Z", 604800));
  EXPECT_TRUE(verify(week, creds(), at("2026-01-08T00:00:00Z")).ok());
  EXPECT_EQ(reason_of(verify(week, creds(), at("2026-01-08T00:00:01Z"))), failure_reason::expired);

  auto zero = presigned(presign("20260101T000000Z", 0));
  EXPECT_TRUE(verify(zero, creds(), at("2026-01-01T00:00:00Z")).ok());
  EXPECT_EQ(reason_of(verify(zero, creds(), at("2026-01-01T00:00:01Z"))), failure_reason::expired);
}

// Random edits of a valid presigned query (and of the path): verdicts only, and nothing is
// accepted without the exact signature parameter and the signed parameters intact.
TEST(AuthFailures, MutatedPresignedQueriesNeverCrashAndNeverForge) {
  const std::string query = presign("20260101T000000Z", 300);
  const std::string sig = query.substr(query.rfind('=') + 1);
  std::mt19937 rng(604800);
  const char alphabet[] = "%&=+/aA0zZ-_.~ \x01\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string q = query;
    auto pos = std::uniform_int_distribution<std::size_t>(0, q.size() - 1)(rng);
    char c = alphabet[std::uniform_int_distribution<std::size_t>(0, sizeof alphabet - 2)(rng)];
    switch (i % 4) {
      case 0:
        q[pos] = c;
        break;
      case 1:
        q.resize(pos);
        break;
      case 2:
        q.insert(pos, 1, c);
        break;
      case 3:
        q.erase(pos, std::uniform_int_distribution<std::size_t>(1, 20)(rng));
        break;
    }
    auto v = verify(presigned(q), creds(), signed_at);
    if (v.ok()) {
      EXPECT_NE(q.find("X-Amz-Signature=" + sig), std::string::npos) << q;
      EXPECT_NE(q.find("X-Amz-Expires=300"), std::string::npos) << q;
    }
  }
}

TEST(AuthFailures, PresignedSessionTokenIsEnforcedWhenConfigured) {
  auto with_token = static_credentials({{akid, secret, "tok"}});
  auto req = presigned(presign("20260101T000000Z", 300));
  EXPECT_EQ(reason_of(verify(req, with_token, signed_at)), failure_reason::invalid_token);
}

// A non-S3 client (the JS SDK v3 does this for SQS) may send x-amz-content-sha256; it is signed
// literally, and must also be the hash of the body since no service checks it later.
TEST(AuthFailures, NonS3DigestHeaderMustMatchTheBody) {
  auto sqs_request = [](const std::string& claimed, const std::string& body) {
    auto req = make_request("POST", "/",
                            {{"Host", "localhost:4566"},
                             {"x-amz-date", "20260101T000000Z"},
                             {"x-amz-content-sha256", claimed}},
                            body);
    auto scope = std::string("20260101/us-east-1/sqs/aws4_request");
    auto creq = sigv4::canonical_request(
        "POST", "/", "",
        "host:localhost:4566\nx-amz-content-sha256:" + claimed + "\nx-amz-date:20260101T000000Z\n",
        "host;x-amz-content-sha256;x-amz-date", claimed);
    auto sig = sigv4::signature(sigv4::signing_key(secret, "20260101", "us-east-1", "sqs"),
                                sigv4::string_to_sign("20260101T000000Z", scope, creq));
    req.headers.add("Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/" + scope +
                        ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + sig);
    return req;
  };
  const std::string body = R"({"QueueName":"q"})";
  EXPECT_TRUE(verify(sqs_request(core::sha256_hex(body), body), creds(), signed_at).ok());
  EXPECT_EQ(reason_of(verify(sqs_request(core::sha256_hex("other"), body), creds(), signed_at)),
            failure_reason::payload_hash_mismatch);
  EXPECT_TRUE(verify(sqs_request("UNSIGNED-PAYLOAD", body), creds(), signed_at).ok());
}

TEST(AuthFailures, NonS3BodyIsHashedFromASpilledFile) {
  // An SQS request whose body the edge spilled to a file: the verifier hashes the file.
  const std::string body = "Action=ListQueues&Version=2012-11-05";
  auto path =
      std::filesystem::temp_directory_path() / ("hayloft-auth-body-" + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    out << body;
  }
  auto req = make_request("POST", "/",
                          {{"Host", "localhost:4566"},
                           {"Content-Type", "application/x-www-form-urlencoded"},
                           {"x-amz-date", "20260101T000000Z"}});
  req.body_file = core::temp_file(path);
  req.body_size = body.size();
  EXPECT_EQ(body_sha256_hex(req), core::sha256_hex(body));

  auto scope = std::string("20260101/eu-west-1/sqs/aws4_request");
  auto creq = sigv4::canonical_request(
      "POST", "/", "",
      "content-type:application/"
      "x-www-form-urlencoded\nhost:localhost:4566\nx-amz-date:20260101T000000Z\n",
      "content-type;host;x-amz-date", core::sha256_hex(body));
  auto sig = sigv4::signature(sigv4::signing_key(secret, "20260101", "eu-west-1", "sqs"),
                              sigv4::string_to_sign("20260101T000000Z", scope, creq));
  req.headers.add("Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDHAYLOFT/" + scope +
                      ", SignedHeaders=content-type;host;x-amz-date, Signature=" + sig);
  auto v = verify(req, creds(), signed_at);
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v.identity().service, "sqs");
  EXPECT_EQ(v.identity().region, "eu-west-1");

  req.body_file = core::temp_file{};  // deletes the file: an empty body no longer matches
  req.body_size = 0;
  EXPECT_EQ(reason_of(verify(req, creds(), signed_at)), failure_reason::signature_mismatch);
}

}  // namespace
}  // namespace hayloft::http::auth
