// Time-driven semantics on the manual clock: visibility timeouts, delays, retention, long
// polling (woken by sends and by timers, never by sleeping).
#include <gtest/gtest.h>

#include <future>

#include "sqs/service/receive_canceller.h"
#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kQ = "http://localhost:4566/000000000000/q";

void expect_counts(harness& h, std::int64_t visible, std::int64_t not_visible, std::int64_t delayed) {
  auto c = h.counts("q");
  EXPECT_EQ(c.visible, visible);
  EXPECT_EQ(c.not_visible, not_visible);
  EXPECT_EQ(c.delayed, delayed);
}

TEST(SqsTiming, VisibilityTimeoutReturnsTheMessage) {
  harness h;
  h.create_queue("q", {{"VisibilityTimeout", "30"}});
  h.send(kQ, "m");
  auto first = h.receive(kQ);
  ASSERT_EQ(first.size(), 1u);
  expect_counts(h, 0, 1, 0);
  EXPECT_TRUE(h.receive(kQ).empty());
  h.advance(seconds(29));
  expect_counts(h, 0, 1, 0);
  EXPECT_TRUE(h.receive(kQ).empty());
  h.advance(seconds(1));
  expect_counts(h, 1, 0, 0);
  auto second = h.receive(kQ, {{"AttributeNames", {"ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"}}});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["Attributes"]["ApproximateReceiveCount"], "2");
  EXPECT_EQ(second[0]["Attributes"]["ApproximateFirstReceiveTimestamp"], "1767225600000");
  EXPECT_NE(second[0]["ReceiptHandle"], first[0]["ReceiptHandle"]);
}

TEST(SqsTiming, VisibilityOverridesAndChanges) {
  harness h;
  h.create_queue("q");
  h.send(kQ, "m");
  auto m = h.receive(kQ, {{"VisibilityTimeout", 5}});
  ASSERT_EQ(m.size(), 1u);
  auto handle = m[0]["ReceiptHandle"];
  ASSERT_TRUE(h.call(api::protocol::json, "ChangeMessageVisibility",
                     {{"QueueUrl", kQ}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 60}})
                  .ok());
  h.advance(seconds(59));
  expect_counts(h, 0, 1, 0);
  h.advance(seconds(1));
  expect_counts(h, 1, 0, 0);
  // 12 hours from the receive is the ceiling for the total.
  auto again = h.receive(kQ);
  auto total = h.call(api::protocol::json, "ChangeMessageVisibility",
                      {{"QueueUrl", kQ}, {"ReceiptHandle", again[0]["ReceiptHandle"]}, {"VisibilityTimeout", 43200}});
  EXPECT_TRUE(total.ok());
  h.advance(seconds(100));
  auto beyond = h.call(api::protocol::json, "ChangeMessageVisibility",
                       {{"QueueUrl", kQ}, {"ReceiptHandle", again[0]["ReceiptHandle"]}, {"VisibilityTimeout", 43200}});
  EXPECT_EQ(beyond.code, "InvalidParameterValue");
  EXPECT_EQ(beyond.message,
            "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message "
            "is beyond the limit [43200 seconds]");
}

TEST(SqsTiming, ZeroVisibilityMakesTheMessageReceivableAtOnce) {
  harness h;
  h.create_queue("q");
  h.send(kQ, "m");
  ASSERT_EQ(h.receive(kQ, {{"VisibilityTimeout", 0}}).size(), 1u);
  expect_counts(h, 1, 0, 0);
  EXPECT_EQ(h.receive(kQ).size(), 1u);
}

