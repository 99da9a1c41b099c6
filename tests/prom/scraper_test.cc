#include "emulator/prom/scraper.h"

#include <gtest/gtest.h>

#include <cmath>

#include "emulator/prom/promql_eval.h"
#include "emulator/prom/promql_parser.h"

namespace hayloft::prom {
namespace {

// A fake target: the body (or error) to serve, and how often it was fetched.
struct fake_targets {
  std::map<std::string, result<std::string>> bodies;
  std::map<std::string, int> fetches;
  fetch_function fn() {
    return [this](const std::string& url, std::chrono::milliseconds) -> result<std::string> {
      ++fetches[url];
      auto it = bodies.find(url);
      if (it == bodies.end()) return error{std::make_error_code(std::errc::connection_refused), "connection refused"};
      return it->second;
    };
  }
};

class PromScraper : public ::testing::Test {
 protected:
  PromScraper() : clock_(core::make_manual_clock()), scraper_(store_, *clock_, nullptr, fake_.fn()) {}

  std::vector<vector_sample> query(const std::string& q) {
    auto e = parse_promql(q);
    EXPECT_TRUE(e.ok()) << q;
    auto v = evaluator(store_).instant(**e, core::to_unix_ms(clock_->now()));
    EXPECT_TRUE(v.ok()) << q << ": " << (v.ok() ? "" : v.err().message);
    return v.ok() ? v->vector : std::vector<vector_sample>{};
  }
  void advance(int seconds) { clock_->advance(std::chrono::seconds(seconds)); }

  series_store store_;
  fake_targets fake_;
  std::unique_ptr<core::clock> clock_;
  scraper scraper_;
};

const char* pod_a = "http://127.0.0.1:8001/metrics";
const char* pod_b = "http://127.0.0.1:8002/metrics";

scrape_target target(const char* url, const char* pod, int interval_s = 15) {
  return {url, labels({{"job", "cifar10"}, {"pod", pod}}), std::chrono::seconds(interval_s)};
}

TEST_F(PromScraper, ScrapesAtTheIntervalWithTargetLabelsAndUp) {
  fake_.bodies.emplace(pod_a, std::string("# TYPE requests_total counter\nrequests_total{code=\"200\"} 10\n"));
  scraper_.set_targets({target(pod_a, "a")});
  advance(0);
  EXPECT_EQ(fake_.fetches[pod_a], 1);
  auto up = query("up");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].v, 1);
  EXPECT_EQ(up[0].metric.get("instance"), "127.0.0.1:8001");
  EXPECT_EQ(up[0].metric.get("job"), "cifar10");
  auto r = query("requests_total");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].metric, labels({{"__name__", "requests_total"}, {"code", "200"}, {"instance", "127.0.0.1:8001"},
                                 {"job", "cifar10"}, {"pod", "a"}}));
  advance(14);
  EXPECT_EQ(fake_.fetches[pod_a], 1);
  fake_.bodies.at(pod_a) = std::string("requests_total{code=\"200\"} 25\n");
  advance(1);
  EXPECT_EQ(fake_.fetches[pod_a], 2);
  advance(15);
  EXPECT_EQ(fake_.fetches[pod_a], 3);
  // Samples at 0, 15, 30 s of 10, 25, 25: increase over (0, 30] sees 25 -> 25 only... so use 45s.
  auto inc = query("increase(requests_total[45s])");
  ASSERT_EQ(inc.size(), 1u);
  // 15 over 30 s sampled; start 15 s from the first sample (< 1.1 * 15 s) extrapolated, but
  // clamped at the zero point 30 * 10/15 = 20 s: no clamp (15 < 20). Factor (30+15+0)/30.
  EXPECT_NEAR(inc[0].v, 15.0 * 45 / 30, 1e-9);
  EXPECT_EQ(query("scrape_samples_scraped")[0].v, 1);
}

