// Service tests of SQS's limits and of hostile input, in both wire protocols: sizes are checked
// before content, oversized or malformed values get AWS's 4xx, and the service keeps serving.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

using nlohmann::json;

class SqsLimits : public ::testing::TestWithParam<api::protocol> {
 protected:
  reply call(const std::string& op, const json& params = json::object()) { return h.call(GetParam(), op, params); }
  std::string url(const std::string& name) { return "http://localhost:4566/000000000000/" + name; }
  reply send(const std::string& q, json params) {
    params["QueueUrl"] = url(q);
    return call("SendMessage", params);
  }
  harness h;
};

// Issue 14: this request segfaulted the process (std::regex recursing once per digit).
TEST_P(SqsLimits, ThirtyThousandDigitNumberIsRefusedAndTheServiceLivesOn) {
  h.create_queue("q");
  auto r = send("q", {{"MessageBody", "x"},
                      {"MessageAttributes", {{"n", {{"DataType", "Number"}, {"StringValue", std::string(30000, '1')}}}}}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.code, "InvalidParameterValue");
  EXPECT_EQ(r.message, "Can't cast the value of message (user) attribute 'n' to a number.");
  EXPECT_EQ(h.counts("q").visible, 0);
  EXPECT_TRUE(send("q", {{"MessageBody", "still here"}}).ok());
  EXPECT_EQ(h.counts("q").visible, 1);
}

TEST_P(SqsLimits, NumberRangeAndPrecision) {
  h.create_queue("q");
  auto number = [&](const std::string& v) {
    return send("q", {{"MessageBody", "x"}, {"MessageAttributes", {{"n", {{"DataType", "Number"}, {"StringValue", v}}}}}});
  };
  EXPECT_TRUE(number(std::string(38, '9')).ok());
  EXPECT_EQ(number(std::string(39, '9')).code, "InvalidParameterValue");
  EXPECT_TRUE(number("1e126").ok());
  EXPECT_EQ(number("1e127").code, "InvalidParameterValue");
  EXPECT_TRUE(number("-1e-128").ok());
  EXPECT_EQ(number("1e-129").code, "InvalidParameterValue");
}

constexpr std::size_t kMiB = 1048576;

// Issue 17: 1 MiB (1,048,576 bytes) since August 2025, body plus attributes, and the default of a
// new queue.
TEST_P(SqsLimits, OneMebibyteMessages) {
  h.create_queue("q");
  auto attrs = call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"MaximumMessageSize"}}});
  EXPECT_EQ(attrs.body["Attributes"]["MaximumMessageSize"], "1048576");
  EXPECT_TRUE(send("q", {{"MessageBody", std::string(kMiB, 'x')}}).ok());
  auto over = send("q", {{"MessageBody", std::string(kMiB + 1, 'x')}});
  EXPECT_EQ(over.status, 400u);
  EXPECT_EQ(over.code, "InvalidParameterValue");
  EXPECT_EQ(over.message, "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.");
  // Name, type and value of each attribute count: "n" + "String" + 10 bytes = 17.
  json attr = {{"n", {{"DataType", "String"}, {"StringValue", std::string(10, 'v')}}}};
  EXPECT_TRUE(send("q", {{"MessageBody", std::string(kMiB - 17, 'x')}, {"MessageAttributes", attr}}).ok());
  EXPECT_EQ(send("q", {{"MessageBody", std::string(kMiB - 16, 'x')}, {"MessageAttributes", attr}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(h.counts("q").visible, 2);
  // The largest message comes back whole.
  auto m = h.receive(url("q"), {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["Body"].get<std::string>().size() + m[1]["Body"].get<std::string>().size(), kMiB + kMiB - 17);
}

TEST_P(SqsLimits, OneMebibyteBatches) {
  h.create_queue("q");
  auto batch = [&](std::vector<std::size_t> sizes) {
    json entries = json::array();
    for (std::size_t i = 0; i < sizes.size(); ++i)
      entries.push_back({{"Id", "e" + std::to_string(i)}, {"MessageBody", std::string(sizes[i], 'x')}});
    return call("SendMessageBatch", {{"QueueUrl", url("q")}, {"Entries", entries}});
  };
  auto whole = batch({kMiB});
  ASSERT_TRUE(whole.ok()) << whole.message;
  EXPECT_EQ(whole.body["Successful"].size(), 1u);
  auto ten = batch(std::vector<std::size_t>(10, kMiB / 10 + (kMiB % 10 != 0)));  // 10 x 104858 = 1048580
  EXPECT_EQ(ten.status, 400u);
  EXPECT_EQ(ten.code, "AWS.SimpleQueueService.BatchRequestTooLong");
  EXPECT_EQ(ten.message, "Batch requests cannot be longer than 1048576 bytes. You have sent 1048580 bytes.");
  auto at = batch({kMiB / 4, kMiB / 4, kMiB / 4, kMiB / 4});
  ASSERT_TRUE(at.ok()) << at.message;
  EXPECT_EQ(at.body["Successful"].size(), 4u);
  auto over = batch({kMiB / 2, kMiB / 2 + 1});
  EXPECT_EQ(over.code, "AWS.SimpleQueueService.BatchRequestTooLong");
  EXPECT_EQ(over.message, "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.");
  if (GetParam() == api::protocol::json) {
    EXPECT_EQ(over.type, "com.amazonaws.sqs#BatchRequestTooLong");
  }
  EXPECT_EQ(h.counts("q").visible, 5);
}

TEST_P(SqsLimits, MaximumMessageSizeRange) {
  auto create = [&](const std::string& v) {
    return call("CreateQueue", {{"QueueName", "m" + v}, {"Attributes", {{"MaximumMessageSize", v}}}});
  };
  EXPECT_TRUE(create("1024").ok());
  EXPECT_TRUE(create("1048576").ok());
  auto low = create("1023");
  EXPECT_EQ(low.code, "InvalidAttributeValue");
  EXPECT_EQ(low.message, "Invalid value for the parameter MaximumMessageSize.");
  EXPECT_EQ(create("1048577").code, "InvalidAttributeValue");
}

// Sizes before content: an oversized message is refused for its size, whatever it holds.
TEST_P(SqsLimits, SizeIsCheckedBeforeContent) {
  h.create_queue("q", {{"MaximumMessageSize", "1024"}});
  auto r = send("q", {{"MessageBody", std::string(2000, '\x01')},
                      {"MessageAttributes", {{"AWS.bad", {{"DataType", "Number"}, {"StringValue", "1e999"}}}}}});
  EXPECT_EQ(r.code, "InvalidParameterValue");
  EXPECT_EQ(r.message, "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
}

TEST_P(SqsLimits, PolicyQuotas) {
  h.create_queue("q");
  auto set = [&](const std::string& policy) {
    return call("SetQueueAttributes", {{"QueueUrl", url("q")}, {"Attributes", {{"Policy", policy}}}});
  };
  auto sized = [](std::size_t n) {
    std::string head = R"({"Version":"2012-10-17","Id":")", tail = R"("})";
    return head + std::string(n - head.size() - tail.size(), 'a') + tail;
  };
  EXPECT_TRUE(set(sized(8192)).ok());
  auto big = set(sized(8193));
  EXPECT_EQ(big.status, 403u);
  EXPECT_EQ(big.code, "OverLimit");
  EXPECT_EQ(big.message, "Submitted policy is over max allowed size.");
  EXPECT_EQ(set(sized(1 << 20)).code, "OverLimit");
  auto actions = set(R"({"Statement":[{"Effect":"Allow","Action":["sqs:A","sqs:B","sqs:C","sqs:D","sqs:E","sqs:F",)"
                     R"("sqs:G","sqs:H"]}]})");
  EXPECT_EQ(actions.code, "OverLimit");
  EXPECT_EQ(actions.message, "8 actions were found in a statement from the submitted policy, max allowed is 7");
  auto deep = set(R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}");
  EXPECT_EQ(deep.code, "InvalidAttributeValue");
  EXPECT_EQ(deep.message, "Invalid value for the parameter Policy.");
}

TEST_P(SqsLimits, AddPermissionLabelAndAccountRules) {
  h.create_queue("q");
  auto add = [&](const std::string& label, json accounts, json actions = json::array({"SendMessage"})) {
    return call("AddPermission",
                {{"QueueUrl", url("q")}, {"Label", label}, {"AWSAccountIds", accounts}, {"Actions", actions}});
  };
  EXPECT_TRUE(add(std::string(80, 'L'), {"111122223333"}).ok());
  EXPECT_TRUE(add("a-b_C9", {"111122223333", "444455556666"}).ok());
  auto long_label = add(std::string(10000, 'L'), {"111122223333"});
  EXPECT_EQ(long_label.code, "InvalidParameterValue");
  EXPECT_EQ(long_label.message, "Value " + std::string(10000, 'L') +
                                    " for parameter Label is invalid. Reason: Can only include alphanumeric characters, "
                                    "hyphens, or underscores. 1 to 80 in length");
  EXPECT_EQ(add(std::string(81, 'L'), {"111122223333"}).code, "InvalidParameterValue");
  EXPECT_EQ(add("a/b", {"111122223333"}).code, "InvalidParameterValue");
  auto dots = add("l", {"111122223333", "../"});
  EXPECT_EQ(dots.code, "InvalidParameterValue");
  EXPECT_EQ(dots.message, "Value [../] for parameter PrincipalId is invalid. Reason: Unable to verify.");
  EXPECT_EQ(add("l", {"11112222333"}).code, "InvalidParameterValue");
  auto eight = add("l", {"111122223333"},
                   {"SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
                    "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue"});
  EXPECT_EQ(eight.status, 403u);
  EXPECT_EQ(eight.code, "OverLimit");
  EXPECT_EQ(eight.message, "8 Actions were found, maximum allowed is 7.");
}

// A policy set by hand may hold one statement object, or a Sid that is not a string: AddPermission
// and RemovePermission work with it (nlohmann's value() threw on the number).
TEST_P(SqsLimits, PermissionsOnAHandWrittenPolicy) {
  h.create_queue("q");
  ASSERT_TRUE(call("SetQueueAttributes",
                   {{"QueueUrl", url("q")},
                    {"Attributes", {{"Policy", R"({"Version":"2012-10-17","Statement":{"Sid":5,"Effect":"Allow"}})"}}}})
                  .ok());
  auto add = call("AddPermission",
                  {{"QueueUrl", url("q")}, {"Label", "l"}, {"AWSAccountIds", {"111122223333"}}, {"Actions", {"*"}}});
  ASSERT_TRUE(add.ok()) << add.message;
  auto policy = json::parse(
      call("GetQueueAttributes", {{"QueueUrl", url("q")}, {"AttributeNames", {"Policy"}}}).body["Attributes"]["Policy"]
          .get<std::string>());
  EXPECT_EQ(policy["Statement"].size(), 2u);
  EXPECT_TRUE(call("RemovePermission", {{"QueueUrl", url("q")}, {"Label", "l"}}).ok());
  EXPECT_EQ(call("RemovePermission", {{"QueueUrl", url("q")}, {"Label", "5"}}).code, "InvalidParameterValue");
}

// Invalid UTF-8 and control characters in values that errors echo: a 400 in a well-formed XML
// document (the harness parses every reply), not an exception. (JSON text cannot carry invalid
// UTF-8 at all: such a body is refused as malformed, see SqsParse in api_test.cc.)
TEST_P(SqsLimits, InvalidUtf8IsEchoedSafely) {
  if (GetParam() == api::protocol::json) GTEST_SKIP() << "JSON bodies are valid UTF-8 or refused";
  h.create_queue("q");
  auto r = call("RemovePermission", {{"QueueUrl", url("q")}, {"Label", std::string("\xff\x01\xc0\xaf", 4)}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.code, "InvalidParameterValue");
  EXPECT_EQ(r.message, "Value \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD for parameter Label is invalid. Reason: "
                       "can't find label on existing policy.");
  EXPECT_TRUE(send("q", {{"MessageBody", "alive"}}).ok());
}

INSTANTIATE_TEST_SUITE_P(Protocols, SqsLimits, ::testing::Values(api::protocol::json, api::protocol::query),
                         [](const auto& info) { return info.param == api::protocol::json ? "Json" : "Query"; });

}  // namespace
}  // namespace hayloft::sqs::testing
