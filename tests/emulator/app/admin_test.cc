// The admin API's bounds: bodies over the size or nesting limits are refused with JSON errors,
// and client bytes that are not UTF-8 are echoed replaced, never thrown on.
#include "emulator/app/admin.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"

namespace hayloft::app {
namespace {

class inline_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override { fn(); }
};

class AdminTest : public ::testing::Test {
 protected:
  core::response call(std::string method, std::string path, std::string body = {}) {
    core::request req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.body_size = body.size();
    req.body = std::move(body);
    core::response out;
    bool answered = false;
    admin_.handle(std::move(req), [&](core::response r) {
      out = std::move(r);
      answered = true;
    });
    EXPECT_TRUE(answered);
    return out;
  }
  std::unique_ptr<core::clock> clock_ = core::make_manual_clock();
  inline_runner runner_;
  admin_service admin_{*clock_, runner_};
};

TEST_F(AdminTest, InvalidUtf8InAnEchoedPathIsReplacedNotThrown) {
  core::response r;
  ASSERT_NO_THROW(r = call("GET", "/_hayloft/\xff\xfe\xc0"));
  EXPECT_EQ(r.status, 404u);
  auto j = nlohmann::json::parse(r.body);  // valid JSON
  EXPECT_EQ(j["error"]["code"], "NotFound");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
}

TEST_F(AdminTest, BodiesOverTheSizeLimitAreRefused) {
  auto r = call("POST", "/_hayloft/clock", std::string(admin_body_limit + 1, ' '));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "RequestEntityTooLarge");
}

TEST_F(AdminTest, DeeplyNestedJsonIsRefusedBeforeParsing) {
  std::string deep(admin_json_depth + 1, '[');
  auto r = call("POST", "/_hayloft/clock", deep + std::string(admin_json_depth + 1, ']'));
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("nests deeper"), std::string::npos);
  // A million levels: refused just as fast, without recursion.
  r = call("POST", "/_hayloft/clock", std::string(1 << 20, '{'));
  EXPECT_EQ(r.status, 400u);
  // At the limit, and brackets inside strings, are fine.
  EXPECT_TRUE(json_depth_within(std::string(admin_json_depth, '[') + std::string(admin_json_depth, ']'), admin_json_depth));
  EXPECT_TRUE(json_depth_within(R"({"a": "[[[[[[[[\"[[[["})", 2));
  EXPECT_FALSE(json_depth_within(R"({"a": [[]]})", 2));
}

TEST_F(AdminTest, ClockStillParsesWellFormedBodies) {
  auto r = call("POST", "/_hayloft/clock", R"({"advance": "30s"})");
  EXPECT_EQ(r.status, 200u) << r.body;
  r = call("POST", "/_hayloft/clock", R"({"advance": 5})");
  EXPECT_EQ(r.status, 400u);
}

}  // namespace
}  // namespace hayloft::app
