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
  auto one = [&](const std::string& q) -> double {
    auto v = source.query(q);
    EXPECT_TRUE(v.ok()) << q << ": " << v.err().message;
    if (!v.ok() || v->size() != 1) {
      ADD_FAILURE() << q << " returned " << (v.ok() ? v->size() : 0) << " elements";
      return NAN;
    }
    return (*v)[0].value;
  };
  EXPECT_NEAR(one("sum(rate(hayloft_http_requests_total{job=\"hayloft\"}[30s]))"), 1.0, 1e-9);
  EXPECT_EQ(one(orchestrator::selector_text("hayloft_http_request_seconds_bucket",
                                            {{"service", "s3"}, {"le", "0.1"}, {"job", "hayloft"}})),
            6);
  EXPECT_EQ(one("hayloft_queue_depth{queue=\"q\"}"), 4);
  depth = -1;  // the collector stops reporting the queue: its series goes stale
  clock->advance(std::chrono::seconds(10));
  EXPECT_TRUE(source.query("hayloft_queue_depth{queue=\"q\"}")->empty());
}

TEST(PromMetricsSource, ReturnsTheElementsOfAnInstantQuery) {
  series_store store;
  auto clock = core::make_manual_clock();
  const auto t = core::to_unix_ms(clock->now());
  store.append(labels({{"__name__", "m"}, {"pod", "a"}}), t, 2);
  store.append(labels({{"__name__", "m"}, {"pod", "b\"q"}}), t, 6);
  store_metrics_source source(store, *clock);
  auto b = source.query(orchestrator::selector_text("m", {{"pod", "b\"q"}}));
  ASSERT_TRUE(b.ok()) << b.err().message;
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].value, 6);
  EXPECT_EQ((*b)[0].labels.at("__name__"), "m");  // a selector keeps the name
  auto many = source.query("m");
  ASSERT_TRUE(many.ok());
  ASSERT_EQ(many->size(), 2u);
  EXPECT_EQ((*many)[0].labels.at("pod"), "a");
  EXPECT_TRUE(source.query("missing")->empty());
  auto avg = source.query("avg(m)");
  ASSERT_EQ(avg->size(), 1u);
  EXPECT_EQ((*avg)[0].value, 4);
  EXPECT_TRUE((*avg)[0].labels.empty());
  auto scalar = source.query("sum(m) / 4 + scalar(vector(1))");
  ASSERT_EQ(scalar->size(), 1u);
  EXPECT_EQ((*scalar)[0].value, 3);
  auto lit = source.query("3");
  ASSERT_EQ(lit->size(), 1u);
  EXPECT_EQ((*lit)[0].value, 3);
  auto bad = source.query("topk(1, m)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.err().message.find("unsupported aggregation topk"), std::string::npos);
  auto range = source.query("m[1m]");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.err().message.find("must return a scalar or an instant vector"), std::string::npos);
}

}  // namespace
}  // namespace hayloft::prom
