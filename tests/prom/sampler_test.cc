#include <gtest/gtest.h>

#include <cmath>

#include "emulator/prom/metrics_source.h"
#include "emulator/prom/self_ingest.h"

namespace hayloft::prom {
namespace {

TEST(PromSelfIngest, SamplesTheRegistryEveryInterval) {
  core::metrics_registry reg;
  auto& c = reg.counter("hayloft_http_requests_total", "requests", {{"service", "s3"}});
  auto& h = reg.histogram("hayloft_http_request_seconds", "latency", {{"service", "s3"}}, {0.1, 1});
  double depth = 4;
  reg.describe("hayloft_queue_depth", "gauge", "depth");
  reg.add_collector([&](std::vector<core::sample>& out) {
    if (depth >= 0) out.push_back({"hayloft_queue_depth", {{"queue", "q"}}, depth});
  });
  series_store store;
  auto clock = core::make_manual_clock();
  registry_sampler sampler(reg, store, *clock, nullptr, std::chrono::seconds(10));
  store_metrics_source source(store, *clock);

  for (int i = 0; i < 6; ++i) {
    c.inc(10);  // 1/s
    h.observe(0.05);
    clock->advance(std::chrono::seconds(10));
  }
  auto rate = source.query("sum(rate(hayloft_http_requests_total{job=\"hayloft\"}[30s]))");
  ASSERT_TRUE(rate.ok()) << rate.err().message;
  EXPECT_NEAR(*rate, 1.0, 1e-9);
  auto bucket = source.value("hayloft_http_request_seconds_bucket", {{"service", "s3"}, {"le", "0.1"}, {"job", "hayloft"}});
  ASSERT_TRUE(bucket.ok()) << bucket.err().message;
  EXPECT_EQ(*bucket, 6);
  auto d = source.value("hayloft_queue_depth", {{"queue", "q"}});
  ASSERT_TRUE(d.ok()) << d.err().message;
  EXPECT_EQ(*d, 4);
  depth = -1;  // the collector stops reporting the queue
  clock->advance(std::chrono::seconds(10));
  EXPECT_FALSE(source.value("hayloft_queue_depth", {{"queue", "q"}}).ok());
}

TEST(PromMetricsSource, FollowsTheKedaPrometheusScalerRules) {
  series_store store;
  auto clock = core::make_manual_clock();
  const auto t = core::to_unix_ms(clock->now());
  store.append(labels({{"__name__", "m"}, {"pod", "a"}}), t, 2);
  store.append(labels({{"__name__", "m"}, {"pod", "b"}}), t, 6);
  store.append(labels({{"__name__", "inf"}}), t, INFINITY);
  store_metrics_source source(store, *clock);
  EXPECT_EQ(*source.value("m", {{"pod", "b"}}), 6);
  auto many = source.value("m", {});
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.err().message.find("returned multiple elements"), std::string::npos);
  auto none = source.value("missing", {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.err().message.find("the result is empty"), std::string::npos);
  EXPECT_EQ(*source.query("avg(m)"), 4);
  EXPECT_EQ(*source.query("sum(m) / 4"), 2);
  EXPECT_EQ(*source.query("3"), 3);
  EXPECT_FALSE(source.query("inf").ok());
  auto bad = source.query("topk(1, m)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.err().message.find("unsupported aggregation topk"), std::string::npos);
}

}  // namespace
}  // namespace hayloft::prom
