// Service tests: bucket CORS configuration (validation, round trip), preflight OPTIONS answers
// and the CORS headers of actual requests, as S3 matches rules.
#include "s3/api/cors.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

const std::string config =
    "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<CORSRule><ID>web</ID><AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>"
    "<AllowedMethod>POST</AllowedMethod><AllowedHeader>content-*</AllowedHeader><AllowedHeader>x-amz-date</AllowedHeader>"
    "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>"
    "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
    "</CORSConfiguration>";

class S3CorsTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  std::string code(const core::response& r) { return xml_text(r.body, "Code"); }
  std::string put_code(std::string rules) {
    return code(call("PUT", "/bkt?cors", "<CORSConfiguration>" + rules + "</CORSConfiguration>"));
  }
  core::response preflight(std::string target, std::string origin, std::string method, std::string headers = {}) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!origin.empty()) h.emplace_back("Origin", origin);
    if (!method.empty()) h.emplace_back("Access-Control-Request-Method", method);
    if (!headers.empty()) h.emplace_back("Access-Control-Request-Headers", headers);
    return call("OPTIONS", target, "", h);
  }
};

TEST_F(S3CorsTest, ConfigurationRoundTripAndValidation) {
  auto r = call("GET", "/bkt?cors");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code(r), "NoSuchCORSConfiguration");
  ASSERT_EQ(call("PUT", "/bkt?cors", config).status, 200u);
  r = call("GET", "/bkt?cors");
  EXPECT_EQ(xml_count(r.body, "CORSRule"), 2u);
  EXPECT_EQ(xml_text(r.body, "MaxAgeSeconds"), "3000");
  EXPECT_EQ(xml_text(r.body, "ID"), "web");
  EXPECT_EQ(put_code("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>"),
            "InvalidRequest");
  EXPECT_EQ(xml_text(call("PUT", "/bkt?cors",
                          "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH"
                          "</AllowedMethod></CORSRule></CORSConfiguration>")
                         .body,
                     "Message"),
            "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
  EXPECT_EQ(put_code("<CORSRule><AllowedOrigin>*.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"),
            "InvalidRequest");
  EXPECT_EQ(put_code("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>"), "MalformedXML");
  EXPECT_EQ(put_code("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>"), "MalformedXML");
  EXPECT_EQ(put_code(""), "MalformedXML");
  EXPECT_EQ(put_code("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
                     "<MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule>"),
            "MalformedXML");
  std::string many;
  for (int i = 0; i < 101; ++i) many += "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";
  EXPECT_EQ(put_code(many), "MalformedXML");
  // Refusals keep the stored configuration.
  EXPECT_EQ(xml_count(call("GET", "/bkt?cors").body, "CORSRule"), 2u);
  EXPECT_EQ(call("DELETE", "/bkt?cors").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt?cors")), "NoSuchCORSConfiguration");
}

TEST_F(S3CorsTest, PreflightMatchesRulesInOrder) {
  auto r = preflight("/bkt/k", "https://app.example.com", "PUT");
  EXPECT_EQ(code(r), "AccessForbidden");
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(xml_text(r.body, "Message"), "CORSResponse: CORS is not enabled for this bucket.");
  ASSERT_EQ(call("PUT", "/bkt?cors", config).status, 200u);
  r = preflight("/bkt/k", "https://app.example.com", "PUT", "Content-Type, x-amz-date");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Origin", ""), "https://app.example.com");
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Methods", ""), "PUT, POST");
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Headers", ""), "Content-Type, x-amz-date");
  EXPECT_EQ(r.headers.value_or("Access-Control-Expose-Headers", ""), "ETag");
  EXPECT_EQ(r.headers.value_or("Access-Control-Max-Age", ""), "3000");
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Credentials", ""), "true");
  EXPECT_NE(r.headers.value_or("Vary", "").find("Origin"), std::string::npos);
  // A header the rule does not allow, another origin, another method: no rule matches.
  r = preflight("/bkt/k", "https://app.example.com", "PUT", "x-custom");
  EXPECT_EQ(code(r), "AccessForbidden");
  EXPECT_EQ(xml_text(r.body, "Method"), "PUT");
  EXPECT_EQ(xml_text(r.body, "ResourceType"), "OBJECT");
  EXPECT_EQ(code(preflight("/bkt/k", "https://example.org", "PUT")), "AccessForbidden");
  EXPECT_EQ(code(preflight("/bkt/k", "https://app.example.com", "DELETE")), "AccessForbidden");
  // The second rule: any origin may GET, answered with '*' and no credentials.
  r = preflight("/bkt", "https://else.where", "GET");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Origin", ""), "*");
  EXPECT_FALSE(r.headers.has("Access-Control-Allow-Credentials"));
  EXPECT_EQ(code(preflight("/bkt/k", "", "GET")), "BadRequest");
  EXPECT_EQ(code(preflight("/bkt/k", "https://a.example.com", "")), "BadRequest");
  EXPECT_EQ(code(preflight("/bkt/k", "https://a.example.com", "PATCH")), "BadRequest");
  EXPECT_EQ(code(preflight("/nope/k", "https://a.example.com", "GET")), "AccessForbidden");
}

TEST_F(S3CorsTest, ActualRequestsCarryTheMatchingRulesHeaders) {
  put("bkt/k", "data");
  EXPECT_FALSE(call("GET", "/bkt/k", "", {{"Origin", "https://x.example.com"}}).headers.has("Access-Control-Allow-Origin"));
  ASSERT_EQ(call("PUT", "/bkt?cors", config).status, 200u);
  auto r = call("PUT", "/bkt/k", "new", {{"Origin", "https://x.example.com"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Origin", ""), "https://x.example.com");
  EXPECT_EQ(r.headers.value_or("Access-Control-Expose-Headers", ""), "ETag");
  r = call("GET", "/bkt/k", "", {{"Origin", "https://x.example.com"}});
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Origin", ""), "*");
  // Errors carry them too; requests without Origin or from an origin no rule names do not.
  r = call("GET", "/bkt/missing", "", {{"Origin", "https://x.example.com"}});
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.headers.value_or("Access-Control-Allow-Origin", ""), "*");
  EXPECT_FALSE(call("GET", "/bkt/k").headers.has("Access-Control-Allow-Origin"));
  EXPECT_FALSE(call("DELETE", "/bkt/k", "", {{"Origin", "https://x.example.com"}}).headers.has("Access-Control-Allow-Origin"));
}

TEST(S3CorsMatching, Wildcards) {
  EXPECT_TRUE(wildcard_match("*", "", false));
  EXPECT_TRUE(wildcard_match("https://*.example.com", "https://a.b.example.com", false));
  EXPECT_FALSE(wildcard_match("https://*.example.com", "https://example.com", false));
  EXPECT_FALSE(wildcard_match("https://*.example.com", "http://a.example.com", false));
  EXPECT_TRUE(wildcard_match("x-amz-*", "X-Amz-Date", true));
  EXPECT_FALSE(wildcard_match("x-amz-*", "X-Amz-Date", false));
  EXPECT_TRUE(wildcard_match("abc", "abc", false));
  EXPECT_FALSE(wildcard_match("abc", "abcd", false));
  EXPECT_EQ(split_header_list(" a, ,b ,"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace hayloft::s3::testing
