#include "consumer/worker/message_body.h"

#include <gtest/gtest.h>

namespace hayloft::consumer {
namespace {

TEST(MessageBody, PlainBodyIsAKeyInTheDefaultBucket) {
  auto r = parse_message_body("docs/report 1.pdf\n", "test-bucket");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].bucket, "test-bucket");
  EXPECT_EQ((*r)[0].key, "docs/report 1.pdf");
}

TEST(MessageBody, S3EventNotificationKeysAreUrlDecoded) {
  auto r = parse_message_body(
      R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"a+b%2Fc.txt","size":3}}},)"
      R"({"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"gone.txt"}}}]})",
      "test-bucket");
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].bucket, "b");
  EXPECT_EQ((*r)[0].key, "a b/c.txt");
  EXPECT_FALSE((*r)[0].removed);
  EXPECT_TRUE((*r)[1].removed);
}

TEST(MessageBody, TestEventAsksForNothingAndBrokenRecordsAreErrors) {
  auto t = parse_message_body(R"({"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"})", "x");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->empty());
  EXPECT_FALSE(parse_message_body(R"({"Records":[{"s3":{}}]})", "x").ok());
  EXPECT_FALSE(parse_message_body("   ", "x").ok());
}

}  // namespace
}  // namespace hayloft::consumer
