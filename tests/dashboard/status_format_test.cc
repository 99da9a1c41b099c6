#include "emulator/dashboard/status_format.h"

#include <gtest/gtest.h>

#include "emulator/dashboard/overview.h"
#include "tests/dashboard/sample_snapshot.h"

namespace hayloft::dashboard {
namespace {

TEST(DashboardStatus, HumanDurationAsKubectl) {
  struct {
    std::int64_t s;
    const char* want;
  } cases[] = {{-5, "<invalid>"},  {-1, "0s"},       {0, "0s"},       {45, "45s"},
               {119, "119s"},      {120, "2m"},      {303, "5m3s"},   {600, "10m"},
               {10799, "179m"},    {10800, "3h"},    {11100, "3h5m"}, {28800, "8h"},
               {172800, "2d"},     {183600, "2d3h"}, {691200, "8d"},  {63072000, "2y"},
               {63158400, "2y1d"}, {252460800, "8y"}};
  for (const auto& c : cases) EXPECT_EQ(human_duration(c.s), c.want) << c.s;
}

TEST(DashboardStatus, HumanBytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(20 * 1024 * 1024), "20 MiB");
}

TEST(DashboardStatus, TablesAlignLikeKubectl) {
  EXPECT_EQ(format_table({{"NAME", "READY"}, {"indexing-consumer", "1/1"}, {"x", "0/0"}}),
            "NAME                READY\n"
            "indexing-consumer   1/1\n"
            "x                   0/0\n");
}

TEST(DashboardStatus, FullSummary) {
  auto o = build_overview(testing::reference_snapshot(), testing::reference_now());
  EXPECT_EQ(
      format_status(o, {.max_events = 2}),
      "BUCKETS\n"
      "NAME          OBJECTS   SIZE      REGION         AGE\n"
      "test-bucket   3         3.5 KiB   eu-central-1   10m\n"
      "\n"
      "QUEUES\n"
      "NAME         VISIBLE   IN FLIGHT   DELAYED\n"
      "test-queue   7         2           1\n"
      "other        0         0           0\n"
      "\n"
      "DEPLOYMENTS\n"
      "NAMESPACE   NAME                READY   DESIRED   CURRENT   SCALER                          "
      "                             QUEUE/TARGET   MIN/MAX\n"
      "indexing    indexing-consumer   1/2     2         2         indexing-consumer-scaled-object "
      "(aws-sqs-queue test-queue)   7/10           0/2\n"
      "default     web                 0/1     1         0         <none>                          "
      "                             -              -\n"
      "\n"
      "PODS\n"
      "NAMESPACE   NAME                                READY   STATUS             RESTARTS   AGE\n"
      "indexing    indexing-consumer-5d8f7c9b4-abcde   1/1     Running            0          10m\n"
      "indexing    indexing-consumer-5d8f7c9b4-fghij   0/1     CrashLoopBackOff   3          6m\n"
      "default     web-1-x                             1/1     Terminating        0          60s\n"
      "\n"
      "EVENTS\n"
      "LAST SEEN   TYPE      REASON              OBJECT                                            "
      "                 MESSAGE\n"
      "6m          Normal    SuccessfulRescale   "
      "horizontalpodautoscaler/keda-hpa-indexing-consumer-scaled-object   New size: 2; reason: "
      "external metric above target\n"
      "30s         Warning   BackOff             pod/indexing-consumer-5d8f7c9b4-fghij             "
      "                 Back-off restarting failed container c\n");
}

TEST(DashboardStatus, EmptyHayloft) {
  snapshot s;
  auto o = build_overview(s, testing::reference_now());
  EXPECT_EQ(format_status(o),
            "BUCKETS\nNo buckets.\n\nQUEUES\nNo queues.\n\nDEPLOYMENTS\nNo "
            "deployments.\n\nPODS\nNo pods.\n\n"
            "EVENTS\nNo events.\n");
  // Not an overview at all: still the empty summary, no exception.
  EXPECT_EQ(format_status(nlohmann::json("nope")), format_status(o));
}

TEST(DashboardStatus, UnknownQueueLength) {
  auto s = testing::reference_snapshot();
  s.queues.clear();
  auto out = format_status(build_overview(s, testing::reference_now()));
  EXPECT_NE(out.find("<unknown>/10"), std::string::npos) << out;
}

}  // namespace
}  // namespace hayloft::dashboard
