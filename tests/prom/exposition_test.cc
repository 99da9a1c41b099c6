#include "emulator/prom/exposition.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hayloft::prom {
namespace {

TEST(PromExposition, ParsesFamiliesLabelsAndTimestamps) {
  const char* body =
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
      "\n"
      "# A normal comment\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "metric_without_timestamp_and_labels 12.47\n"
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
      "nan_value NaN\n"
      "trailing_comma{a=\"1\",} -Inf\n";
  auto r = parse_exposition(body);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->samples.size(), 7u);
  EXPECT_EQ(r->types.at("http_requests_total"), "counter");
  EXPECT_EQ(r->help.at("http_requests_total"), "The total number of HTTP requests.");
  const auto& s0 = r->samples[0];
  EXPECT_EQ(s0.metric.name(), "http_requests_total");
  EXPECT_EQ(s0.metric.get("method"), "post");
  EXPECT_EQ(s0.metric.get("code"), "200");
  EXPECT_EQ(s0.value, 1027);
  EXPECT_EQ(s0.timestamp_ms, 1395066363000);
  EXPECT_EQ(r->samples[2].metric.get("path"), "C:\\DIR\\FILE.TXT");
  EXPECT_EQ(r->samples[2].metric.get("error"), "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_EQ(r->samples[2].value, 1.458255915e9);
  EXPECT_FALSE(r->samples[3].timestamp_ms.has_value());
  EXPECT_TRUE(std::isinf(r->samples[4].value));
  EXPECT_EQ(r->samples[4].timestamp_ms, -3982045);
  EXPECT_TRUE(std::isnan(r->samples[5].value));
  EXPECT_EQ(r->samples[6].value, -INFINITY);
}

TEST(PromExposition, HistogramsAreOrdinarySeries) {
  const char* body =
      "# TYPE req_seconds histogram\n"
      "req_seconds_bucket{le=\"0.05\"} 24054\n"
      "req_seconds_bucket{le=\"+Inf\"} 144320\n"
      "req_seconds_sum 53423\n"
      "req_seconds_count 144320\n";
  auto r = parse_exposition(body);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->samples.size(), 4u);
  EXPECT_EQ(r->samples[1].metric.get("le"), "+Inf");
  EXPECT_EQ(r->samples[3].metric.name(), "req_seconds_count");
  EXPECT_EQ(r->types.at("req_seconds"), "histogram");
}

TEST(PromExposition, CrLfLinesAreAccepted) {
  auto r = parse_exposition("a 1\r\nb{x=\"y\"} 2\r\n");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->samples.size(), 2u);
}

TEST(PromExposition, RejectsMalformedLinesNamingTheLine) {
  const char* bad[] = {
      "ok 1\n9bad 1\n",      "a{b=\"c} 1\n",     "a{b=c} 1\n",        "a 1 2 3\n",   "a{b=\"\\x\"} 1\n",
      "a abc\n",             "a{b=\"1\",b=\"2\"} 1\n", "# TYPE a bogus\n", "a{=\"1\"} 1\n", "a 1 1.5\n",
  };
  for (const char* b : bad) {
    auto r = parse_exposition(b);
    EXPECT_FALSE(r.ok()) << b;
    if (!r.ok()) {
      EXPECT_EQ(r.err().message.rfind("line ", 0), 0u) << r.err().message;
    }
  }
  auto r = parse_exposition("ok 1\n9bad 1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().message.rfind("line 2:", 0), 0u) << r.err().message;
}

TEST(PromExposition, FloatsAsGoParsesThem) {
  EXPECT_EQ(parse_prom_float("1e3"), 1000.0);
  EXPECT_EQ(parse_prom_float("-0.5"), -0.5);
  EXPECT_EQ(parse_prom_float("+Inf"), INFINITY);
  EXPECT_EQ(parse_prom_float("-inf"), -INFINITY);
  EXPECT_FALSE(parse_prom_float("").has_value());
  EXPECT_FALSE(parse_prom_float("1x").has_value());
  EXPECT_FALSE(parse_prom_float("--1").has_value());
}

}  // namespace
}  // namespace hayloft::prom
