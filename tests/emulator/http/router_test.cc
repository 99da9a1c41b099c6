#include "emulator/http/router.h"

#include <gtest/gtest.h>

#include <memory>

namespace hayloft::http {
namespace {

std::shared_ptr<core::request> make(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {},
                   std::string body = {}) {
  auto r = std::make_shared<core::request>();
  r->method = std::move(method);
  EXPECT_TRUE(core::parse_target(target, *r));
  for (auto& [k, v] : headers) r->headers.add(k, v);
  r->body = std::move(body);
  return r;
}

struct route_case {
  const char* name;
  std::shared_ptr<core::request> req;
  route expected;
};

TEST(Router, ClassifiesEveryKindOfRequest) {
  const char* form = "application/x-www-form-urlencoded; charset=utf-8";
  std::vector<route_case> cases = {
      {"sqs json", make("POST", "/", {{"X-Amz-Target", "AmazonSQS.SendMessage"}}), route::sqs},
      {"sqs query form on root", make("POST", "/", {{"Content-Type", form}}, "Action=ListQueues&Version=2012-11-05"),
       route::sqs},
      {"sqs query form on queue url",
       make("POST", "/000000000000/test-queue", {{"Content-Type", form}}, "Version=2012-11-05&Action=SendMessage"),
       route::sqs},
      {"sqs query GET", make("GET", "/?Action=ListQueues"), route::sqs},
      {"s3 list buckets", make("GET", "/"), route::s3},
      {"s3 post delete", make("POST", "/bucket?delete", {{"Content-Type", "application/xml"}}, "<Delete/>"), route::s3},
      {"s3 form-typed object PUT", make("PUT", "/000000000000/x", {{"Content-Type", form}}, "Action=x"), route::s3},
      {"s3 key under account-like bucket", make("GET", "/000000000000/a/b"), route::s3},
      {"admin", make("GET", "/_hayloft/health"), route::admin},
      {"localstack health", make("GET", "/_localstack/health"), route::admin},
      {"k8s", make("GET", "/_hayloft/k8s/api/v1/pods"), route::k8s},
      {"metrics unsigned", make("GET", "/metrics"), route::metrics},
      {"metrics bucket signed", make("GET", "/metrics", {{"Authorization", "AWS4-HMAC-SHA256 Credential=x"}}), route::s3},
      {"prometheus api", make("GET", "/api/v1/query?query=up"), route::prometheus},
  };
  for (const auto& c : cases) EXPECT_EQ(classify(*c.req), c.expected) << c.name;
}

}  // namespace
}  // namespace hayloft::http
