// Service tests, request values in and responses out, every scenario run in both wire
// protocols (AWS JSON 1.0 and query/XML) against the same assertions.
#include <gtest/gtest.h>

#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

using nlohmann::json;

class SqsService : public ::testing::TestWithParam<api::protocol> {
 protected:
  reply call(const std::string& op, const json& params = json::object(), const std::string& path = "/") {
    return h.call(GetParam(), op, params, path);
  }
  std::string url(const std::string& name) { return "http://localhost:4566/000000000000/" + name; }
  // Sends, receives and returns the one message, as the protocol under test renders it.
  json send_and_receive(const std::string& q, json send_params, json receive_params) {
    send_params["QueueUrl"] = q;
    auto s = call("SendMessage", send_params);
    EXPECT_TRUE(s.ok()) << s.code << " " << s.message;
    receive_params["QueueUrl"] = q;
    auto r = call("ReceiveMessage", receive_params);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.body["Messages"].size(), 1u) << r.body.dump();
    return r.body["Messages"].empty() ? json::object() : r.body["Messages"][0];
  }
  harness h;
};

TEST_P(SqsService, CreateQueueIsIdempotentUnlessAnAttributeDiffers) {
  auto r = call("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "30"}, {"DelaySeconds", "2"}}}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.body["QueueUrl"], url("q"));
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "30"}}}}).body["QueueUrl"],
            url("q"));
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "q"}}).body["QueueUrl"], url("q"));
  auto clash = call("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "45"}}}});
  EXPECT_EQ(clash.status, 400u);
  EXPECT_EQ(clash.code, "QueueAlreadyExists");
  EXPECT_EQ(clash.message, "A queue already exists with the same name and a different value for attribute VisibilityTimeout");
  if (GetParam() == api::protocol::json) {
    EXPECT_EQ(clash.type, "com.amazonaws.sqs#QueueNameExists");
  }
}

TEST_P(SqsService, GetQueueUrlListQueuesAndDeleteQueue) {
  for (auto n : {"alpha", "alpine", "beta", "gamma"}) h.create_queue(n);
  EXPECT_EQ(call("GetQueueUrl", {{"QueueName", "beta"}}).body["QueueUrl"], url("beta"));
  EXPECT_EQ(call("ListQueues").body["QueueUrls"], json::array({url("alpha"), url("alpine"), url("beta"), url("gamma")}));
  EXPECT_EQ(call("ListQueues", {{"QueueNamePrefix", "alp"}}).body["QueueUrls"], json::array({url("alpha"), url("alpine")}));
  EXPECT_FALSE(call("ListQueues", {{"QueueNamePrefix", "zzz"}}).body.contains("QueueUrls"));

  auto p1 = call("ListQueues", {{"MaxResults", 3}});
  EXPECT_EQ(p1.body["QueueUrls"].size(), 3u);
  ASSERT_TRUE(p1.body.contains("NextToken"));
  auto p2 = call("ListQueues", {{"MaxResults", 3}, {"NextToken", p1.body["NextToken"]}});
  EXPECT_EQ(p2.body["QueueUrls"], json::array({url("gamma")}));
  EXPECT_FALSE(p2.body.contains("NextToken"));
  EXPECT_EQ(call("ListQueues", {{"MaxResults", 0}}).code, "InvalidParameterValue");
  EXPECT_EQ(call("ListQueues", {{"MaxResults", 2}, {"NextToken", "%%%"}}).code, "InvalidParameterValue");

  EXPECT_TRUE(call("DeleteQueue", {{"QueueUrl", url("beta")}}).ok());
  auto gone = call("GetQueueUrl", {{"QueueName", "beta"}});
  EXPECT_EQ(gone.status, 400u);
  EXPECT_EQ(gone.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(gone.fault, "Sender");
  EXPECT_EQ(gone.message, GetParam() == api::protocol::json
                              ? "The specified queue does not exist."
                              : "The specified queue does not exist for this wsdl version.");
  EXPECT_EQ(call("DeleteQueue", {{"QueueUrl", url("beta")}}).code, "AWS.SimpleQueueService.NonExistentQueue");
}

TEST_P(SqsService, QueueUrlForms) {
  h.create_queue("q");
  h.send(url("q"), "x");
  // Another host, LocalStack's path strategy, a bare name: all resolve by account and name.
  for (auto u : {"http://sqs.eu-central-1.localhost.localstack.cloud:4566/000000000000/q",
                 "http://localhost:4566/queue/us-east-1/000000000000/q", "q"}) {
    auto r = call("GetQueueAttributes", {{"QueueUrl", u}, {"AttributeNames", {"ApproximateNumberOfMessages"}}});
    ASSERT_TRUE(r.ok()) << u;
    EXPECT_EQ(r.body["Attributes"]["ApproximateNumberOfMessages"], "1");
  }
  EXPECT_EQ(call("GetQueueAttributes", {{"QueueUrl", "http://localhost:4566/123456789012/q"}}).code,
            "AWS.SimpleQueueService.NonExistentQueue");
  // A request sent to the queue URL itself names the queue without a QueueUrl member.
  auto r = call("GetQueueAttributes", {{"AttributeNames", {"QueueArn"}}}, "/000000000000/q");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.body["Attributes"]["QueueArn"], "arn:aws:sqs:us-east-1:000000000000:q");
}

