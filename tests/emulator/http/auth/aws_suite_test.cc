// The AWS Signature Version 4 test suite (service "service", us-east-1, 2015-08-30T12:36:00Z,
// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY). Requests, canonical requests and
// Authorization values as published; sources in emulator/http/auth/README.md.
#include <gtest/gtest.h>

#include "emulator/core/hash.h"
#include "emulator/http/auth/canonical.h"
#include "emulator/http/auth/sigv4.h"
#include "emulator/http/auth/verify.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http::auth {
namespace {

using testing::at;
using testing::header_list;
using testing::make_request;

constexpr const char* empty_hash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* form_hash =
    "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
constexpr const char* sts_token =
    "AQoDYXdzEPT//////////"
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUu"
    "wthAx7mSEI/qkPpKPi/"
    "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8Y"
    "QcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
    "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2"
    "ICCR/oLxBA==";

struct suite_case {
  const char* name;
  const char* method;
  const char* target;
  header_list headers;  // besides Host and X-Amz-Date
  const char* body;
  const char* canonical_uri;
  const char* canonical_query;
  const char* canonical_headers;  // without host and x-amz-date lines, which every case has
  const char* signed_headers;
  const char* signature;
};

const std::vector<suite_case>& cases() {
  static const std::vector<suite_case> all = {
      {"get-header-key-duplicate",
       "GET",
       "/",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "/",
       "",
       "my-header1:value2,value2,value1\n",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "/",
       "",
       "my-header1:value4,value1,value3,value2\n",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       {{"My-Header1", "value1"}, {"My-Header2", "\"a   b   c\""}},
       "",
       "/",
       "",
       "my-header1:value1\nmy-header2:\"a b c\"\n",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "",
       "",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-vanilla",
       "GET",
       "/",
       {},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-empty-query-key",
       "GET",
       "/?Param1=value1",
       {},
       "",
       "/",
       "Param1=value1",
       "",
       "host;x-amz-date",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-order-key",
       "GET",
       "/?Param1=value2&Param1=Value1",
       {},
       "",
       "/",
       "Param1=Value1&Param1=value2",
       "",
       "host;x-amz-date",
       "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/?Param2=value2&Param1=value1",
       {},
       "",
       "/",
       "Param1=value1&Param2=value2",
       "",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-value",
       "GET",
       "/?Param1=value2&Param1=value1",
       {},
       "",
       "/",
       "Param1=value1&Param1=value2",
       "",
       "host;x-amz-date",
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~"
       "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "/",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~"
       "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/?\xe1\x88\xb4=bar",
       {},
       "",
       "/",
       "%E1%88%B4=bar",
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"post-header-key-case",
       "POST",
       "/",
       {},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-sort",
       "POST",
       "/",
       {{"My-Header1", "value1"}},
       "",
       "/",
       "",
       "my-header1:value1\n",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       {{"My-Header1", "VALUE1"}},
       "",
       "/",
       "",
       "my-header1:VALUE1\n",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla-query",
       "POST",
       "/?Param1=value1",
       {},
       "",
       "/",
       "Param1=value1",
       "",
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "13"}},
       "Param1=value1",
       "/",
       "",
       "content-type:application/x-www-form-urlencoded\n",
       "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-x-www-form-urlencoded-parameters",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"},
        {"Content-Length", "13"}},
       "Param1=value1",
       "/",
       "",
       "content-type:application/x-www-form-urlencoded; charset=utf8\n",
       "content-type;host;x-amz-date",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
      {"get-relative",
       "GET",
       "/example/..",
       {},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative",
       "GET",
       "/example1/example2/../..",
       {},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash",
       "GET",
       "//",
       {},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash",
       "GET",
       "/./",
       {},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-pointless-dot",
       "GET",
       "/./example",
       {},
       "",
       "/example",
       "",
       "",
       "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-slashes",
       "GET",
       "//example//",
       {},
       "",
       "/example/",
       "",
       "",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-space",
       "GET",
       "/example space/",
       {},
       "",
       "/example%20space/",
       "",
       "",
       "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"post-sts-header-after",
       "POST",
       "/",
       {{"X-Amz-Security-Token", sts_token}},
       "",
       "/",
       "",
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
  };
  return all;
}

