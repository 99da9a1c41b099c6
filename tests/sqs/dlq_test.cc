// Dead-letter queues and message move tasks on the manual clock, both protocols.
#include <gtest/gtest.h>

#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::string kSrc = "http://localhost:4566/000000000000/src";
const std::string kDlq = "http://localhost:4566/000000000000/dlq";
const std::string kDlqArn = "arn:aws:sqs:us-east-1:000000000000:dlq";
const std::string kSrcArn = "arn:aws:sqs:us-east-1:000000000000:src";

class SqsDeadLetter : public ::testing::TestWithParam<api::protocol> {
 protected:
  void SetUp() override {
    h.create_queue("dlq");
    h.create_queue("src", {{"VisibilityTimeout", "10"},
                           {"RedrivePolicy", R"({"deadLetterTargetArn":")" + kDlqArn + R"(","maxReceiveCount":"2"})"}});
  }
  reply call(const std::string& op, json p) { return h.call(GetParam(), op, p); }
  json receive(const std::string& q, json extra = json::object()) {
    extra["QueueUrl"] = q;
    extra["MaxNumberOfMessages"] = 10;
    extra["AttributeNames"] = {"All"};
    auto r = call("ReceiveMessage", extra);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.body.value("Messages", json::array());
  }
  // Receives every message of src maxReceiveCount times and lets each delivery expire.
  void exhaust() {
    for (int i = 0; i < 2; ++i) {
      ASSERT_FALSE(receive(kSrc).empty());
      h.advance(seconds(10));
    }
  }
  harness h;
};

