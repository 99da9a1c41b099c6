// Restarts (service and store destroyed and reopened on the same directory), the typed C++ API,
// reset, and concurrency: many long polls holding no thread, many senders sharing commits.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "sqs/api/errors.h"
#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::string kQ = "http://localhost:4566/000000000000/q";

TEST(SqsRestart, MessagesStateAndReceiptHandlesSurvive) {
  harness h({}, /*durable=*/true);
  h.create_queue("q", {{"VisibilityTimeout", "60"}});
  h.create_queue("f.fifo", {{"FifoQueue", "true"}});
  ASSERT_TRUE(h.call(api::protocol::json, "TagQueue", {{"QueueUrl", kQ}, {"Tags", {{"t", "1"}}}}).ok());
  h.send(kQ, "in-flight", {{"MessageAttributes", {{"a", {{"DataType", "Binary"}, {"BinaryValue", "AP8="}}}}}});
  h.send(kQ, "visible");
  h.send(kQ, "delayed", {{"DelaySeconds", 100}});
  auto held = h.receive(kQ);
  ASSERT_EQ(held.size(), 1u);
  ASSERT_EQ(held[0]["Body"], "in-flight");
  auto f = [&](const char* body, const char* dedup) {
    return h.call(api::protocol::json, "SendMessage",
                  {{"QueueUrl", "http://localhost:4566/000000000000/f.fifo"}, {"MessageBody", body},
                   {"MessageGroupId", "G"}, {"MessageDeduplicationId", dedup}});
  };
  auto before = f("one", "d1");

  h.restart();

  auto c = h.counts("q");
  EXPECT_EQ(c.visible, 1);
  EXPECT_EQ(c.not_visible, 1);
  EXPECT_EQ(c.delayed, 1);
  EXPECT_EQ(h.call(api::protocol::json, "ListQueueTags", {{"QueueUrl", kQ}}).body["Tags"], (json{{"t", "1"}}));
  auto attrs = h.call(api::protocol::json, "GetQueueAttributes", {{"QueueUrl", kQ}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(attrs.body["Attributes"]["VisibilityTimeout"], "60");
  // The in-flight message reappears when its timeout passes, not before.
  h.advance(seconds(59));
  EXPECT_EQ(h.counts("q").not_visible, 1);
  // Its receipt handle from before the restart still changes and deletes it.
  ASSERT_TRUE(h.call(api::protocol::json, "ChangeMessageVisibility",
                     {{"QueueUrl", kQ}, {"ReceiptHandle", held[0]["ReceiptHandle"]}, {"VisibilityTimeout", 5}})
                  .ok());
  ASSERT_TRUE(h.call(api::protocol::json, "DeleteMessage", {{"QueueUrl", kQ}, {"ReceiptHandle", held[0]["ReceiptHandle"]}}).ok());
  EXPECT_EQ(h.counts("q").not_visible, 0);
  // FIFO: the dedup window and the sequence survive.
  auto dup = f("one again", "d1");
  EXPECT_EQ(dup.body["MessageId"], before.body["MessageId"]);
  auto after = f("two", "d2");
  EXPECT_GT(after.body["SequenceNumber"].get<std::string>(), before.body["SequenceNumber"].get<std::string>());

  h.restart();
  auto msgs = h.receive(kQ, {{"MaxNumberOfMessages", 10}, {"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["Body"], "visible");
}

TEST(SqsRestart, SequenceNumbersAreNeverReusedAfterTheQueueEmpties) {
  harness h({}, true);
  h.create_queue("q");
  h.send(kQ, "m");
  auto first = h.receive(kQ)[0];
  ASSERT_TRUE(h.call(api::protocol::json, "DeleteMessage", {{"QueueUrl", kQ}, {"ReceiptHandle", first["ReceiptHandle"]}}).ok());
  h.restart();
  h.send(kQ, "n");
  auto second = h.receive(kQ)[0];
  // A handle for the deleted message must not address the new one.
  ASSERT_TRUE(h.call(api::protocol::json, "DeleteMessage", {{"QueueUrl", kQ}, {"ReceiptHandle", first["ReceiptHandle"]}}).ok());
  EXPECT_EQ(h.counts("q").not_visible, 1);
  EXPECT_NE(first["ReceiptHandle"], second["ReceiptHandle"]);
}

TEST(SqsRestart, DeletedQueueStaysDeletedAndHandlesOfItAreInvalid) {
  harness h({}, true);
  h.create_queue("q");
  h.send(kQ, "m");
  auto handle = h.receive(kQ)[0]["ReceiptHandle"];
  ASSERT_TRUE(h.call(api::protocol::json, "DeleteQueue", {{"QueueUrl", kQ}}).ok());
  h.restart();
  EXPECT_EQ(h.call(api::protocol::json, "GetQueueUrl", {{"QueueName", "q"}}).code, "AWS.SimpleQueueService.NonExistentQueue");
  h.create_queue("q");
  EXPECT_EQ(h.call(api::protocol::json, "DeleteMessage", {{"QueueUrl", kQ}, {"ReceiptHandle", handle}}).code,
            "ReceiptHandleIsInvalid");
  EXPECT_EQ(h.counts("q").visible, 0);
}

TEST(SqsOptions, AwsStrictPurgeAndRecreateDelays) {
  harness h({.delay_purge_retry = true, .delay_recently_deleted = true});
  h.create_queue("q");
  for (auto p : {api::protocol::json, api::protocol::query}) {
    ASSERT_TRUE(h.call(p, "PurgeQueue", {{"QueueUrl", kQ}}).ok());
    auto again = h.call(p, "PurgeQueue", {{"QueueUrl", kQ}});
    EXPECT_EQ(again.status, 403u);
    EXPECT_EQ(again.code, "AWS.SimpleQueueService.PurgeQueueInProgress");
    h.advance(seconds(60));
  }
  ASSERT_TRUE(h.call(api::protocol::json, "DeleteQueue", {{"QueueUrl", kQ}}).ok());
  for (auto p : {api::protocol::json, api::protocol::query})
    EXPECT_EQ(h.call(p, "CreateQueue", {{"QueueName", "q"}}).code, "AWS.SimpleQueueService.QueueDeletedRecently");
  h.advance(seconds(60));
  EXPECT_TRUE(h.call(api::protocol::json, "CreateQueue", {{"QueueName", "q"}}).ok());
}

TEST(SqsOptions, RegionFromTheCredentialScope) {
  harness h;
  auto req = make_request(api::protocol::json, "CreateQueue", {{"QueueName", "test-queue"}});
  req.headers.add("Authorization",
                  "AWS4-HMAC-SHA256 Credential=test/20260101/eu-central-1/sqs/aws4_request, SignedHeaders=host, "
                  "Signature=00");
  std::promise<core::response> p;
  h.svc().handle(std::move(req), [&p](core::response r) { p.set_value(std::move(r)); });
  ASSERT_EQ(p.get_future().get().status, 200u);
  auto attrs = h.call(api::protocol::json, "GetQueueAttributes",
                      {{"QueueUrl", "http://localhost:4566/000000000000/test-queue"}, {"AttributeNames", {"QueueArn"}}});
  EXPECT_EQ(attrs.body["Attributes"]["QueueArn"], "arn:aws:sqs:eu-central-1:000000000000:test-queue");
}

TEST(SqsTypedApi, SendReceiveDeleteCountsAndDeliver) {
  harness h;
  h.create_queue("q");
  auto& s = h.svc();
  EXPECT_EQ(s.get_queue_url("q").value(), "http://localhost:4566/000000000000/q");
  EXPECT_EQ(s.get_queue_url("q", "127.0.0.1:9000").value(), "http://127.0.0.1:9000/000000000000/q");
  EXPECT_EQ(s.get_queue_url("nope").code(), make_error_code(errc::queue_does_not_exist));

  std::promise<result<api::send_result>> sent;
  api::send_entry e;
  e.message_body = "docs/a.pdf";
  s.send("q", e, [&](result<api::send_result> r) { sent.set_value(std::move(r)); });
  ASSERT_TRUE(sent.get_future().get().ok());

  std::promise<result<api::send_result>> delivered;
  s.deliver("arn:aws:sqs:eu-central-1:000000000000:q", R"({"Records":[]})",
            [&](result<api::send_result> r) { delivered.set_value(std::move(r)); });
  ASSERT_TRUE(delivered.get_future().get().ok());
  std::promise<result<api::send_result>> nowhere;
  s.deliver("arn:aws:sqs:us-east-1:000000000000:missing", "x", [&](result<api::send_result> r) { nowhere.set_value(std::move(r)); });
  EXPECT_EQ(nowhere.get_future().get().code(), make_error_code(errc::queue_does_not_exist));

  EXPECT_EQ(s.queue_counts("q")->visible, 2);
  EXPECT_EQ(s.queue_counts(kQ)->visible, 2);
  EXPECT_FALSE(s.queue_counts("missing").ok());

  std::promise<result<api::receive_result>> got;
  api::receive_message_request rr;
  rr.queue_url = "q";
  rr.max_number_of_messages = 10;
  s.receive(rr, [&](result<api::receive_result> r) { got.set_value(std::move(r)); });
  auto msgs = got.get_future().get();
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->messages.size(), 2u);
  EXPECT_EQ(msgs->messages[0].body, "docs/a.pdf");
  EXPECT_EQ(s.queue_counts("q")->not_visible, 2);

  std::promise<result<void>> changed, deleted;
  s.change_visibility("q", msgs->messages[1].receipt_handle, 0, [&](result<void> r) { changed.set_value(r); });
  s.delete_message("q", msgs->messages[0].receipt_handle, [&](result<void> r) { deleted.set_value(r); });
  EXPECT_TRUE(changed.get_future().get().ok());
  EXPECT_TRUE(deleted.get_future().get().ok());
  auto c = s.queue_counts("q");
  EXPECT_EQ(c->visible, 1);
  EXPECT_EQ(c->not_visible, 0);

  ASSERT_TRUE(s.reset().ok());
  EXPECT_FALSE(s.queue_counts("q").ok());
  h.restart();
  EXPECT_FALSE(h.svc().queue_counts("q").ok());
}

TEST(SqsConcurrency, ThousandsOfLongPollsHoldNoThreadAndAllGetAMessage) {
  harness h;
  h.create_queue("q");
  constexpr int kWaiters = 3000;
  std::atomic<int> done{0}, with_message{0};
  for (int i = 0; i < kWaiters; ++i) {
    api::receive_message_request r;
    r.queue_url = "q";
    r.wait_time_seconds = 20;
    h.svc().receive(r, [&](result<api::receive_result> res) {
      if (res.ok() && res->messages.size() == 1) ++with_message;
      ++done;
    });
  }
  EXPECT_EQ(done.load(), 0);
  // Eight sender threads, 3000 messages: one per waiter.
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t)
    senders.emplace_back([&, t] {
      for (int i = t; i < kWaiters; i += 8) {
        std::promise<void> p;
        api::send_entry e;
        e.message_body = "m" + std::to_string(i);
        h.svc().send("q", e, [&p](result<api::send_result>) { p.set_value(); });
        p.get_future().wait();
      }
    });
  for (auto& t : senders) t.join();
  h.flush();
  EXPECT_EQ(done.load(), kWaiters);
  EXPECT_EQ(with_message.load(), kWaiters);
  auto c = h.counts("q");
  EXPECT_EQ(c.not_visible, kWaiters);
  EXPECT_EQ(c.visible, 0);
  // Commits were shared: far fewer transactions than writes (3000 sends + 3000 receives).
  EXPECT_LT(h.store().commits(), 6000u);
}

TEST(SqsConcurrency, ConcurrentReceiversNeverShareAMessage) {
  harness h;
  h.create_queue("q");
  constexpr int kMessages = 2000;
  json entries = json::array();
  for (int i = 0; i < kMessages; i += 10) {
    json batch = json::array();
    for (int k = 0; k < 10; ++k) batch.push_back({{"Id", "e" + std::to_string(k)}, {"MessageBody", std::to_string(i + k)}});
    ASSERT_TRUE(h.call(api::protocol::json, "SendMessageBatch", {{"QueueUrl", kQ}, {"Entries", batch}}).ok());
  }
  std::mutex seen_mutex;
  std::set<std::string> seen;
  std::atomic<int> duplicates{0};
  std::vector<std::thread> receivers;
  for (int t = 0; t < 6; ++t)
    receivers.emplace_back([&] {
      for (;;) {
        std::promise<result<api::receive_result>> p;
        api::receive_message_request r;
        r.queue_url = "q";
        r.max_number_of_messages = 10;
        h.svc().receive(r, [&p](result<api::receive_result> res) { p.set_value(std::move(res)); });
        auto res = p.get_future().get();
        if (!res.ok() || res->messages.empty()) return;
        std::lock_guard lock(seen_mutex);
        for (auto& m : res->messages)
          if (!seen.insert(m.body).second) ++duplicates;
      }
    });
  for (auto& t : receivers) t.join();
  EXPECT_EQ(duplicates.load(), 0);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
}

}  // namespace
}  // namespace hayloft::sqs::testing
