// Canonical forms: which candidates the verifier tries for a path or query a client encoded in
// its own way.
#include <gtest/gtest.h>

#include "emulator/http/auth/canonical.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http::auth {
namespace {

using V = std::vector<std::string>;

TEST(AuthCanonical, S3PathsAreEncodedOnceAndNotNormalised) {
  EXPECT_EQ(canonical_uri_s3("/bucket/a b.txt"), (V{"/bucket/a%20b.txt", "/bucket/a b.txt"}));
  EXPECT_EQ(canonical_uri_s3("/bucket/a%20b.txt"), (V{"/bucket/a%20b.txt"}));
  EXPECT_EQ(canonical_uri_s3("/bucket/%7Euser/x"), (V{"/bucket/~user/x", "/bucket/%7Euser/x"}));
  EXPECT_EQ(canonical_uri_s3("/bucket/a%2fb"), (V{"/bucket/a%2Fb", "/bucket/a%2fb"}));
  EXPECT_EQ(canonical_uri_s3("/bucket//./../k"), (V{"/bucket//./../k"}));
  EXPECT_EQ(canonical_uri_s3(""), (V{"/"}));
  EXPECT_EQ(canonical_uri_s3("/b/%zz"), (V{"/b/%zz"}));  // undecodable: only the raw form
  EXPECT_EQ(canonical_uri_s3("/b/\xc3\xa9"), (V{"/b/%C3%A9", "/b/\xc3\xa9"}));
}

TEST(AuthCanonical, OtherServicesNormaliseAndEncodeTwice) {
  EXPECT_EQ(canonical_uri_generic("/000000000000/test-queue"), "/000000000000/test-queue");
  EXPECT_EQ(canonical_uri_generic("/a%20b/"), "/a%2520b/");
  EXPECT_EQ(canonical_uri_generic("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(canonical_uri_generic("/.."), "/");
  EXPECT_EQ(canonical_uri_generic(""), "/");
}

TEST(AuthCanonical, QueryCandidates) {
  EXPECT_EQ(canonical_query(""), (V{""}));
  EXPECT_EQ(canonical_query("b=2&a=1&a"), (V{"a=&a=1&b=2"}));
  // '+' is a literal plus to AWS, a space to form decoders, and as-sent to botocore.
  EXPECT_EQ(canonical_query("q=a+b"), (V{"q=a%2Bb", "q=a%20b", "q=a+b"}));
  EXPECT_EQ(canonical_query("k=%7e&x=%2f"), (V{"k=~&x=%2F", "k=%7e&x=%2f"}));
  EXPECT_EQ(canonical_query("k=%zz"), (V{"k=%zz"}));
  EXPECT_EQ(canonical_query("a=1&X-Amz-Signature=s&b=2", "X-Amz-Signature"), (V{"a=1&b=2"}));
  EXPECT_EQ(canonical_query("&&a=1&&"), (V{"a=1"}));
}

TEST(AuthCanonical, RawParameters) {
  std::string v;
  EXPECT_TRUE(find_param("a=1&X-Amz-Credential=A%2FB&b", "X-Amz-Credential", v));
  EXPECT_EQ(v, "A/B");
  EXPECT_TRUE(find_param("Signature=a+b%2B", "Signature", v));
  EXPECT_EQ(v, "a+b+");
  EXPECT_FALSE(find_param("a=1", "b", v));
  EXPECT_FALSE(find_param("a=%4", "a", v));
  EXPECT_TRUE(decode_component("%41%42", v));
  EXPECT_EQ(v, "AB");
  EXPECT_FALSE(decode_component("%", v));
  EXPECT_FALSE(decode_component("%4", v));
  EXPECT_FALSE(decode_component("%g0", v));
}

TEST(AuthCanonical, HeaderValues) {
  auto req = testing::make_request("GET", "/",
                                   {{"X-A", "  one   two "}, {"x-a", "three"}, {"Host", "h:1"}});
  bool found = false;
  EXPECT_EQ(canonical_header_value(req, "x-a", found), "one two,three");
  EXPECT_TRUE(found);
  EXPECT_EQ(canonical_header_value(req, "x-b", found), "");
  EXPECT_FALSE(found);
  EXPECT_EQ(collapse_spaces("\t a \t b\t"), "a b");
  req.headers.erase("Host");
  EXPECT_EQ(canonical_header_value(req, "host", found), "h");
  EXPECT_TRUE(found);
}

TEST(AuthCanonical, RequestDates) {
  core::time_point t;
  ASSERT_TRUE(parse_request_date("Tue, 27 Mar 2007 19:36:42 +0000", t));
  EXPECT_EQ(core::iso8601(t), "2007-03-27T19:36:42.000Z");
  ASSERT_TRUE(parse_request_date("Tue, 27 Mar 2007 21:36:42 +0200", t));
  EXPECT_EQ(core::iso8601(t), "2007-03-27T19:36:42.000Z");
  ASSERT_TRUE(parse_request_date("Tue, 27 Mar 2007 19:36:42 GMT", t));
  EXPECT_EQ(core::iso8601(t), "2007-03-27T19:36:42.000Z");
  EXPECT_FALSE(parse_request_date("Tue, 27 Mar 2007", t));
  EXPECT_FALSE(parse_request_date("", t));
}

TEST(AuthCanonical, SignatureComparison) {
  EXPECT_TRUE(signatures_equal("abc", "abc"));
  EXPECT_FALSE(signatures_equal("abc", "abd"));
  EXPECT_FALSE(signatures_equal("abc", "ABC"));
  EXPECT_FALSE(signatures_equal("abc", "abcd"));
  EXPECT_TRUE(signatures_equal("", ""));
}

}  // namespace
}  // namespace hayloft::http::auth
