// Service tests of SQS's limits and of hostile input, in both wire protocols: sizes are checked
// before content, oversized or malformed values get AWS's 4xx, and the service keeps serving.
#include <gtest/gtest.h>

#include <string>

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

INSTANTIATE_TEST_SUITE_P(Protocols, SqsLimits, ::testing::Values(api::protocol::json, api::protocol::query),
                         [](const auto& info) { return info.param == api::protocol::json ? "Json" : "Query"; });

}  // namespace
}  // namespace hayloft::sqs::testing
