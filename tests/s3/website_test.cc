// Service tests: the static website endpoint (virtual-host and path forms): index documents,
// folder redirects, routing rules, redirect-all, object redirects and the error document.
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3WebsiteTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("site");
    ASSERT_EQ(call("PUT", "/site?website",
                   "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument>"
                   "<Key>404.html</Key></ErrorDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>old/"
                   "</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith>new/</ReplaceKeyPrefixWith>"
                   "</Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>")
                  .status,
              200u);
    put("site/index.html", "home", {{"Content-Type", "text/html"}});
    put("site/docs/index.html", "docs home");
    put("site/404.html", "not here");
    put("site/moved", "x", {{"x-amz-website-redirect-location", "/index.html"}});
  }
  core::response web(std::string method, std::string target, std::string host = "site.s3-website.localhost:4566") {
    return call(make_request(std::move(method), target, {}, {}, std::move(host)));
  }
};

TEST_F(S3WebsiteTest, ServesIndexFoldersRulesAndErrors) {
  auto r = web("GET", "/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(body_of(r), "home");
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/html");
  r = web("GET", "/docs");
  EXPECT_EQ(r.status, 302u);
  EXPECT_EQ(r.headers.value_or("Location", ""), "/docs/");
  EXPECT_EQ(body_of(web("GET", "/docs/")), "docs home");
  r = web("GET", "/missing.html");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(body_of(r), "not here");
  r = web("GET", "/old/page.html");
  EXPECT_EQ(r.status, 301u);
  EXPECT_EQ(r.headers.value_or("Location", ""), "/new/page.html");
  r = web("GET", "/moved");
  EXPECT_EQ(r.status, 301u);
  EXPECT_EQ(r.headers.value_or("Location", ""), "/index.html");
  EXPECT_EQ(web("HEAD", "/").status, 200u);
  r = web("PUT", "/x");
  EXPECT_EQ(r.status, 405u);
  EXPECT_NE(r.body.find("MethodNotAllowed"), std::string::npos);
}

TEST_F(S3WebsiteTest, PathFormAndBucketsWithoutAWebsite) {
  auto r = web("GET", "/site/", "s3-website.localhost:4566");
  EXPECT_EQ(body_of(r), "home");
  r = web("GET", "/site/docs", "s3-website.localhost:4566");
  EXPECT_EQ(r.headers.value_or("Location", ""), "/site/docs/");
  create("plain");
  r = web("GET", "/", "plain.s3-website-eu-central-1.localhost");
  EXPECT_EQ(r.status, 404u);
  EXPECT_NE(r.body.find("NoSuchWebsiteConfiguration"), std::string::npos);
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/html; charset=utf-8");
  EXPECT_EQ(web("GET", "/", "nobucket.s3-website.localhost").status, 404u);
  // Without an error document, a missing key is S3's HTML 404 page.
  ASSERT_EQ(call("PUT", "/plain?website",
                 "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>")
                .status,
            200u);
  r = web("GET", "/nothing", "plain.s3-website.localhost");
  EXPECT_EQ(r.status, 404u);
  EXPECT_NE(r.body.find("<li>Code: NoSuchKey</li>"), std::string::npos) << r.body;
  // The REST endpoint is unchanged.
  EXPECT_EQ(call("GET", "/site/docs").status, 404u);
}

TEST_F(S3WebsiteTest, RedirectAllRequests) {
  create("old-site");
  ASSERT_EQ(call("PUT", "/old-site?website",
                 "<WebsiteConfiguration><RedirectAllRequestsTo><HostName>example.com</HostName><Protocol>https"
                 "</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>")
                .status,
            200u);
  auto r = web("GET", "/a/b.html", "old-site.s3-website.localhost");
  EXPECT_EQ(r.status, 301u);
  EXPECT_EQ(r.headers.value_or("Location", ""), "https://example.com/a/b.html");
}

}  // namespace
}  // namespace hayloft::s3::testing