TEST_P(SqsService, QueueAttributes) {
  h.create_queue("q", {{"VisibilityTimeout", "45"}, {"MessageRetentionPeriod", "3600"}});
  auto all = call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"All"}}}).body["Attributes"];
  EXPECT_EQ(all["QueueArn"], "arn:aws:sqs:us-east-1:000000000000:q");
  EXPECT_EQ(all["VisibilityTimeout"], "45");
  EXPECT_EQ(all["MessageRetentionPeriod"], "3600");
  EXPECT_EQ(all["MaximumMessageSize"], "1048576");
  EXPECT_EQ(all["DelaySeconds"], "0");
  EXPECT_EQ(all["ReceiveMessageWaitTimeSeconds"], "0");
  EXPECT_EQ(all["SqsManagedSseEnabled"], "true");
  EXPECT_EQ(all["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(all["ApproximateNumberOfMessagesNotVisible"], "0");
  EXPECT_EQ(all["ApproximateNumberOfMessagesDelayed"], "0");
  EXPECT_EQ(all["CreatedTimestamp"], "1767225600");
  EXPECT_EQ(all["LastModifiedTimestamp"], "1767225600");
  EXPECT_FALSE(all.contains("FifoQueue"));
  EXPECT_FALSE(all.contains("RedrivePolicy"));

  auto some = call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"VisibilityTimeout"}}});
  EXPECT_EQ(some.body["Attributes"], (json{{"VisibilityTimeout", "45"}}));
  EXPECT_FALSE(call("GetQueueAttributes", {{"QueueUrl", url("q")}}).body.contains("Attributes"));

  h.advance(std::chrono::seconds(5));
  ASSERT_TRUE(call("SetQueueAttributes", {{"QueueUrl", url("q")},
                                          {"Attributes", {{"DelaySeconds", "7"}, {"Policy", R"({"Version":"2012-10-17"})"}}}})
                  .ok());
  all = call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"All"}}}).body["Attributes"];
  EXPECT_EQ(all["DelaySeconds"], "7");
  EXPECT_EQ(all["VisibilityTimeout"], "45");  // merged, not replaced
  EXPECT_EQ(all["Policy"], R"({"Version":"2012-10-17"})");
  EXPECT_EQ(all["LastModifiedTimestamp"], "1767225605");

  auto bad_name = call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"Bogus"}}});
  EXPECT_EQ(bad_name.code, "InvalidAttributeName");
  EXPECT_EQ(bad_name.message, "Unknown Attribute Bogus.");
  EXPECT_EQ(call("SetQueueAttributes", {{"QueueUrl", url("q")}, {"Attributes", {{"QueueArn", "x"}}}}).code,
            "InvalidAttributeName");
  EXPECT_EQ(call("SetQueueAttributes", {{"QueueUrl", url("q")}, {"Attributes", {{"ContentBasedDeduplication", "true"}}}})
                .code,
            "InvalidAttributeName");
  auto bad_value = call("SetQueueAttributes", {{"QueueUrl", url("q")}, {"Attributes", {{"VisibilityTimeout", "43201"}}}});
  EXPECT_EQ(bad_value.code, "InvalidAttributeValue");
  EXPECT_EQ(bad_value.message, "Invalid value for the parameter VisibilityTimeout.");
  for (auto [k, v] : std::vector<std::pair<const char*, const char*>>{{"MaximumMessageSize", "1023"},
                                                                      {"MaximumMessageSize", "1048577"},
                                                                      {"MessageRetentionPeriod", "59"},
                                                                      {"DelaySeconds", "901"},
                                                                      {"ReceiveMessageWaitTimeSeconds", "21"},
                                                                      {"DelaySeconds", "abc"},
                                                                      {"SqsManagedSseEnabled", "maybe"},
                                                                      {"Policy", "{not json"},
                                                                      {"RedriveAllowPolicy", R"({"redrivePermission":"some"})"},
                                                                      {"FifoQueue", "true"}})
    EXPECT_EQ(call("SetQueueAttributes", {{"QueueUrl", url("q")}, {"Attributes", {{k, v}}}}).code, "InvalidAttributeValue")
        << k << "=" << v;
  EXPECT_TRUE(call("SetQueueAttributes",
                   {{"QueueUrl", url("q")},
                    {"Attributes", {{"RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:000000000000:x"]})"}}}})
                  .ok());
}

TEST_P(SqsService, Tags) {
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "q"}, {"tags", {{"team", "billing"}}}}).ok());
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url("q")}}).body["Tags"], (json{{"team", "billing"}}));
  ASSERT_TRUE(call("TagQueue", {{"QueueUrl", url("q")}, {"Tags", {{"env", "dev"}, {"team", "search"}}}}).ok());
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url("q")}}).body["Tags"], (json{{"env", "dev"}, {"team", "search"}}));
  ASSERT_TRUE(call("UntagQueue", {{"QueueUrl", url("q")}, {"TagKeys", {"team", "absent"}}}).ok());
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url("q")}}).body["Tags"], (json{{"env", "dev"}}));
  json many = json::object();
  for (int i = 0; i < 51; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(call("TagQueue", {{"QueueUrl", url("q")}, {"Tags", many}}).code, "InvalidParameterValue");
}

