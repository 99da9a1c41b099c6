#include "emulator/dashboard/overview.h"

#include <gtest/gtest.h>

#include "tests/dashboard/sample_snapshot.h"

namespace hayloft::dashboard {
namespace {

TEST(DashboardOverview, BucketsAndQueuesWithCounts) {
  auto o = build_overview(testing::reference_snapshot(), testing::reference_now());
  EXPECT_EQ(o["now"], "2026-01-01T00:10:00.000Z");
  EXPECT_EQ(o["now_ms"], core::to_unix_ms(testing::reference_now()));
  ASSERT_EQ(o["buckets"].size(), 1u);
  EXPECT_EQ(o["buckets"][0], nlohmann::json({{"name", "test-bucket"},
                                             {"region", "eu-central-1"},
                                             {"created", "2026-01-01T00:00:00.000Z"},
                                             {"objects", 3},
                                             {"bytes", 3584}}));
  ASSERT_EQ(o["queues"].size(), 2u);
  EXPECT_EQ(
      o["queues"][0],
      nlohmann::json({{"name", "test-queue"}, {"visible", 7}, {"in_flight", 2}, {"delayed", 1}}));
}

TEST(DashboardOverview, DeploymentsWithTheirScaledObject) {
  auto o = build_overview(testing::reference_snapshot(), testing::reference_now());
  ASSERT_EQ(o["deployments"].size(), 2u);
  const auto& d = o["deployments"][0];
  EXPECT_EQ(d["namespace"], "indexing");
  EXPECT_EQ(d["name"], "indexing-consumer");
  EXPECT_EQ(d["desired"], 2);
  EXPECT_EQ(d["current"], 2);
  EXPECT_EQ(d["ready"], 1);
  const auto& sc = d["scaler"];
  EXPECT_EQ(sc["name"], "indexing-consumer-scaled-object");
  EXPECT_EQ(sc["type"], "aws-sqs-queue");
  EXPECT_EQ(sc["queue"], "test-queue");
  // scaleOnInFlight "false": the 2 in-flight messages do not count, as in KEDA.
  EXPECT_EQ(sc["queue_length"], 7);
  EXPECT_EQ(sc["target"], 10);
  EXPECT_EQ(sc["activation"], 0);
  EXPECT_EQ(sc["min"], 0);
  EXPECT_EQ(sc["max"], 2);
  // The ScaledObject in another namespace does not target default/web.
  const auto& web = o["deployments"][1];
  EXPECT_EQ(web["name"], "web");
  EXPECT_EQ(web["current"], 0);
  EXPECT_TRUE(web["scaler"].is_null());
}

TEST(DashboardOverview, InFlightCountsByDefaultAndMissingQueueIsNull) {
  auto s = testing::reference_snapshot();
  s.scaled_objects[0]["spec"]["triggers"][0]["metadata"].erase("scaleOnInFlight");
  EXPECT_EQ(build_overview(s, testing::reference_now())["deployments"][0]["scaler"]["queue_length"],
            9);
  s.queues.clear();
  auto sc = build_overview(s, testing::reference_now())["deployments"][0]["scaler"];
  EXPECT_EQ(sc["queue"], "test-queue");
  EXPECT_TRUE(sc["queue_length"].is_null());
}

TEST(DashboardOverview, PodsAsKubectlShowsThem) {
  auto o = build_overview(testing::reference_snapshot(), testing::reference_now());
  ASSERT_EQ(o["pods"].size(), 3u);
  EXPECT_EQ(o["pods"][0], nlohmann::json({{"namespace", "indexing"},
                                          {"name", "indexing-consumer-5d8f7c9b4-abcde"},
                                          {"deployment", "indexing-consumer"},
                                          {"status", "Running"},
                                          {"ready", "1/1"},
                                          {"restarts", 0},
                                          {"age_seconds", 600},
                                          {"created", "2026-01-01T00:00:00.000Z"}}));
  EXPECT_EQ(o["pods"][1]["status"], "CrashLoopBackOff");
  EXPECT_EQ(o["pods"][1]["ready"], "0/1");
  EXPECT_EQ(o["pods"][1]["restarts"], 3);
  EXPECT_EQ(o["pods"][1]["age_seconds"], 360);
  EXPECT_EQ(o["pods"][2]["status"], "Terminating");
  EXPECT_EQ(o["pods"][2]["deployment"], "");
}

TEST(DashboardOverview, EventsOldestFirstAndBounded) {
  auto o =
      build_overview(testing::reference_snapshot(), testing::reference_now(), {.max_events = 2});
  ASSERT_EQ(o["events"].size(), 2u);
  EXPECT_EQ(o["events"][0]["reason"], "SuccessfulRescale");
  EXPECT_EQ(o["events"][0]["object"],
            "horizontalpodautoscaler/keda-hpa-indexing-consumer-scaled-object");
  EXPECT_EQ(o["events"][1], nlohmann::json({{"time", "2026-01-01T00:09:30.000Z"},
                                            {"namespace", "indexing"},
                                            {"type", "Warning"},
                                            {"reason", "BackOff"},
                                            {"object", "pod/indexing-consumer-5d8f7c9b4-fghij"},
                                            {"message", "Back-off restarting failed container c"},
                                            {"count", 4}}));
}

TEST(DashboardOverview, MalformedObjectsDoNotThrow) {
  snapshot s;
  s.deployments = nlohmann::json::parse(R"([{"metadata": 3}, "x", {"spec": {"replicas": "two"}}])");
  s.scaled_objects =
      nlohmann::json::parse(R"([{"spec": {"scaleTargetRef": {"name": ""}, "triggers": [7]}}])");
  s.pods = nlohmann::json::parse(
      R"([{"metadata": {"creationTimestamp": "yesterday"}, "status": {"containerStatuses": [1]}}])");
  s.events = nlohmann::json::parse(R"([{"involvedObject": []}])");
  auto o = build_overview(s, testing::reference_now());
  EXPECT_EQ(o["deployments"].size(), 3u);
  EXPECT_EQ(o["pods"][0]["status"], "Unknown");
  EXPECT_EQ(o["pods"][0]["age_seconds"], 0);
  EXPECT_EQ(history_points(o).size(), 3u);
}

TEST(DashboardOverview, HistoryPointsFromDeployments) {
  auto points =
      history_points(build_overview(testing::reference_snapshot(), testing::reference_now()));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].namespace_name, "indexing");
  EXPECT_EQ(points[0].queue_length, 7);
  EXPECT_EQ(points[0].replicas, 2);
  EXPECT_FALSE(points[1].queue_length.has_value());
}

TEST(DashboardOverview, QueueNameFromUrl) {
  EXPECT_EQ(queue_name_from_url("http://localhost:4566/000000000000/test-queue"), "test-queue");
  EXPECT_EQ(queue_name_from_url("https://sqs.eu-central-1.amazonaws.com/123/q.fifo/"), "q.fifo");
  EXPECT_EQ(queue_name_from_url("test-queue"), "test-queue");
  EXPECT_EQ(queue_name_from_url(""), "");
}

}  // namespace
}  // namespace hayloft::dashboard
