#include "emulator/dashboard/dashboard.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/dashboard/inline_runner.h"
#include "tests/dashboard/sample_snapshot.h"

namespace hayloft::dashboard {
namespace {

using namespace std::chrono_literals;

core::request get(const std::string& target) {
  core::request r;
  r.method = "GET";
  r.target = target;
  core::parse_target(target, r);
  return r;
}

core::response call(dashboard& d, core::request r) {
  std::optional<core::response> out;
  d.handle(std::move(r), [&](core::response resp) { out = std::move(resp); });
  EXPECT_TRUE(out.has_value());
  return out ? std::move(*out) : core::response{};
}

struct DashboardApi : ::testing::Test {
  DashboardApi() {
    clock = core::make_manual_clock(testing::reference_now());
    board = std::make_unique<dashboard>(
        *clock, runner,
        [this](detail d) {
          ++(d == detail::full ? full_calls : sampling_calls);
          auto s = testing::reference_snapshot();
          s.queues[0].visible = visible;
          return s;
        },
        dashboard::options{.interval = 5s, .window = 1min});
  }
  std::unique_ptr<core::clock> clock;
  testing::inline_runner runner;
  std::int64_t visible = 0;
  int full_calls = 0, sampling_calls = 0;
  std::unique_ptr<dashboard> board;
};

TEST_F(DashboardApi, OverviewCarriesTheHistoryOfQueueAgainstReplicas) {
  board->start();
  for (int v : {0, 12, 25, 3}) {
    visible = v;
    clock->advance(5s);
  }
  auto r = call(*board, get("/_hayloft/overview"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "application/json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["now"], "2026-01-01T00:10:20.000Z");
  EXPECT_EQ(j["clock"]["kind"], "manual");
  EXPECT_EQ(j["queues"][0]["visible"], 3);
  EXPECT_EQ(j["history"]["window_seconds"], 60);
  EXPECT_EQ(j["history"]["interval_seconds"], 5.0);
  ASSERT_EQ(j["history"]["series"].size(), 2u);
  // Sorted by namespace: default/web (no scaler: queue length null), then
  // indexing/indexing-consumer.
  EXPECT_EQ(j["history"]["series"][0]["name"], "web");
  EXPECT_TRUE(j["history"]["series"][0]["samples"][0][1].is_null());
  const auto& s = j["history"]["series"][1];
  EXPECT_EQ(s["name"], "indexing-consumer");
  // Sampled at +0 (visible 0 before the loop), +5 (0), +10 (12), +15 (25), +20 (3).
  ASSERT_EQ(s["samples"].size(), 5u);
  std::vector<std::int64_t> queue;
  for (const auto& p : s["samples"]) queue.push_back(p[1].get<std::int64_t>());
  EXPECT_EQ(queue, (std::vector<std::int64_t>{0, 0, 12, 25, 3}));
  EXPECT_EQ(s["samples"][4][0], core::to_unix_ms(clock->now()));
  EXPECT_EQ(s["samples"][4][2], 2);
  EXPECT_EQ(sampling_calls, 5);
  EXPECT_EQ(full_calls, 1);

  board->reset();
  j = nlohmann::json::parse(call(*board, get("/_hayloft/overview?history=0")).body);
  EXPECT_FALSE(j.contains("history"));
  j = nlohmann::json::parse(call(*board, get("/_hayloft/overview")).body);
  EXPECT_TRUE(j["history"]["series"].empty());
}

TEST_F(DashboardApi, UiIsOneSelfContainedPage) {
  auto r = call(*board, get("/_hayloft/ui"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/html; charset=utf-8");
  EXPECT_NE(r.headers.value_or("Content-Security-Policy", "").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(r.body, ui_page());
  EXPECT_TRUE(r.body.starts_with("<!doctype html>"));
  EXPECT_NE(r.body.find("/_hayloft/overview"), std::string::npos);
  EXPECT_NE(r.body.find("/_hayloft/search"), std::string::npos);
  // Nothing fetched from elsewhere: no external scripts, styles, fonts or images.
  for (const char* external : {"<script src", "<link", "@import", "url(", "https://", "//cdn"})
    EXPECT_EQ(r.body.find(external), std::string::npos) << external;
  auto slash = call(*board, get("/_hayloft/ui/"));
  EXPECT_EQ(slash.status, 200u);
  auto head = get("/_hayloft/ui");
  head.method = "HEAD";
  auto h = call(*board, std::move(head));
  EXPECT_TRUE(h.body.empty());
  EXPECT_EQ(h.head_length, ui_page().size());
}

TEST_F(DashboardApi, WrongMethodAndUnknownRoute) {
  auto post = get("/_hayloft/overview");
  post.method = "POST";
  EXPECT_EQ(call(*board, std::move(post)).status, 405u);
  auto r = call(*board, get("/_hayloft/overview/x"));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "NotFound");
}

TEST_F(DashboardApi, ProviderFailureIsA500NotACrash) {
  dashboard broken(*clock, runner,
                   [](detail) -> snapshot { throw std::runtime_error("store closed"); }, {});
  broken.start();
  clock->advance(10s);
  auto r = call(broken, get("/_hayloft/overview"));
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["message"], "store closed");
}

}  // namespace
}  // namespace hayloft::dashboard