TEST_P(SqsService, SendAndReceiveWithAttributes) {
  h.create_queue("q");
  json attrs{{"plain", {{"DataType", "String"}, {"StringValue", "a string"}}},
             {"count", {{"DataType", "Number"}, {"StringValue", "42"}}},
             {"blob", {{"DataType", "Binary"}, {"BinaryValue", "AAEC/w=="}}},
             {"custom", {{"DataType", "String.email"}, {"StringValue", "alice@example.com"}}}};
  auto s = call("SendMessage", {{"QueueUrl", url("q")},
                                {"MessageBody", "hello <world> & \"you\""},
                                {"MessageAttributes", attrs},
                                {"MessageSystemAttributes",
                                 {{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", "Root=1-5759e988-bd862e3fe1be46a994272793"}}}}}});
  ASSERT_TRUE(s.ok()) << s.message;
  // Reference values: hashlib.md5 and the attribute algorithm written out in Python.
  EXPECT_EQ(s.body["MD5OfMessageBody"], "848562c19ef1a48c9f1595cfc8872be5");
  EXPECT_EQ(s.body["MD5OfMessageAttributes"], "83bb947330d6a62eeaf09c474573f883");
  EXPECT_EQ(s.body["MD5OfMessageSystemAttributes"], "62a56dd927315f2b2e12832b84617ea5");
  EXPECT_EQ(s.body["MessageId"].get<std::string>().size(), 36u);
  EXPECT_FALSE(s.body.contains("SequenceNumber"));

  auto r = call("ReceiveMessage", {{"QueueUrl", url("q")}, {"AttributeNames", {"All"}}, {"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(r.body["Messages"].size(), 1u);
  auto m = r.body["Messages"][0];
  EXPECT_EQ(m["Body"], "hello <world> & \"you\"");
  EXPECT_EQ(m["MessageId"], s.body["MessageId"]);
  EXPECT_EQ(m["MD5OfBody"], s.body["MD5OfMessageBody"]);
  EXPECT_EQ(m["MD5OfMessageAttributes"], s.body["MD5OfMessageAttributes"]);
  EXPECT_EQ(m["MessageAttributes"]["blob"], (json{{"DataType", "Binary"}, {"BinaryValue", "AAEC/w=="}}));
  EXPECT_EQ(m["MessageAttributes"]["custom"], (json{{"DataType", "String.email"}, {"StringValue", "alice@example.com"}}));
  EXPECT_EQ(m["MessageAttributes"]["count"], (json{{"DataType", "Number"}, {"StringValue", "42"}}));
  EXPECT_EQ(m["Attributes"]["SenderId"], "000000000000");
  EXPECT_EQ(m["Attributes"]["SentTimestamp"], "1767225600000");
  EXPECT_EQ(m["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(m["Attributes"]["ApproximateFirstReceiveTimestamp"], "1767225600000");
  EXPECT_EQ(m["Attributes"]["AWSTraceHeader"], "Root=1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_FALSE(m["Attributes"].contains("SequenceNumber"));
  EXPECT_FALSE(m["ReceiptHandle"].get<std::string>().empty());
  EXPECT_TRUE(call("DeleteMessage", {{"QueueUrl", url("q")}, {"ReceiptHandle", m["ReceiptHandle"]}}).ok());
  EXPECT_EQ(h.counts("q").visible + h.counts("q").not_visible, 0);
}

TEST_P(SqsService, AttributeSelectionOnReceive) {
  h.create_queue("q");
  json attrs{{"order.id", {{"DataType", "String"}, {"StringValue", "1"}}},
             {"order.kind", {{"DataType", "String"}, {"StringValue", "x"}}},
             {"trace", {{"DataType", "String"}, {"StringValue", "t"}}}};
  auto m = send_and_receive(url("q"), {{"MessageBody", "b"}, {"MessageAttributes", attrs}},
                            {{"MessageAttributeNames", {"order.*"}}, {"AttributeNames", {"SentTimestamp"}},
                             {"MessageSystemAttributeNames", {"ApproximateReceiveCount"}}});
  EXPECT_EQ(m["MessageAttributes"].size(), 2u);
  EXPECT_TRUE(m["MessageAttributes"].contains("order.kind"));
  EXPECT_EQ(m["Attributes"], (json{{"SentTimestamp", "1767225600000"}, {"ApproximateReceiveCount", "1"}}));
  // The MD5 covers exactly the attributes returned.
  EXPECT_EQ(m["MD5OfMessageAttributes"], "21f2354d6a4cf8565db321b0fe76011d");
  auto none = send_and_receive(url("q"), {{"MessageBody", "c"}, {"MessageAttributes", attrs}}, json::object());
  EXPECT_FALSE(none.contains("MessageAttributes"));
  EXPECT_FALSE(none.contains("MD5OfMessageAttributes"));
  EXPECT_FALSE(none.contains("Attributes"));
  auto exact = send_and_receive(url("q"), {{"MessageBody", "d"}, {"MessageAttributes", attrs}},
                                {{"MessageAttributeNames", {"trace"}}});
  EXPECT_EQ(exact["MessageAttributes"].size(), 1u);
  auto dotstar = send_and_receive(url("q"), {{"MessageBody", "e"}, {"MessageAttributes", attrs}},
                                  {{"MessageAttributeNames", {".*"}}});
  EXPECT_EQ(dotstar["MessageAttributes"].size(), 3u);
}

TEST_P(SqsService, SendMessageValidation) {
  h.create_queue("q", {{"MaximumMessageSize", "1024"}});
  auto send = [&](json p) {
    p["QueueUrl"] = url("q");
    return call("SendMessage", p);
  };
  EXPECT_EQ(send({{"MessageBody", ""}}).code, "MissingParameter");
  auto chars = send({{"MessageBody", std::string("bad\x01")}});
  EXPECT_EQ(chars.code, "InvalidMessageContents");
  EXPECT_EQ(chars.message,
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
            "#xFFFD | #x10000 to #x10FFFF");
  auto big = send({{"MessageBody", std::string(1025, 'x')}});
  EXPECT_EQ(big.code, "InvalidParameterValue");
  EXPECT_EQ(big.message, "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
  EXPECT_TRUE(send({{"MessageBody", std::string(1024, 'x')}}).ok());
  EXPECT_EQ(send({{"MessageBody", "x"}, {"DelaySeconds", 901}}).code, "InvalidParameterValue");
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageDeduplicationId", "d"}}).code, "InvalidParameterValue");
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageAttributes", {{"AWS.x", {{"DataType", "String"}, {"StringValue", "v"}}}}}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageAttributes", {{"a", {{"DataType", "Float"}, {"StringValue", "1"}}}}}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageAttributes", {{"a", {{"DataType", "Number"}, {"StringValue", "one"}}}}}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageAttributes", {{"a", {{"DataType", "String"}}}}}}).code,
            "InvalidParameterValue");
  json eleven = json::object();
  for (int i = 0; i < 11; ++i) eleven["a" + std::to_string(i)] = {{"DataType", "String"}, {"StringValue", "v"}};
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageAttributes", eleven}}).code, "InvalidParameterValue");
  EXPECT_EQ(send({{"MessageBody", "x"}, {"MessageSystemAttributes", {{"Other", {{"DataType", "String"}, {"StringValue", "v"}}}}}})
                .code,
            "InvalidParameterValue");
  // Attribute bytes count towards the size limit.
  EXPECT_EQ(send({{"MessageBody", std::string(1000, 'x')},
                  {"MessageAttributes", {{"a", {{"DataType", "String"}, {"StringValue", std::string(30, 'v')}}}}}})
                .code,
            "InvalidParameterValue");
}

TEST_P(SqsService, SendMessageBatch) {
  h.create_queue("q");
  json entries = json::array();
  for (int i = 0; i < 3; ++i)
    entries.push_back({{"Id", "e" + std::to_string(i)},
                       {"MessageBody", "body-" + std::to_string(i)},
                       {"MessageAttributes", {{"i", {{"DataType", "Number"}, {"StringValue", std::to_string(i)}}}}}});
  entries.push_back({{"Id", "bad"}, {"MessageBody", std::string("\x02")}});
  entries.push_back({{"Id", "delay"}, {"MessageBody", "d"}, {"DelaySeconds", 5}});
  auto r = call("SendMessageBatch", {{"QueueUrl", url("q")}, {"Entries", entries}});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(r.body["Successful"].size(), 4u);
  EXPECT_EQ(r.body["Successful"][0]["Id"], "e0");
  EXPECT_EQ(r.body["Successful"][0]["MD5OfMessageBody"], "0ff85a33ee8c8aa4f59a843d5199909f");
  EXPECT_FALSE(r.body["Successful"][0]["MD5OfMessageAttributes"].get<std::string>().empty());
  ASSERT_EQ(r.body["Failed"].size(), 1u);
  EXPECT_EQ(r.body["Failed"][0], (json{{"Id", "bad"},
                                       {"SenderFault", "true"},
                                       {"Code", "InvalidMessageContents"},
                                       {"Message",
                                        "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | "
                                        "#x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"}}));
  auto c = h.counts("q");
  EXPECT_EQ(c.visible, 3);
  EXPECT_EQ(c.delayed, 1);
}

TEST_P(SqsService, BatchRequestErrors) {
  h.create_queue("q");
  auto batch = [&](const std::string& op, json entries) { return call(op, {{"QueueUrl", url("q")}, {"Entries", entries}}); };
  auto empty = batch("SendMessageBatch", json::array());
  EXPECT_EQ(empty.code, "AWS.SimpleQueueService.EmptyBatchRequest");
  EXPECT_EQ(empty.message, "There should be at least one SendMessageBatchRequestEntry in the request.");
  EXPECT_EQ(batch("DeleteMessageBatch", json::array()).code, "AWS.SimpleQueueService.EmptyBatchRequest");
  EXPECT_EQ(batch("ChangeMessageVisibilityBatch", json::array()).code, "AWS.SimpleQueueService.EmptyBatchRequest");
  json eleven = json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back({{"Id", "e" + std::to_string(i)}, {"MessageBody", "x"}});
  auto many = batch("SendMessageBatch", eleven);
  EXPECT_EQ(many.code, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
  EXPECT_EQ(many.message, "Maximum number of entries per request are 10. You have sent 11.");
  auto dup = batch("SendMessageBatch", {{{"Id", "a"}, {"MessageBody", "1"}}, {{"Id", "a"}, {"MessageBody", "2"}}});
  EXPECT_EQ(dup.code, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct");
  EXPECT_EQ(dup.message, "Id a repeated.");
  EXPECT_EQ(batch("SendMessageBatch", {{{"Id", "has space"}, {"MessageBody", "1"}}}).code,
            "AWS.SimpleQueueService.InvalidBatchEntryId");
  EXPECT_EQ(batch("DeleteMessageBatch", {{{"Id", std::string(81, 'x')}, {"ReceiptHandle", "r"}}}).code,
            "AWS.SimpleQueueService.InvalidBatchEntryId");
  json big = json::array();
  for (int i = 0; i < 2; ++i) big.push_back({{"Id", "e" + std::to_string(i)}, {"MessageBody", std::string(600000, 'x')}});
  auto too_long = batch("SendMessageBatch", big);
  EXPECT_EQ(too_long.code, "AWS.SimpleQueueService.BatchRequestTooLong");
  EXPECT_EQ(too_long.message, "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.");
  if (GetParam() == api::protocol::json) {
    EXPECT_EQ(too_long.type, "com.amazonaws.sqs#BatchRequestTooLong");
  }
}

TEST_P(SqsService, ReceiptHandleErrors) {
  h.create_queue("q");
  h.create_queue("other");
  h.send(url("q"), "m");
  auto handle = h.receive(url("q"))[0]["ReceiptHandle"].get<std::string>();
  auto bad = call("DeleteMessage", {{"QueueUrl", url("q")}, {"ReceiptHandle", "garbage"}});
  EXPECT_EQ(bad.code, "ReceiptHandleIsInvalid");
  EXPECT_EQ(bad.message, "The input receipt handle \"garbage\" is not a valid receipt handle.");
  // A valid handle of another queue is not valid here.
  EXPECT_EQ(call("DeleteMessage", {{"QueueUrl", url("other")}, {"ReceiptHandle", handle}}).code, "ReceiptHandleIsInvalid");
  EXPECT_EQ(call("ChangeMessageVisibility", {{"QueueUrl", url("q")}, {"ReceiptHandle", "garbage"}, {"VisibilityTimeout", 1}})
                .code,
            "ReceiptHandleIsInvalid");
  EXPECT_EQ(call("ChangeMessageVisibility", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 43201}})
                .code,
            "InvalidParameterValue");
  ASSERT_TRUE(call("ChangeMessageVisibility", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 0}}).ok());
  auto not_inflight =
      call("ChangeMessageVisibility", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 5}});
  EXPECT_EQ(not_inflight.code, "AWS.SimpleQueueService.MessageNotInflight");
  if (GetParam() == api::protocol::json) {
    EXPECT_EQ(not_inflight.type, "com.amazonaws.sqs#MessageNotInflight");
  }
  // Received again: the first handle is stale but still deletes on a standard queue.
  auto second = h.receive(url("q"));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["ReceiptHandle"].get<std::string>() == handle, false);
  EXPECT_EQ(call("ChangeMessageVisibility", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 5}}).code,
            "InvalidParameterValue");
  EXPECT_TRUE(call("DeleteMessage", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}}).ok());
  EXPECT_EQ(h.counts("q").not_visible, 0);
  // Deleting again succeeds; changing visibility of a deleted message does not.
  EXPECT_TRUE(call("DeleteMessage", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}}).ok());
  auto deleted = call("ChangeMessageVisibility", {{"QueueUrl", url("q")}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 5}});
  EXPECT_EQ(deleted.code, "InvalidParameterValue");
  EXPECT_EQ(deleted.message, "Value " + handle +
                                 " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not "
                                 "available for visibility timeout change.");
}