TEST_P(SqsDeadLetter, MovedOnTheReceiveAfterMaxReceiveCount) {
  h.send(kSrc, "poison", {{"MessageAttributes", {{"k", {{"DataType", "String"}, {"StringValue", "v"}}}}}});
  auto sent_id = h.receive(kSrc, {{"VisibilityTimeout", 0}})[0]["MessageId"];
  h.advance(seconds(0));
  ASSERT_FALSE(receive(kSrc).empty());  // second delivery
  h.advance(seconds(10));
  EXPECT_EQ(h.counts("src").visible, 1);
  EXPECT_TRUE(receive(kSrc).empty()) << "third receive moves it instead of delivering it";
  h.flush();
  EXPECT_EQ(h.counts("src").visible + h.counts("src").not_visible, 0);
  EXPECT_EQ(h.counts("dlq").visible, 1);
  auto moved = receive(kDlq, {{"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0]["Body"], "poison");
  EXPECT_EQ(moved[0]["MessageId"], sent_id);
  EXPECT_EQ(moved[0]["Attributes"]["DeadLetterQueueSourceArn"], kSrcArn);
  EXPECT_EQ(moved[0]["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(moved[0]["Attributes"]["SentTimestamp"], "1767225600000");
  EXPECT_EQ(moved[0]["MessageAttributes"]["k"]["StringValue"], "v");
}

TEST_P(SqsDeadLetter, LongPollStillGetsHealthyMessages) {
  h.send(kSrc, "poison");
  exhaust();
  h.send(kSrc, "healthy");
  auto r = receive(kSrc);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["Body"], "healthy");
  h.flush();
  EXPECT_EQ(h.counts("dlq").visible, 1);
}

TEST_P(SqsDeadLetter, RedrivePolicyValidationAndSourceListing) {
  auto attrs = call("GetQueueAttributes", {{"QueueUrl", kSrc}, {"AttributeNames", {"RedrivePolicy"}}});
  EXPECT_EQ(attrs.body["Attributes"]["RedrivePolicy"], R"({"deadLetterTargetArn":")" + kDlqArn + R"(","maxReceiveCount":2})");
  auto sources = call("ListDeadLetterSourceQueues", {{"QueueUrl", kDlq}});
  ASSERT_TRUE(sources.ok()) << sources.message;
  EXPECT_EQ(sources.body["queueUrls"], json::array({kSrc}));
  EXPECT_FALSE(call("ListDeadLetterSourceQueues", {{"QueueUrl", kSrc}}).body.contains("queueUrls"));

  auto set = [&](const std::string& policy) {
    return call("SetQueueAttributes", {{"QueueUrl", kSrc}, {"Attributes", {{"RedrivePolicy", policy}}}});
  };
  auto missing = set(R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":3})");
  EXPECT_EQ(missing.code, "InvalidParameterValue");
  EXPECT_NE(missing.message.find("Dead letter target does not exist."), std::string::npos);
  EXPECT_EQ(set(R"({"deadLetterTargetArn":")" + kDlqArn + R"(","maxReceiveCount":0})").code, "InvalidParameterValue");
  EXPECT_EQ(set(R"({"maxReceiveCount":3})").code, "InvalidParameterValue");
  EXPECT_EQ(set("not json").code, "InvalidParameterValue");
  h.create_queue("fdlq.fifo", {{"FifoQueue", "true"}});
  auto type = set(R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:fdlq.fifo","maxReceiveCount":3})");
  EXPECT_EQ(type.code, "InvalidParameterValue");
  // The dead-letter queue's RedriveAllowPolicy decides who may use it.
  h.create_queue("other");
  const std::string other = "http://localhost:4566/000000000000/other";
  auto redrive = R"({"deadLetterTargetArn":")" + kDlqArn + R"(","maxReceiveCount":3})";
  auto allow = [&](const std::string& policy) {
    return call("SetQueueAttributes", {{"QueueUrl", kDlq}, {"Attributes", {{"RedriveAllowPolicy", policy}}}});
  };
  ASSERT_TRUE(allow(R"({"redrivePermission":"denyAll"})").ok());
  EXPECT_EQ(call("SetQueueAttributes", {{"QueueUrl", other}, {"Attributes", {{"RedrivePolicy", redrive}}}}).code,
            "InvalidParameterValue");
  ASSERT_TRUE(allow(R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + kSrcArn + R"("]})").ok());
  EXPECT_EQ(call("SetQueueAttributes", {{"QueueUrl", other}, {"Attributes", {{"RedrivePolicy", redrive}}}}).code,
            "InvalidParameterValue");
  EXPECT_TRUE(set(redrive).ok());
  ASSERT_TRUE(allow(R"({"redrivePermission":"allowAll"})").ok());
  EXPECT_TRUE(call("SetQueueAttributes", {{"QueueUrl", other}, {"Attributes", {{"RedrivePolicy", redrive}}}}).ok());
  ASSERT_TRUE(call("SetQueueAttributes", {{"QueueUrl", other}, {"Attributes", {{"RedrivePolicy", ""}}}}).ok());
  // Clearing the policy stops dead-lettering.
  ASSERT_TRUE(set("").ok());
  EXPECT_FALSE(call("ListDeadLetterSourceQueues", {{"QueueUrl", kDlq}}).body.contains("queueUrls"));
}

TEST_P(SqsDeadLetter, MoveTaskRedrivesToTheSource) {
  for (int i = 0; i < 3; ++i) h.send(kSrc, "m" + std::to_string(i));
  exhaust();
  EXPECT_TRUE(receive(kSrc).empty());
  h.flush();
  ASSERT_EQ(h.counts("dlq").visible, 3);

  auto start = call("StartMessageMoveTask", {{"SourceArn", kDlqArn}});
  ASSERT_TRUE(start.ok()) << start.message;
  ASSERT_FALSE(start.body["TaskHandle"].get<std::string>().empty());
  h.flush();
  EXPECT_EQ(h.counts("dlq").visible, 0);
  EXPECT_EQ(h.counts("src").visible, 3);
  auto list = call("ListMessageMoveTasks", {{"SourceArn", kDlqArn}});
  ASSERT_EQ(list.body["Results"].size(), 1u);
  EXPECT_EQ(list.body["Results"][0]["Status"], "COMPLETED");
  EXPECT_EQ(list.body["Results"][0]["ApproximateNumberOfMessagesMoved"], "3");
  EXPECT_EQ(list.body["Results"][0]["ApproximateNumberOfMessagesToMove"], "3");
  EXPECT_EQ(list.body["Results"][0]["SourceArn"], kDlqArn);
  EXPECT_FALSE(list.body["Results"][0].contains("TaskHandle"));
  // Back in the source with a fresh receive count.
  auto back = receive(kSrc);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0]["Attributes"]["ApproximateReceiveCount"], "1");
}

TEST_P(SqsDeadLetter, RateLimitedMoveTaskFollowsTheClockAndCanBeCancelled) {
  h.create_queue("dest");
  for (int i = 0; i < 25; ++i) h.send(kSrc, "m" + std::to_string(i));
  for (int i = 0; i < 3; ++i) {
    while (!receive(kSrc).empty()) {
    }
    h.advance(seconds(10));
  }
  h.flush();
  ASSERT_EQ(h.counts("dlq").visible, 25);

  auto start = call("StartMessageMoveTask", {{"SourceArn", kDlqArn},
                                             {"DestinationArn", "arn:aws:sqs:us-east-1:000000000000:dest"},
                                             {"MaxNumberOfMessagesPerSecond", 10}});
  ASSERT_TRUE(start.ok()) << start.message;
  h.flush();
  EXPECT_EQ(h.counts("dest").visible, 10);
  auto again = call("StartMessageMoveTask", {{"SourceArn", kDlqArn}});
  EXPECT_EQ(again.code, "InvalidParameterValue");
  h.advance(seconds(1));
  EXPECT_EQ(h.counts("dest").visible, 20);
  auto running = call("ListMessageMoveTasks", {{"SourceArn", kDlqArn}, {"MaxResults", 10}});
  EXPECT_EQ(running.body["Results"][0]["Status"], "RUNNING");
  EXPECT_EQ(running.body["Results"][0]["MaxNumberOfMessagesPerSecond"], "10");
  EXPECT_EQ(running.body["Results"][0]["TaskHandle"], start.body["TaskHandle"]);
  auto cancel = call("CancelMessageMoveTask", {{"TaskHandle", start.body["TaskHandle"]}});
  ASSERT_TRUE(cancel.ok()) << cancel.message;
  EXPECT_EQ(cancel.body["ApproximateNumberOfMessagesMoved"], "20");
  h.advance(seconds(5));
  EXPECT_EQ(h.counts("dest").visible, 20);
  EXPECT_EQ(h.counts("dlq").visible, 5);
  EXPECT_EQ(call("ListMessageMoveTasks", {{"SourceArn", kDlqArn}}).body["Results"][0]["Status"], "CANCELLED");
  EXPECT_EQ(call("CancelMessageMoveTask", {{"TaskHandle", start.body["TaskHandle"]}}).code, "ResourceNotFoundException");
}

TEST_P(SqsDeadLetter, MoveTaskFailsForMessagesOfUnknownOrigin) {
  h.send(kDlq, "sent straight to the dead-letter queue");
  auto start = call("StartMessageMoveTask", {{"SourceArn", kDlqArn}});
  ASSERT_TRUE(start.ok()) << start.message;
  h.flush();
  auto list = call("ListMessageMoveTasks", {{"SourceArn", kDlqArn}});
  EXPECT_EQ(list.body["Results"][0]["Status"], "FAILED");
  EXPECT_EQ(list.body["Results"][0]["FailureReason"], "CouldNotDetermineMessageSource");
  EXPECT_EQ(h.counts("dlq").visible, 1) << "the message stays where it was";
}

TEST_P(SqsDeadLetter, MoveTaskErrors) {
  auto not_dlq = call("StartMessageMoveTask", {{"SourceArn", kSrcArn}});
  EXPECT_EQ(not_dlq.code, "InvalidParameterValue");
  EXPECT_EQ(not_dlq.message, "Source queue must be configured as a Dead Letter Queue.");
  auto missing = call("StartMessageMoveTask", {{"SourceArn", "arn:aws:sqs:us-east-1:000000000000:nope"}});
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.code, "ResourceNotFoundException");
  EXPECT_EQ(call("StartMessageMoveTask", {{"SourceArn", kDlqArn}, {"DestinationArn", "arn:aws:sqs:us-east-1:0:x"}}).code,
            "ResourceNotFoundException");
  EXPECT_EQ(call("StartMessageMoveTask", {{"SourceArn", kDlqArn}, {"MaxNumberOfMessagesPerSecond", 501}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(call("ListMessageMoveTasks", {{"SourceArn", "arn:aws:sqs:us-east-1:000000000000:nope"}}).code,
            "ResourceNotFoundException");
  EXPECT_EQ(call("ListMessageMoveTasks", {{"SourceArn", kDlqArn}, {"MaxResults", 11}}).code, "InvalidParameterValue");
  EXPECT_EQ(call("CancelMessageMoveTask", {{"TaskHandle", "junk"}}).code, "InvalidParameterValue");
  EXPECT_EQ(call("StartMessageMoveTask", json::object()).code, "MissingParameter");
}

INSTANTIATE_TEST_SUITE_P(Protocols, SqsDeadLetter, ::testing::Values(api::protocol::json, api::protocol::query),
                         [](const auto& info) { return info.param == api::protocol::json ? "Json" : "Query"; });

}  // namespace
}  // namespace hayloft::sqs::testing
