// Notification configuration round trip, event matching and event message bodies.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "s3/api/errors.h"
#include "s3/api/notifications.h"

namespace hayloft::s3 {
namespace {

constexpr std::string_view config_xml =
    "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><QueueConfiguration>"
    "<Id>uploads</Id><Queue>arn:aws:sqs:us-east-1:000000000000:test-queue</Queue>"
    "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule>"
    "<FilterRule><Name>Suffix</Name><Value>.pdf</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
    "<QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:deletes</Queue>"
    "<Event>s3:ObjectRemoved:Delete</Event></QueueConfiguration></NotificationConfiguration>";

TEST(S3Notifications, RoundTrip) {
  auto c = parse_notification_configuration(config_xml);
  ASSERT_TRUE(c.ok()) << c.err().message;
  ASSERT_EQ(c->queues.size(), 2u);
  EXPECT_EQ(c->queues[0].id, "uploads");
  EXPECT_FALSE(c->queues[1].id.empty());  // generated
  EXPECT_EQ(c->queues[0].rules[0].name, "Prefix");
  auto again = parse_notification_configuration(render_notification_configuration(*c));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(render_notification_configuration(*again), render_notification_configuration(*c));
  auto empty = parse_notification_configuration("<NotificationConfiguration/>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(S3Notifications, Validation) {
  struct {
    std::string_view xml;
    errc code;
  } cases[] = {
      {"<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:0:q</Queue>"
       "<Event>s3:Bogus:*</Event></QueueConfiguration></NotificationConfiguration>",
       errc::invalid_argument},
      {"<NotificationConfiguration><QueueConfiguration><Queue>not-an-arn</Queue>"
       "<Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>",
       errc::invalid_argument},
      {"<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:0:q</Queue>"
       "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value>"
       "</FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>",
       errc::invalid_argument},
      {"<NotificationConfiguration><QueueConfiguration>", errc::malformed_xml},
  };
  for (const auto& c : cases) EXPECT_EQ(to_errc(parse_notification_configuration(c.xml).code()), c.code) << c.xml;
}

TEST(S3Notifications, Matching) {
  auto c = parse_notification_configuration(config_xml);
  ASSERT_TRUE(c.ok());
  const auto& uploads = c->queues[0];
  const auto& deletes = c->queues[1];
  EXPECT_TRUE(matches(uploads, "ObjectCreated:Put", "in/a.pdf"));
  EXPECT_TRUE(matches(uploads, "ObjectCreated:CompleteMultipartUpload", "in/b.pdf"));
  EXPECT_FALSE(matches(uploads, "ObjectCreated:Put", "out/a.pdf"));
  EXPECT_FALSE(matches(uploads, "ObjectCreated:Put", "in/a.txt"));
  EXPECT_FALSE(matches(uploads, "ObjectRemoved:Delete", "in/a.pdf"));
  EXPECT_TRUE(matches(deletes, "ObjectRemoved:Delete", "anything"));
  EXPECT_FALSE(matches(deletes, "ObjectCreated:Put", "anything"));
}

TEST(S3Notifications, EventKeyEncoding) {
  EXPECT_EQ(event_key("dir/red flower+1.jpg"), "dir/red+flower%2B1.jpg");
  EXPECT_EQ(event_key("a=b&c"), "a%3Db%26c");
}

TEST(S3Notifications, EventBody) {
  event_record e;
  e.event_name = "ObjectCreated:Put";
  e.region = "eu-central-1";
  e.time = core::from_unix_ms(1767225600000);
  e.bucket = "test-bucket";
  e.key = "docs/a b.txt";
  e.size = 5;
  e.etag = "5d41402abc4b2a76b9719d911017c592";
  e.sequencer = "0000019B76DA8000";
  e.configuration_id = "cfg";
  auto j = nlohmann::json::parse(render_event(e));
  const auto& r = j["Records"][0];
  EXPECT_EQ(r["eventVersion"], "2.1");
  EXPECT_EQ(r["eventSource"], "aws:s3");
  EXPECT_EQ(r["awsRegion"], "eu-central-1");
  EXPECT_EQ(r["eventTime"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(r["eventName"], "ObjectCreated:Put");
  EXPECT_EQ(r["s3"]["bucket"]["name"], "test-bucket");
  EXPECT_EQ(r["s3"]["bucket"]["arn"], "arn:aws:s3:::test-bucket");
  EXPECT_EQ(r["s3"]["configurationId"], "cfg");
  EXPECT_EQ(r["s3"]["object"]["key"], "docs/a+b.txt");
  EXPECT_EQ(r["s3"]["object"]["size"], 5);
  EXPECT_EQ(r["s3"]["object"]["eTag"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(r["s3"]["object"]["sequencer"], "0000019B76DA8000");
  e.event_name = "ObjectRemoved:Delete";
  auto removed = nlohmann::json::parse(render_event(e));
  EXPECT_FALSE(removed["Records"][0]["s3"]["object"].contains("size"));
  auto test = nlohmann::json::parse(render_test_event("test-bucket", e.time, "RID", "HID"));
  EXPECT_EQ(test["Event"], "s3:TestEvent");
  EXPECT_EQ(test["Service"], "Amazon S3");
  EXPECT_EQ(test["Bucket"], "test-bucket");
}

}  // namespace
}  // namespace hayloft::s3