TEST_P(SqsService, DeleteAndChangeVisibilityBatches) {
  h.create_queue("q");
  for (int i = 0; i < 3; ++i) h.send(url("q"), "m" + std::to_string(i));
  auto msgs = h.receive(url("q"), {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(msgs.size(), 3u);
  auto cv = call("ChangeMessageVisibilityBatch",
                 {{"QueueUrl", url("q")},
                  {"Entries", {{{"Id", "a"}, {"ReceiptHandle", msgs[0]["ReceiptHandle"]}, {"VisibilityTimeout", 0}},
                               {{"Id", "b"}, {"ReceiptHandle", "junk"}, {"VisibilityTimeout", 0}}}}});
  ASSERT_TRUE(cv.ok()) << cv.message;
  EXPECT_EQ(cv.body["Successful"], json::array({{{"Id", "a"}}}));
  ASSERT_EQ(cv.body["Failed"].size(), 1u);
  EXPECT_EQ(cv.body["Failed"][0]["Code"], "ReceiptHandleIsInvalid");
  EXPECT_EQ(cv.body["Failed"][0]["SenderFault"], "true");
  EXPECT_EQ(h.counts("q").visible, 1);

  auto del = call("DeleteMessageBatch", {{"QueueUrl", url("q")},
                                         {"Entries", {{{"Id", "x"}, {"ReceiptHandle", msgs[1]["ReceiptHandle"]}},
                                                      {{"Id", "y"}, {"ReceiptHandle", msgs[2]["ReceiptHandle"]}},
                                                      {{"Id", "z"}, {"ReceiptHandle", "junk"}}}}});
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del.body["Successful"], json::array({{{"Id", "x"}}, {{"Id", "y"}}}));
  EXPECT_EQ(del.body["Failed"][0]["Id"], "z");
  auto c = h.counts("q");
  EXPECT_EQ(c.visible, 1);
  EXPECT_EQ(c.not_visible, 0);
}

TEST_P(SqsService, ReceiveParameterValidation) {
  h.create_queue("q");
  auto rx = [&](json p) {
    p["QueueUrl"] = url("q");
    return call("ReceiveMessage", p);
  };
  auto n = rx({{"MaxNumberOfMessages", 11}});
  EXPECT_EQ(n.code, "InvalidParameterValue");
  EXPECT_EQ(n.message, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
  EXPECT_EQ(rx({{"MaxNumberOfMessages", 0}}).code, "InvalidParameterValue");
  EXPECT_EQ(rx({{"WaitTimeSeconds", 21}}).code, "InvalidParameterValue");
  EXPECT_EQ(rx({{"VisibilityTimeout", -1}}).code, "InvalidParameterValue");
  EXPECT_TRUE(rx({{"MaxNumberOfMessages", 10}, {"WaitTimeSeconds", 0}}).ok());
}

TEST_P(SqsService, PurgeQueue) {
  h.create_queue("q");
  for (int i = 0; i < 4; ++i) h.send(url("q"), "m");
  h.send(url("q"), "later", {{"DelaySeconds", 30}});
  h.receive(url("q"));
  ASSERT_TRUE(call("PurgeQueue", {{"QueueUrl", url("q")}}).ok());
  auto c = h.counts("q");
  EXPECT_EQ(c.visible + c.not_visible + c.delayed, 0);
  EXPECT_TRUE(call("PurgeQueue", {{"QueueUrl", url("q")}}).ok());  // LocalStack default: no 60 s rule
  EXPECT_EQ(call("PurgeQueue", {{"QueueUrl", url("nope")}}).code, "AWS.SimpleQueueService.NonExistentQueue");
}

TEST_P(SqsService, Permissions) {
  h.create_queue("q");
  auto add = call("AddPermission", {{"QueueUrl", url("q")},
                                    {"Label", "send"},
                                    {"AWSAccountIds", {"111122223333"}},
                                    {"Actions", {"SendMessage"}}});
  ASSERT_TRUE(add.ok()) << add.message;
  auto policy = json::parse(
      call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"Policy"}}}).body["Attributes"]["Policy"]
          .get<std::string>());
  EXPECT_EQ(policy["Statement"][0]["Sid"], "send");
  EXPECT_EQ(policy["Statement"][0]["Action"], json::array({"SQS:SendMessage"}));
  EXPECT_EQ(policy["Statement"][0]["Principal"]["AWS"], json::array({"arn:aws:iam::111122223333:root"}));
  auto again = call("AddPermission",
                    {{"QueueUrl", url("q")}, {"Label", "send"}, {"AWSAccountIds", {"111122223333"}}, {"Actions", {"*"}}});
  EXPECT_EQ(again.code, "InvalidParameterValue");
  EXPECT_EQ(again.message, "Value send for parameter Label is invalid. Reason: Already exists.");
  EXPECT_EQ(call("AddPermission",
                 {{"QueueUrl", url("q")}, {"Label", "l2"}, {"AWSAccountIds", {"111122223333"}}, {"Actions", {"Fly"}}})
                .code,
            "InvalidParameterValue");
  auto none = call("AddPermission", {{"QueueUrl", url("q")}, {"Label", "l3"}, {"Actions", {"*"}}});
  EXPECT_EQ(none.code, "InvalidParameterValue");
  EXPECT_EQ(none.message, "Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.");
  ASSERT_TRUE(call("RemovePermission", {{"QueueUrl", url("q")}, {"Label", "send"}}).ok());
  EXPECT_FALSE(call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"Policy"}}}).body.contains("Attributes"));
  EXPECT_EQ(call("RemovePermission", {{"QueueUrl", url("q")}, {"Label", "send"}}).code, "InvalidParameterValue");
}

