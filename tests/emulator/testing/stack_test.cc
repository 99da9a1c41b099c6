// hayloft::testing::stack through its GoogleTest environment: one in-process stack for the
// program, reset between tests, driven with the typed AWS client and the manual clock.
#include <gtest/gtest.h>

#include "emulator/http/aws_client.h"
#include "emulator/testing/gtest.h"

namespace {

using hayloft::testing::environment;

constexpr const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: hayloft/echo}]}
)";

class StackTest : public ::testing::Test {
 protected:
  void SetUp() override { environment::get().reset(); }
  hayloft::testing::stack& hl = environment::get();
};

TEST_F(StackTest, ServesS3OnItsOwnPort) {
  EXPECT_NE(hl.port(), 0);
  EXPECT_EQ(hl.endpoint(), "http://127.0.0.1:" + std::to_string(hl.port()));
  hayloft::http::s3_request create;
  create.method = "PUT";
  create.bucket = "kit-bucket";
  auto made = hl.aws().s3_call(create);
  ASSERT_TRUE(made.ok()) << made.err().message;
  ASSERT_EQ(made->status, 200u);
  hayloft::http::s3_request put;
  put.method = "PUT";
  put.bucket = "kit-bucket";
  put.key = "a.txt";
  put.body = "hello kit";
  auto stored = hl.aws().s3_call(put);
  ASSERT_TRUE(stored.ok()) << stored.err().message;
  ASSERT_EQ(stored->status, 200u);
  auto got = hl.aws().get_object("kit-bucket", "a.txt");
  ASSERT_TRUE(got.ok()) << got.err().message;
  EXPECT_EQ(got->bytes, "hello kit");
}

TEST_F(StackTest, ResetEmptiesWhatTheLastTestMade) {
  auto r = hl.aws().sqs_call("ListQueues", nlohmann::json::object());
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_FALSE(r->contains("QueueUrls") && !(*r)["QueueUrls"].empty()) << r->dump();
  auto url = hl.aws().sqs_call("CreateQueue", {{"QueueName", "kit-queue"}});
  ASSERT_TRUE(url.ok()) << url.err().message;
  hl.reset();
  r = hl.aws().sqs_call("ListQueues", nlohmann::json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->contains("QueueUrls") && !(*r)["QueueUrls"].empty()) << r->dump();
}

TEST_F(StackTest, SqsMessagesRoundTrip) {
  auto made = hl.aws().sqs_call("CreateQueue", {{"QueueName", "kit-queue"}});
  ASSERT_TRUE(made.ok()) << made.err().message;
  auto url = hl.aws().get_queue_url("kit-queue");
  ASSERT_TRUE(url.ok()) << url.err().message;
  ASSERT_TRUE(hl.aws().send_message(*url, "hello").ok());
  auto got = hl.aws().receive_message(*url, 1, std::chrono::seconds(0));
  ASSERT_TRUE(got.ok()) << got.err().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].body, "hello");
}

TEST_F(StackTest, ManualClockAdvancesOnlyWhenTold) {
  auto before = hl.admin("GET", "/_hayloft/clock");
  EXPECT_EQ(before["kind"], "manual");
  auto again = hl.admin("GET", "/_hayloft/clock");
  EXPECT_EQ(before["unix_ms"], again["unix_ms"]);
  hl.advance("5m");
  auto after = hl.admin("GET", "/_hayloft/clock");
  EXPECT_EQ(after["unix_ms"].get<long long>() - before["unix_ms"].get<long long>(), 300000);
}

TEST_F(StackTest, AppliesManifestsAndReportsReplicas) {
  hl.apply(kDeployment, "shop");
  EXPECT_EQ(hl.replicas("web", "shop"), 2);
  hl.admin("POST", "/_hayloft/scale?kind=deployment&namespace=shop&name=web&replicas=3");
  EXPECT_EQ(hl.replicas("web", "shop"), 3);
}

TEST_F(StackTest, AdminErrorsThrowWithHayloftsMessage) {
  try {
    hl.replicas("absent", "shop");
    FAIL() << "expected an error for a missing deployment";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new environment());
  return RUN_ALL_TESTS();
}
