// Service tests: bucket notification configuration and event delivery through the sink.
#include <nlohmann/json.hpp>

#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3EventsTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    ASSERT_EQ(call("PUT", "/bkt", "<CreateBucketConfiguration><LocationConstraint>eu-central-1</LocationConstraint>"
                                  "</CreateBucketConfiguration>").status, 200u);
  }
  static constexpr std::string_view config =
      "<NotificationConfiguration><QueueConfiguration><Id>new-docs</Id>"
      "<Queue>arn:aws:sqs:eu-central-1:000000000000:test-queue</Queue><Event>s3:ObjectCreated:*</Event>"
      "<Filter><S3Key><FilterRule><Name>prefix</Name><Value>docs/</Value></FilterRule></S3Key></Filter>"
      "</QueueConfiguration><QueueConfiguration><Id>removals</Id>"
      "<Queue>arn:aws:sqs:eu-central-1:000000000000:removed</Queue><Event>s3:ObjectRemoved:*</Event>"
      "</QueueConfiguration></NotificationConfiguration>";
};

TEST_F(S3EventsTest, ConfigurationRoundTripAndTestEvent) {
  auto r = call("GET", "/bkt?notification");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "QueueConfiguration"), 0u);
  ASSERT_EQ(call("PUT", "/bkt?notification", std::string(config)).status, 200u);
  auto events = sink_.take();
  ASSERT_EQ(events.size(), 2u);
  auto test = nlohmann::json::parse(events[0].body);
  EXPECT_EQ(test["Event"], "s3:TestEvent");
  EXPECT_EQ(test["Bucket"], "bkt");
  r = call("GET", "/bkt?notification");
  EXPECT_EQ(xml_count(r.body, "QueueConfiguration"), 2u);
  EXPECT_EQ(xml_text(r.body, "Id"), "new-docs");
  EXPECT_EQ(xml_text(r.body, "Queue"), "arn:aws:sqs:eu-central-1:000000000000:test-queue");
  EXPECT_NE(r.body.find("<FilterRule><Name>Prefix</Name><Value>docs/</Value></FilterRule>"), std::string::npos);
  ASSERT_EQ(call("PUT", "/bkt?notification", "<NotificationConfiguration/>").status, 200u);
  EXPECT_EQ(xml_count(call("GET", "/bkt?notification").body, "QueueConfiguration"), 0u);
  EXPECT_EQ(xml_text(call("PUT", "/bkt?notification", "<NotificationConfiguration><TopicConfiguration>"
                                                       "</TopicConfiguration></NotificationConfiguration>").body,
                     "Code"),
            "InvalidArgument");
  // SNS and Lambda destinations are stored and returned; their events are only logged.
  ASSERT_EQ(call("PUT", "/bkt?notification",
                 "<NotificationConfiguration><TopicConfiguration><Id>t</Id><Topic>arn:aws:sns:us-east-1:000000000000:t"
                 "</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration><CloudFunctionConfiguration><Id>f</Id>"
                 "<CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:f</CloudFunction><Event>"
                 "s3:ObjectRemoved:*</Event></CloudFunctionConfiguration></NotificationConfiguration>")
                .status,
            200u);
  auto stored = call("GET", "/bkt?notification");
  EXPECT_EQ(xml_text(stored.body, "Topic"), "arn:aws:sns:us-east-1:000000000000:t");
  EXPECT_EQ(xml_text(stored.body, "CloudFunction"), "arn:aws:lambda:us-east-1:000000000000:function:f");
  sink_.take();
  put("bkt/docs/x", "x");
  EXPECT_TRUE(sink_.take().empty());
  EXPECT_EQ(xml_text(call("PUT", "/bkt?notification",
                          "<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sqs:us-east-1:0:q</Topic><Event>"
                          "s3:ObjectCreated:*</Event></TopicConfiguration></NotificationConfiguration>")
                         .body,
                     "Code"),
            "InvalidArgument");
  EXPECT_EQ(xml_text(call("PUT", "/nobkt?notification", std::string(config)).body, "Code"), "NoSuchBucket");
}

