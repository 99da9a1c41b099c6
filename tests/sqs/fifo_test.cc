// FIFO queues: group ordering, groups blocked while in flight, deduplication windows on the
// manual clock, sequence numbers, FIFO-only parameter rules. Both protocols.
#include <gtest/gtest.h>

#include "emulator/core/hash.h"
#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::string kF = "http://localhost:4566/000000000000/f.fifo";

class SqsFifo : public ::testing::TestWithParam<api::protocol> {
 protected:
  void SetUp() override { h.create_queue("f.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}}); }
  reply call(const std::string& op, json p) {
    p["QueueUrl"] = kF;
    return h.call(GetParam(), op, p);
  }
  reply send(const std::string& body, const std::string& group, json extra = json::object()) {
    extra["MessageBody"] = body;
    extra["MessageGroupId"] = group;
    return call("SendMessage", extra);
  }
  json receive(int max = 10) {
    auto r = call("ReceiveMessage", {{"MaxNumberOfMessages", max}, {"AttributeNames", {"All"}}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.body.value("Messages", json::array());
  }
  static std::vector<std::string> bodies(const json& msgs) {
    std::vector<std::string> out;
    for (const auto& m : msgs) out.push_back(m["Body"]);
    return out;
  }
  harness h;
};

TEST_P(SqsFifo, OrderWithinGroupAndGroupBlockedWhileInFlight) {
  for (auto [b, g] : std::vector<std::pair<const char*, const char*>>{{"a1", "A"}, {"b1", "B"}, {"a2", "A"}, {"a3", "A"}, {"b2", "B"}})
    ASSERT_TRUE(send(b, g).ok());
  // As many as possible from the oldest group first, then the next group.
  auto first = receive(3);
  EXPECT_EQ(bodies(first), (std::vector<std::string>{"a1", "a2", "a3"}));
  // Group A is blocked while its messages are in flight; B is not.
  auto second = receive(10);
  EXPECT_EQ(bodies(second), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_TRUE(receive().empty());
  // Deleting A's messages unblocks nothing new (A is empty); returning one makes it reappear first.
  ASSERT_TRUE(call("ChangeMessageVisibility", {{"ReceiptHandle", first[1]["ReceiptHandle"]}, {"VisibilityTimeout", 0}}).ok());
  EXPECT_TRUE(receive().empty()) << "a1 and a3 still hold group A";
  ASSERT_TRUE(call("DeleteMessage", {{"ReceiptHandle", first[0]["ReceiptHandle"]}}).ok());
  ASSERT_TRUE(call("DeleteMessage", {{"ReceiptHandle", first[2]["ReceiptHandle"]}}).ok());
  auto again = receive();
  EXPECT_EQ(bodies(again), (std::vector<std::string>{"a2"}));
  EXPECT_EQ(again[0]["Attributes"]["ApproximateReceiveCount"], "2");
}

TEST_P(SqsFifo, VisibilityExpiryReturnsTheGroupInOrder) {
  ASSERT_TRUE(send("x1", "G").ok());
  ASSERT_TRUE(send("x2", "G").ok());
  EXPECT_EQ(bodies(receive(1)), std::vector<std::string>{"x1"});
  EXPECT_TRUE(receive().empty());
  h.advance(seconds(30));
  EXPECT_EQ(bodies(receive(10)), (std::vector<std::string>{"x1", "x2"}));
}

TEST_P(SqsFifo, SequenceNumbersAndSystemAttributes) {
  auto s1 = send("one", "G", {{"MessageDeduplicationId", "d1"}});
  auto s2 = send("two", "G", {{"MessageDeduplicationId", "d2"}});
  ASSERT_TRUE(s1.ok() && s2.ok()) << s1.message << s2.message;
  auto n1 = s1.body["SequenceNumber"].get<std::string>();
  auto n2 = s2.body["SequenceNumber"].get<std::string>();
  EXPECT_EQ(n1.size(), 20u);
  EXPECT_LT(n1, n2);
  auto msgs = receive();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0]["Attributes"]["SequenceNumber"], n1);
  EXPECT_EQ(msgs[0]["Attributes"]["MessageGroupId"], "G");
  EXPECT_EQ(msgs[0]["Attributes"]["MessageDeduplicationId"], "d1");
}

TEST_P(SqsFifo, ExplicitDeduplicationWithinFiveMinutes) {
  auto a = send("payload", "G", {{"MessageDeduplicationId", "same"}});
  auto b = send("other payload", "G", {{"MessageDeduplicationId", "same"}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.body["MessageId"], b.body["MessageId"]);
  EXPECT_EQ(a.body["SequenceNumber"], b.body["SequenceNumber"]);
  EXPECT_EQ(h.counts("f.fifo").visible, 1);
  h.advance(seconds(299));
  EXPECT_EQ(send("again", "G", {{"MessageDeduplicationId", "same"}}).body["MessageId"], a.body["MessageId"]);
  h.advance(seconds(1));
  auto c = send("again", "G", {{"MessageDeduplicationId", "same"}});
  EXPECT_NE(c.body["MessageId"], a.body["MessageId"]);
  EXPECT_EQ(h.counts("f.fifo").visible, 2);
}

TEST_P(SqsFifo, ContentBasedDeduplicationUsesTheBody) {
  auto a = send("same body", "G");
  auto b = send("same body", "H");  // scope is the queue by default
  auto c = send("different", "G");
  EXPECT_EQ(a.body["MessageId"], b.body["MessageId"]);
  EXPECT_NE(a.body["MessageId"], c.body["MessageId"]);
  auto msgs = receive();
  ASSERT_EQ(msgs.size(), 2u);
  // SHA-256 of the body, hex.
  EXPECT_EQ(msgs[0]["Attributes"]["MessageDeduplicationId"], core::sha256_hex("same body"));
}

TEST_P(SqsFifo, DeduplicationScopeMessageGroup) {
  h.create_queue("g.fifo", {{"FifoQueue", "true"},
                            {"DeduplicationScope", "messageGroup"},
                            {"FifoThroughputLimit", "perMessageGroupId"}});
  auto q = std::string("http://localhost:4566/000000000000/g.fifo");
  auto s = [&](const char* g) {
    return h.call(GetParam(), "SendMessage",
                  {{"QueueUrl", q}, {"MessageBody", "b"}, {"MessageGroupId", g}, {"MessageDeduplicationId", "d"}});
  };
  auto a = s("A"), b = s("B"), a2 = s("A");
  EXPECT_NE(a.body["MessageId"], b.body["MessageId"]);
  EXPECT_EQ(a.body["MessageId"], a2.body["MessageId"]);
}

TEST_P(SqsFifo, ParameterRules) {
  auto no_group = call("SendMessage", {{"MessageBody", "x"}});
  EXPECT_EQ(no_group.code, "MissingParameter");
  EXPECT_EQ(no_group.message, "The request must contain the parameter MessageGroupId.");
  auto delay = send("x", "G", {{"DelaySeconds", 5}});
  EXPECT_EQ(delay.code, "InvalidParameterValue");
  EXPECT_EQ(delay.message,
            "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid "
            "for this queue type.");
  EXPECT_EQ(send("x", std::string(129, 'g')).code, "InvalidParameterValue");
  h.create_queue("plain.fifo", {{"FifoQueue", "true"}});
  auto no_dedup = h.call(GetParam(), "SendMessage",
                         {{"QueueUrl", "http://localhost:4566/000000000000/plain.fifo"}, {"MessageBody", "x"},
                          {"MessageGroupId", "G"}});
  EXPECT_EQ(no_dedup.code, "InvalidParameterValue");
  EXPECT_EQ(no_dedup.message,
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
            "explicitly");
  // FIFO attributes are reported; the queue type cannot change.
  auto attrs = call("GetQueueAttributes", {{"AttributeNames", {"All"}}}).body["Attributes"];
  EXPECT_EQ(attrs["FifoQueue"], "true");
  EXPECT_EQ(attrs["ContentBasedDeduplication"], "true");
  EXPECT_EQ(attrs["DeduplicationScope"], "queue");
  EXPECT_EQ(attrs["FifoThroughputLimit"], "perQueue");
  EXPECT_EQ(call("SetQueueAttributes", {{"Attributes", {{"FifoQueue", "false"}}}}).code, "InvalidAttributeValue");
  EXPECT_EQ(call("SetQueueAttributes", {{"Attributes", {{"FifoThroughputLimit", "perMessageGroupId"}}}}).code,
            "InvalidAttributeValue");
}

TEST_P(SqsFifo, StaleReceiptHandleDoesNotDelete) {
  ASSERT_TRUE(send("m", "G").ok());
  auto first = receive();
  h.advance(seconds(30));
  auto second = receive();
  ASSERT_EQ(second.size(), 1u);
  auto stale = call("DeleteMessage", {{"ReceiptHandle", first[0]["ReceiptHandle"]}});
  EXPECT_EQ(stale.code, "InvalidParameterValue");
  EXPECT_NE(stale.message.find("The receipt handle has expired."), std::string::npos);
  EXPECT_TRUE(call("DeleteMessage", {{"ReceiptHandle", second[0]["ReceiptHandle"]}}).ok());
  EXPECT_EQ(h.counts("f.fifo").not_visible, 0);
}

TEST_P(SqsFifo, LongPollWaitsForAnUnblockedGroup) {
  ASSERT_TRUE(send("a1", "A").ok());
  ASSERT_TRUE(send("a2", "A").ok());
  auto held = receive(1);
  auto f = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kF}, {"WaitTimeSeconds", 20}});
  h.flush();
  EXPECT_FALSE(ready(f)) << "a2 is visible but its group is blocked";
  ASSERT_TRUE(call("DeleteMessage", {{"ReceiptHandle", held[0]["ReceiptHandle"]}}).ok());
  h.flush();
  ASSERT_TRUE(ready(f));
  EXPECT_EQ(f.get().body["Messages"][0]["Body"], "a2");
}

INSTANTIATE_TEST_SUITE_P(Protocols, SqsFifo, ::testing::Values(api::protocol::json, api::protocol::query),
                         [](const auto& info) { return info.param == api::protocol::json ? "Json" : "Query"; });

}  // namespace
}  // namespace hayloft::sqs::testing
