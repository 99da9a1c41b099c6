#include <gtest/gtest.h>

#include "orchestrator/scaling/triggers.h"

namespace hayloft::orchestrator::scaling {
namespace {

objects::trigger_spec sqs(std::map<std::string, std::string> md) {
  objects::trigger_spec t;
  t.type = "aws-sqs-queue";
  t.metadata = std::move(md);
  return t;
}

TEST(OrchSqsTrigger, DefaultsMatchKeda) {
  auto t = parse_sqs_trigger(sqs({{"queueURL", "http://localhost:4566/000000000000/test-queue"}, {"awsRegion", "eu-central-1"}}), {}, {});
  ASSERT_TRUE(t) << t.err().message;
  EXPECT_EQ(t->queue_name, "test-queue");
  EXPECT_EQ(t->queue_length_milli, 5000);
  EXPECT_EQ(t->activation_milli, 0);
  EXPECT_TRUE(t->scale_on_in_flight);
  EXPECT_FALSE(t->scale_on_delayed);
}

TEST(OrchSqsTrigger, MetricSumsTheSelectedCounts) {
  queue_counts c{10, 3, 2};
  struct row {
    const char* in_flight;
    const char* delayed;
    std::int64_t want;
  };
  for (const auto& r : std::vector<row>{{"true", "false", 13}, {"false", "false", 10}, {"true", "true", 15}, {"false", "true", 12}}) {
    auto t = parse_sqs_trigger(sqs({{"queueURL", "q"}, {"awsRegion", "r"}, {"scaleOnInFlight", r.in_flight}, {"scaleOnDelayed", r.delayed}}), {}, {});
    ASSERT_TRUE(t);
    EXPECT_EQ(sqs_queue_length(*t, c), r.want) << r.in_flight << "/" << r.delayed;
  }
}

TEST(OrchSqsTrigger, QueueUrlFromEnvAndPlainNames) {
  auto t = parse_sqs_trigger(sqs({{"queueURLFromEnv", "QUEUE_URL"}, {"awsRegion", "r"}}),
                             {{"QUEUE_URL", "https://sqs.eu-central-1.amazonaws.com/123456789012/jobs"}}, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->queue_name, "jobs");
  EXPECT_FALSE(parse_sqs_trigger(sqs({{"queueURLFromEnv", "MISSING"}, {"awsRegion", "r"}}), {}, {}));
  EXPECT_FALSE(parse_sqs_trigger(sqs({{"queueURL", "http://h/only-one-part"}, {"awsRegion", "r"}}), {}, {}));
  EXPECT_FALSE(parse_sqs_trigger(sqs({{"queueURL", "q"}}), {}, {}));  // no awsRegion
  EXPECT_FALSE(parse_sqs_trigger(sqs({{"queueURL", "q"}, {"awsRegion", "r"}, {"queueLength", "ten"}}), {}, {}));
}

TEST(OrchSqsTrigger, CredentialsComeFromAuthParams) {
  auto t = parse_sqs_trigger(sqs({{"queueURL", "q"}, {"awsRegion", "r"}}), {},
                             {{"awsAccessKeyID", "AKID"}, {"awsSecretAccessKey", "secret"}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->access_key_id, "AKID");
  EXPECT_EQ(t->secret_access_key, "secret");
}

TEST(OrchMetricNames, AreIndexedAndNormalised) {
  EXPECT_EQ(external_metric_name(0, normalize_metric_string("aws-sqs-Test.Queue")), "s0-aws-sqs-test-queue");
}

TEST(OrchPrometheusTrigger, KeepsAnyQueryAndParsesThresholds) {
  objects::trigger_spec t;
  t.type = "prometheus";
  t.metadata = {{"serverAddress", "http://prometheus:9090"},
                {"query", "sum(rate(http_requests_total{job=\"api\"}[1m]))"},
                {"threshold", "2.5"},
                {"ignoreNullValues", "false"}};
  auto p = parse_prometheus_trigger(t);
  ASSERT_TRUE(p) << p.err().message;
  EXPECT_EQ(p->query, "sum(rate(http_requests_total{job=\"api\"}[1m]))");
  EXPECT_EQ(p->threshold_milli, 2500);
  EXPECT_FALSE(p->ignore_null_values);
  t.metadata["threshold"] = "lots";
  EXPECT_EQ(parse_prometheus_trigger(t).err().message,
            "error parsing threshold: strconv.ParseFloat: parsing \"lots\": invalid syntax");
  t.metadata.erase("query");
  EXPECT_NE(parse_prometheus_trigger(t).err().message.find("missing required parameter \"query\""), std::string::npos);
}

TEST(OrchCpuTrigger, DefaultsToUtilization) {
  objects::trigger_spec t;
  t.type = "cpu";
  t.metric_type = "Utilization";
  t.metadata = {{"value", "60"}};
  auto c = parse_cpu_trigger(t);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->metric_type, "Utilization");
  EXPECT_EQ(c->value_milli, 60000);
}

}  // namespace
}  // namespace hayloft::orchestrator::scaling
