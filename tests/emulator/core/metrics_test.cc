#include "emulator/core/metrics.h"

#include <gtest/gtest.h>

namespace hayloft::core {
namespace {

TEST(Metrics, RendersTextExpositionFormat) {
  metrics_registry r;
  r.counter("hayloft_http_requests_total", "HTTP requests.", {{"service", "s3"}, {"code", "200"}}).inc(3);
  r.gauge("hayloft_queue_messages", "Visible messages.", {{"queue", "a\"b"}}).set(2.5);
  auto& h = r.histogram("hayloft_latency_seconds", "Latency.", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  r.describe("hayloft_replicas", "gauge", "Replicas.");
  r.add_collector([](std::vector<sample>& out) { out.push_back({"hayloft_replicas", {{"deployment", "x"}}, 2}); });
  auto text = r.render();
  EXPECT_NE(text.find("# TYPE hayloft_http_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hayloft_http_requests_total{code=\"200\",service=\"s3\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hayloft_queue_messages{queue=\"a\\\"b\"} 2.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hayloft_latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hayloft_latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hayloft_latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hayloft_latency_seconds_count 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE hayloft_replicas gauge\nhayloft_replicas{deployment=\"x\"} 2\n"), std::string::npos) << text;
}

TEST(Metrics, SameNameAndLabelsIsTheSameSeries) {
  metrics_registry r;
  r.counter("c", "h", {{"b", "1"}, {"a", "2"}}).inc();
  r.counter("c", "h", {{"a", "2"}, {"b", "1"}}).inc();
  EXPECT_EQ(r.counter("c", "h", {{"a", "2"}, {"b", "1"}}).value(), 2);
}

}  // namespace
}  // namespace hayloft::core