const core::time_point suite_now = at("2015-08-30T12:36:00Z");

static_credentials suite_credentials(std::string token = {}) {
  return static_credentials(
      {{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token)}});
}

core::request suite_request(const suite_case& c, bool with_auth, std::string_view signature) {
  header_list headers{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  headers.insert(headers.end(), c.headers.begin(), c.headers.end());
  if (with_auth)
    headers.emplace_back(
        "Authorization",
        std::string(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=") +
            c.signed_headers + ", Signature=" + std::string(signature));
  return make_request(c.method, c.target, headers, c.body);
}

TEST(AuthSigV4Suite, CanonicalRequestsMatchThePublishedOnes) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    auto req = suite_request(c, false, "");
    std::vector<std::string> names;
    ASSERT_TRUE(sigv4::parse_signed_headers(c.signed_headers, names));
    auto headers = sigv4::canonical_headers(req, names);
    std::string expected_headers = "host:example.amazonaws.com\n";
    std::string extra = c.canonical_headers;
    // The published canonical headers are sorted; host and x-amz-date sit around the others.
    if (extra.starts_with("content-type"))
      expected_headers = extra + expected_headers;
    else
      expected_headers += extra;
    expected_headers += "x-amz-date:20150830T123600Z\n";
    EXPECT_EQ(headers, expected_headers);
    EXPECT_EQ(canonical_uri_generic(req.raw_path), c.canonical_uri);
    EXPECT_EQ(canonical_query(req.raw_query).front(), c.canonical_query);
    std::string payload = *c.body ? form_hash : empty_hash;
    EXPECT_EQ(core::sha256_hex(c.body), payload);
  }
}

TEST(AuthSigV4Suite, EveryPublishedSignatureVerifies) {
  auto creds = suite_credentials();
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    auto v = verify(suite_request(c, true, c.signature), creds, suite_now);
    ASSERT_TRUE(v.ok()) << v.error().detail;
    EXPECT_EQ(v.identity().access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(v.identity().region, "us-east-1");
    EXPECT_EQ(v.identity().service, "service");
    EXPECT_EQ(v.identity().kind, scheme::sigv4_header);
    ASSERT_TRUE(v.identity().signing.has_value());
    EXPECT_EQ(v.identity().signing->signature, c.signature);
  }
}

TEST(AuthSigV4Suite, AlteredSignaturesAreRejected) {
  auto creds = suite_credentials();
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    for (std::size_t i : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
      auto v = verify(suite_request(c, true, testing::altered(c.signature, i)), creds, suite_now);
      ASSERT_FALSE(v.ok());
      EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
    }
  }
}

TEST(AuthSigV4Suite, AlteredRequestsAreRejected) {
  auto creds = suite_credentials();
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    auto req = suite_request(c, true, c.signature);
    req.method = req.method == "GET" ? "PUT" : "GET";
    auto v = verify(req, creds, suite_now);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
  }
}

// post-sts-header-before: the session token is a signed header.
TEST(AuthSigV4Suite, SessionTokenSignedBeforeVerifiesAndIsEnforced) {
  suite_case c{"post-sts-header-before",
               "POST",
               "/",
               {{"X-Amz-Security-Token", sts_token}},
               "",
               "/",
               "",
               "",
               "host;x-amz-date;x-amz-security-token",
               "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"};
  auto with_token = suite_credentials(sts_token);
  auto v = verify(suite_request(c, true, c.signature), with_token, suite_now);
  ASSERT_TRUE(v.ok()) << v.error().detail;

  auto other_token = suite_credentials("another-token");
  v = verify(suite_request(c, true, c.signature), other_token, suite_now);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, failure_reason::invalid_token);

  // Without a configured token the request is accepted on its signature alone.
  v = verify(suite_request(c, true, c.signature), suite_credentials(), suite_now);
  EXPECT_TRUE(v.ok());
}

TEST(AuthSigV4Suite, SigningKeyAndStringToSignOfGetVanilla) {
  auto creq = sigv4::canonical_request("GET", "/", "",
                                       "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n",
                                       "host;x-amz-date", empty_hash);
  auto sts =
      sigv4::string_to_sign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  auto key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1",
                                "service");
  EXPECT_EQ(sigv4::signature(key, sts),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

}  // namespace
}  // namespace hayloft::http::auth