TEST_F(PromScraper, VanishedSeriesAndFailedScrapesGoStale) {
  fake_.bodies.emplace(pod_a, std::string("g{k=\"1\"} 1\ng{k=\"2\"} 2\n"));
  scraper_.set_targets({target(pod_a, "a")});
  advance(0);
  EXPECT_EQ(query("g").size(), 2u);
  fake_.bodies.at(pod_a) = std::string("g{k=\"1\"} 1\n");
  advance(15);
  EXPECT_EQ(query("g").size(), 1u);  // k=2 is stale at once, not after 5 minutes
  fake_.bodies.erase(pod_a);
  advance(15);
  EXPECT_TRUE(query("g").empty());
  auto up = query("up");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].v, 0);
  EXPECT_EQ(query("scrape_samples_scraped")[0].v, 0);
  auto targets = scraper_.targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].health, "down");
  EXPECT_EQ(targets[0].last_error, "connection refused");
}

TEST_F(PromScraper, MalformedBodyIsAFailedScrape) {
  fake_.bodies.emplace(pod_a, std::string("g 1\nthis is not exposition\n"));
  scraper_.set_targets({target(pod_a, "a")});
  advance(0);
  EXPECT_EQ(query("up")[0].v, 0);
  EXPECT_TRUE(query("g").empty());
  EXPECT_NE(scraper_.targets()[0].last_error.find("line 2"), std::string::npos);
}

TEST_F(PromScraper, SetTargetsAddsRemovesAndKeepsSchedules) {
  fake_.bodies.emplace(pod_a, std::string("g 1\n"));
  fake_.bodies.emplace(pod_b, std::string("g 2\n"));
  scraper_.set_targets({target(pod_a, "a")});
  advance(5);
  scraper_.set_targets({target(pod_a, "a"), target(pod_b, "b")});
  advance(0);
  EXPECT_EQ(fake_.fetches[pod_a], 1);  // unchanged: not restarted
  EXPECT_EQ(fake_.fetches[pod_b], 1);
  EXPECT_EQ(query("g").size(), 2u);
  scraper_.set_targets({target(pod_b, "b")});
  EXPECT_EQ(query("g").size(), 1u);  // pod a's series are stale at once
  EXPECT_EQ(query("up").size(), 1u);
  advance(60);
  EXPECT_EQ(fake_.fetches[pod_a], 1);
  EXPECT_EQ(fake_.fetches[pod_b], 5);
  // A changed interval is a new target.
  advance(1);
  scraper_.set_targets({target(pod_b, "b", 30)});
  advance(0);
  EXPECT_EQ(fake_.fetches[pod_b], 6);
  scraper_.set_targets({});
  EXPECT_TRUE(query("g").empty());
  EXPECT_TRUE(query("up").empty());
  advance(120);
  EXPECT_EQ(fake_.fetches[pod_b], 6);
}

TEST_F(PromScraper, ClashingLabelsAreExportedAndTimestampsHonoured) {
  const std::int64_t t = core::to_unix_ms(clock_->now()) - 1000;
  fake_.bodies.emplace(pod_a, "g{job=\"inner\"} 3 " + std::to_string(t) + "\n");
  scraper_.set_targets({target(pod_a, "a")});
  advance(0);
  auto g = query("g");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].metric.get("job"), "cifar10");
  EXPECT_EQ(g[0].metric.get("exported_job"), "inner");
  auto s = store_.select({*make_matcher("__name__", matcher::op::eq, "g")}, 0, INT64_MAX);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].points[0].t, t);
}

TEST(PromScraperInstance, DerivedFromTheUrl) {
  EXPECT_EQ(instance_of("http://127.0.0.1:8080/metrics"), "127.0.0.1:8080");
  EXPECT_EQ(instance_of("http://pod.local/metrics"), "pod.local:80");
  EXPECT_EQ(instance_of("https://x"), "x:443");
}

}  // namespace
}  // namespace hayloft::prom