TEST_F(S3EventsTest, DeliversMatchingEvents) {
  ASSERT_EQ(call("PUT", "/bkt?notification", std::string(config)).status, 200u);
  sink_.take();
  put("bkt/docs/a b.txt", "hello");
  put("bkt/other.txt", "ignored");
  auto events = sink_.take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].queue_arn, "arn:aws:sqs:eu-central-1:000000000000:test-queue");
  auto j = nlohmann::json::parse(events[0].body);
  const auto& rec = j["Records"][0];
  EXPECT_EQ(rec["eventName"], "ObjectCreated:Put");
  EXPECT_EQ(rec["awsRegion"], "eu-central-1");
  EXPECT_EQ(rec["eventTime"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(rec["s3"]["configurationId"], "new-docs");
  EXPECT_EQ(rec["s3"]["object"]["key"], "docs/a+b.txt");
  EXPECT_EQ(rec["s3"]["object"]["size"], 5);
  EXPECT_EQ(rec["s3"]["object"]["eTag"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_FALSE(rec["s3"]["object"]["sequencer"].get<std::string>().empty());

  ASSERT_EQ(call("PUT", "/bkt/docs/copy", "", {{"x-amz-copy-source", "/bkt/other.txt"}}).status, 200u);
  events = sink_.take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(events[0].body)["Records"][0]["eventName"], "ObjectCreated:Copy");

  auto up = xml_text(call("POST", "/bkt/docs/mp?uploads").body, "UploadId");
  auto etag = std::string(call("PUT", "/bkt/docs/mp?partNumber=1&uploadId=" + up, "part").headers.value_or("ETag", ""));
  ASSERT_EQ(call("POST", "/bkt/docs/mp?uploadId=" + up,
                 "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
                     "</ETag></Part></CompleteMultipartUpload>").status, 200u);
  events = sink_.take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(events[0].body)["Records"][0]["eventName"], "ObjectCreated:CompleteMultipartUpload");

  EXPECT_EQ(call("DELETE", "/bkt/docs/a%20b.txt").status, 204u);
  EXPECT_EQ(call("DELETE", "/bkt/never-existed").status, 204u);
  ASSERT_EQ(call("POST", "/bkt?delete", "<Delete><Object><Key>other.txt</Key></Object></Delete>").status, 200u);
  events = sink_.take();
  ASSERT_EQ(events.size(), 2u);
  auto removed = nlohmann::json::parse(events[0].body)["Records"][0];
  EXPECT_EQ(events[0].queue_arn, "arn:aws:sqs:eu-central-1:000000000000:removed");
  EXPECT_EQ(removed["eventName"], "ObjectRemoved:Delete");
  EXPECT_EQ(removed["s3"]["object"]["key"], "docs/a+b.txt");
  EXPECT_EQ(nlohmann::json::parse(events[1].body)["Records"][0]["s3"]["object"]["key"], "other.txt");
}

TEST_F(S3EventsTest, UnknownDestinationIsRefusedAndNothingIsStored) {
  sink_.refuse("arn:aws:sqs:eu-central-1:000000000000:removed");
  auto r = call("PUT", "/bkt?notification", std::string(config));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  EXPECT_EQ(xml_text(r.body, "Message"), "Unable to validate the following destination configurations");
  EXPECT_TRUE(sink_.take().empty());
  EXPECT_EQ(xml_count(call("GET", "/bkt?notification").body, "QueueConfiguration"), 0u);
}

TEST_F(S3EventsTest, NoSinkNoDelivery) {
  ASSERT_EQ(call("PUT", "/bkt?notification", std::string(config)).status, 200u);
  sink_.take();
  svc_->set_event_sink(nullptr);
  put("bkt/docs/x", "x");
  EXPECT_TRUE(sink_.take().empty());
}

}  // namespace
}  // namespace hayloft::s3::testing