TEST(SqsTiming, DelaySecondsPerMessageAndPerQueue) {
  harness h;
  h.create_queue("q", {{"DelaySeconds", "20"}});
  h.send(kQ, "queue-delay");
  h.send(kQ, "own-delay", {{"DelaySeconds", 5}});
  h.send(kQ, "no-delay", {{"DelaySeconds", 0}});
  expect_counts(h, 1, 0, 2);
  h.advance(seconds(5));
  expect_counts(h, 2, 0, 1);
  h.advance(seconds(15));
  expect_counts(h, 3, 0, 0);
  auto all = h.receive(kQ, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(all.size(), 3u);
  // Standard queues deliver in the order messages became visible.
  EXPECT_EQ(all[0]["Body"], "no-delay");
  EXPECT_EQ(all[1]["Body"], "own-delay");
  EXPECT_EQ(all[2]["Body"], "queue-delay");
}

// The in-process API's receive_canceller: a terminating consumer pod withdraws its long poll.
TEST(SqsTiming, CancelledLongPollReturnsAtOnceWithoutMessages) {
  harness h;
  h.create_queue("q");
  auto run = [&](std::shared_ptr<receive_canceller> c, std::promise<std::size_t>& got) {
    api::receive_message_request r;
    r.queue_url = kQ;
    r.wait_time_seconds = 20;
    r.canceller = std::move(c);
    h.svc().receive(std::move(r), [&got](result<api::receive_result> res) {
      got.set_value(res.ok() ? res->messages.size() : 99);
    });
  };
  // Parked, then withdrawn: answered with no time passing on the manual clock.
  auto c1 = std::make_shared<receive_canceller>();
  std::promise<std::size_t> p1;
  auto f1 = p1.get_future();
  run(c1, p1);
  EXPECT_EQ(f1.wait_for(milliseconds(50)), std::future_status::timeout);
  c1->cancel();
  ASSERT_EQ(f1.wait_for(seconds(5)), std::future_status::ready);
  EXPECT_EQ(f1.get(), 0u);
  // The withdrawn waiter is gone: a send is not swallowed by it.
  h.send(kQ, "m");
  EXPECT_EQ(h.receive(kQ).size(), 1u);
  // Withdrawn before it parked: no wait at all; a second cancel is harmless.
  auto c2 = std::make_shared<receive_canceller>();
  c2->cancel();
  c2->cancel();
  std::promise<std::size_t> p2;
  auto f2 = p2.get_future();
  run(c2, p2);
  ASSERT_EQ(f2.wait_for(seconds(5)), std::future_status::ready);
  EXPECT_EQ(f2.get(), 0u);
  // A receive that finds a message is not affected by a later cancel.
  h.send(kQ, "n");
  h.advance(seconds(30));
  auto c3 = std::make_shared<receive_canceller>();
  std::promise<std::size_t> p3;
  auto f3 = p3.get_future();
  run(c3, p3);
  ASSERT_EQ(f3.wait_for(seconds(5)), std::future_status::ready);
  c3->cancel();
  EXPECT_GE(f3.get(), 1u);
}

TEST(SqsTiming, RetentionPeriodDeletesOldMessages) {
  harness h;
  h.create_queue("q", {{"MessageRetentionPeriod", "60"}});
  h.send(kQ, "old");
  h.advance(seconds(30));
  h.send(kQ, "young");
  ASSERT_EQ(h.receive(kQ, {{"VisibilityTimeout", 0}, {"MaxNumberOfMessages", 10}}).size(), 2u);
  h.advance(seconds(30));
  expect_counts(h, 1, 0, 0);
  auto left = h.receive(kQ);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["Body"], "young");
  h.advance(seconds(30));
  expect_counts(h, 0, 0, 0);
  // Gone from state.db as well, not only from memory.
  h.restart();
  expect_counts(h, 0, 0, 0);
}

class SqsLongPoll : public ::testing::TestWithParam<api::protocol> {
 protected:
  harness h;
};

TEST_P(SqsLongPoll, WokenBySendWithoutTimePassing) {
  h.create_queue("q");
  auto f = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 20}});
  h.flush();
  EXPECT_FALSE(ready(f));
  h.send(kQ, "wake up");
  ASSERT_EQ(f.wait_for(seconds(5)), std::future_status::ready);
  auto r = f.get();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.body["Messages"].size(), 1u);
  EXPECT_EQ(r.body["Messages"][0]["Body"], "wake up");
  EXPECT_EQ(core::to_unix_ms(h.clock().now()), 1767225600000);
  expect_counts(h, 0, 1, 0);
}