TEST_P(SqsService, UnknownActionAndMissingParameters) {
  auto r = call("Frobnicate");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.code, "InvalidAction");
  auto missing = call("GetQueueUrl");
  EXPECT_EQ(missing.code, "MissingParameter");
  EXPECT_EQ(missing.message, "The request must contain the parameter QueueName.");
  EXPECT_EQ(call("SendMessage", {{"MessageBody", "x"}}).code, "MissingParameter");
}

TEST_P(SqsService, QueueNameRules) {
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "has space"}}).code, "InvalidParameterValue");
  EXPECT_EQ(call("CreateQueue", {{"QueueName", std::string(81, 'a')}}).code, "InvalidParameterValue");
  EXPECT_TRUE(call("CreateQueue", {{"QueueName", std::string(80, 'a')}}).ok());
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "x.fifo"}}).code, "InvalidParameterValue");
  auto no_suffix = call("CreateQueue", {{"QueueName", "x"}, {"Attributes", {{"FifoQueue", "true"}}}});
  EXPECT_EQ(no_suffix.code, "InvalidParameterValue");
  EXPECT_TRUE(call("CreateQueue", {{"QueueName", "x.fifo"}, {"Attributes", {{"FifoQueue", "true"}}}}).ok());
  EXPECT_TRUE(call("CreateQueue", {{"QueueName", "std"}, {"Attributes", {{"FifoQueue", "false"}}}}).ok());
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "y"}, {"Attributes", {{"Nope", "1"}}}}).code, "InvalidAttributeName");
}

TEST(SqsJsonProtocol, MalformedBodyIsASerializationError) {
  harness h;
  auto req = make_request(api::protocol::json, "ListQueues", json::object());
  req.body = "{\"QueueNamePrefix\": ";
  std::promise<core::response> p;
  h.svc().handle(std::move(req), [&p](core::response r) { p.set_value(std::move(r)); });
  auto r = normalise(api::protocol::json, "ListQueues", p.get_future().get());
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.type, "com.amazon.coral.service#SerializationException");
}

INSTANTIATE_TEST_SUITE_P(Protocols, SqsService, ::testing::Values(api::protocol::json, api::protocol::query),
                         [](const auto& info) { return info.param == api::protocol::json ? "Json" : "Query"; });

}  // namespace
}  // namespace hayloft::sqs::testing
