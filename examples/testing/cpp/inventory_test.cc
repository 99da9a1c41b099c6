// An app's integration tests with hayloft in the test process (hayloft::testing): the "app" is
// a small inventory importer that reads a CSV object from S3 and sends one SQS message per row,
// deployed with a KEDA ScaledObject on that queue. The stack starts once (a GoogleTest
// environment) and each test starts from a seeded snapshot, restored in milliseconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "emulator/http/aws_client.h"
#include "emulator/testing/gtest.h"

namespace {

using hayloft::testing::environment;

constexpr const char* kManifests = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: importer}
spec:
  replicas: 0
  selector: {matchLabels: {app: importer}}
  template:
    metadata: {labels: {app: importer}}
    spec: {containers: [{name: importer, image: hayloft/echo}]}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: importer}
spec:
  scaleTargetRef: {name: importer}
  pollingInterval: 30
  cooldownPeriod: 300
  minReplicaCount: 0
  maxReplicaCount: 5
  triggers:
    - type: aws-sqs-queue
      metadata: {queueURL: "http://localhost:4566/000000000000/rows", queueLength: "2", awsRegion: us-east-1}
)";

// The app under test: one message per CSV row of s3://inventory/<key>.
int import_csv(hayloft::http::aws_client& aws, const std::string& key) {
  auto csv = aws.get_object("inventory", key);
  if (!csv.ok()) throw std::runtime_error(csv.err().message);
  auto url = aws.get_queue_url("rows");
  if (!url.ok()) throw std::runtime_error(url.err().message);
  std::istringstream in(csv->bytes);
  std::string line;
  int sent = 0;
  while (std::getline(in, line))
    if (!line.empty() && aws.send_message(*url, line).ok()) ++sent;
  return sent;
}

class InventoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto& hl = environment::get();
    hl.reset();
    hayloft::http::s3_request bucket;
    bucket.method = "PUT";
    bucket.bucket = "inventory";
    ASSERT_TRUE(hl.aws().s3_call(bucket).ok());
    ASSERT_TRUE(hl.aws().sqs_call("CreateQueue", {{"QueueName", "rows"}}).ok());
    hl.apply(kManifests);
    hl.snapshot("seeded");
  }
  void SetUp() override { hl.restore("seeded"); }

  void put_csv(const std::string& key, const std::string& text) {
    hayloft::http::s3_request put;
    put.method = "PUT";
    put.bucket = "inventory";
    put.key = key;
    put.body = text;
    auto r = hl.aws().s3_call(put);
    ASSERT_TRUE(r.ok()) << r.err().message;
  }

  hayloft::testing::stack& hl = environment::get();
};

TEST_F(InventoryTest, ImportSendsOneMessagePerRow) {
  put_csv("today.csv", "apples,3\npears,5\nplums,0\n");
  EXPECT_EQ(import_csv(hl.aws(), "today.csv"), 3);
  auto url = hl.aws().get_queue_url("rows");
  ASSERT_TRUE(url.ok());
  auto got = hl.aws().receive_message(*url, 10, std::chrono::seconds(0));
  ASSERT_TRUE(got.ok()) << got.err().message;
  std::vector<std::string> bodies;
  for (const auto& m : *got) bodies.push_back(m.body);
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{"apples,3", "pears,5", "plums,0"}));
}

TEST_F(InventoryTest, KedaScalesTheImporterWithTheBacklogAndBackToZero) {
  EXPECT_EQ(hl.replicas("importer"), 0);
  put_csv("big.csv", "a,1\nb,2\nc,3\nd,4\ne,5\nf,6\ng,7\n");
  ASSERT_EQ(import_csv(hl.aws(), "big.csv"), 7);
  hl.advance("30s");  // the next poll: 7 messages / queueLength 2 -> 4 replicas
  EXPECT_EQ(hl.replicas("importer"), 4);
  auto url = hl.aws().get_queue_url("rows");
  ASSERT_TRUE(url.ok());
  ASSERT_TRUE(hl.aws().sqs_call("PurgeQueue", {{"QueueUrl", *url}}).ok());
  hl.advance("30s");
  hl.advance("5m");  // cooldownPeriod after the last active poll
  EXPECT_EQ(hl.replicas("importer"), 0);
}

TEST_F(InventoryTest, EachTestStartsFromTheSeed) {
  auto url = hl.aws().get_queue_url("rows");
  ASSERT_TRUE(url.ok()) << "the seeded queue is back";
  auto got = hl.aws().receive_message(*url, 10, std::chrono::seconds(0));
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty()) << "messages of an earlier test survived the restore";
  EXPECT_FALSE(hl.aws().get_object("inventory", "today.csv").ok());
  EXPECT_EQ(hl.replicas("importer"), 0);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new environment());
  return RUN_ALL_TESTS();
}