TEST_P(SqsLongPoll, ExpiresEmptyAfterWaitTimeSeconds) {
  h.create_queue("q");
  auto f = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 3}});
  h.advance(milliseconds(2999));
  EXPECT_FALSE(ready(f));
  h.advance(milliseconds(1));
  ASSERT_TRUE(ready(f));
  EXPECT_TRUE(f.get().ok());
  EXPECT_FALSE(f.get().body.contains("Messages"));
}

TEST_P(SqsLongPoll, QueueDefaultWaitTimeApplies) {
  h.create_queue("q", {{"ReceiveMessageWaitTimeSeconds", "10"}});
  auto f = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}});
  h.advance(seconds(9));
  EXPECT_FALSE(ready(f));
  auto now = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 0}});
  h.flush();
  EXPECT_TRUE(ready(now));
  h.advance(seconds(1));
  EXPECT_TRUE(ready(f));
}

TEST_P(SqsLongPoll, WokenByDelayAndVisibilityExpiry) {
  h.create_queue("q");
  h.send(kQ, "delayed", {{"DelaySeconds", 4}});
  auto f = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 20}, {"VisibilityTimeout", 10}});
  h.advance(seconds(3));
  EXPECT_FALSE(ready(f));
  h.advance(seconds(1));
  ASSERT_TRUE(ready(f));
  ASSERT_EQ(f.get().body["Messages"].size(), 1u);

  auto g = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 20}});
  h.advance(seconds(9));
  EXPECT_FALSE(ready(g));
  h.advance(seconds(1));  // the first receive's 10 s visibility timeout ends
  ASSERT_TRUE(ready(g));
  ASSERT_EQ(g.get().body["Messages"].size(), 1u);
  EXPECT_EQ(g.get().body["Messages"][0]["Body"], "delayed");
}

TEST_P(SqsLongPoll, WaitersAreServedInArrivalOrderOneSendEach) {
  h.create_queue("q");
  std::vector<std::shared_future<reply>> waiting;
  for (int i = 0; i < 3; ++i)
    waiting.push_back(h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 20}}));
  h.send(kQ, "one");
  h.flush();
  EXPECT_TRUE(ready(waiting[0]));
  EXPECT_FALSE(ready(waiting[1]));
  h.send(kQ, "two");
  h.send(kQ, "three");
  h.flush();
  for (auto& w : waiting) {
    ASSERT_TRUE(ready(w));
    EXPECT_EQ(w.get().body["Messages"].size(), 1u);
  }
}

TEST_P(SqsLongPoll, DeletingTheQueueEndsWaiters) {
  h.create_queue("q");
  auto f = h.start(GetParam(), "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 20}});
  ASSERT_TRUE(h.call(GetParam(), "DeleteQueue", {{"QueueUrl", kQ}}).ok());
  ASSERT_TRUE(ready(f));
  EXPECT_TRUE(f.get().ok());
  EXPECT_FALSE(f.get().body.contains("Messages"));
}

INSTANTIATE_TEST_SUITE_P(Protocols, SqsLongPoll, ::testing::Values(api::protocol::json, api::protocol::query),
                         [](const auto& info) { return info.param == api::protocol::json ? "Json" : "Query"; });

TEST(SqsTiming, ShutdownAnswersPendingWaiters) {
  auto h = std::make_unique<harness>();
  h->create_queue("q");
  auto f = h->start(api::protocol::json, "ReceiveMessage", {{"QueueUrl", kQ}, {"WaitTimeSeconds", 20}});
  h.reset();
  ASSERT_TRUE(ready(f));
  EXPECT_TRUE(f.get().ok());
}

}  // namespace
}  // namespace hayloft::sqs::testing
