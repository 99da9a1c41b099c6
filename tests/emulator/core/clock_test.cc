#include "emulator/core/clock.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace hayloft::core {
namespace {

TEST(ManualClock, StandsStillUntilAdvanced) {
  auto c = make_manual_clock();
  auto t0 = c->now();
  EXPECT_EQ(c->now(), t0);
  EXPECT_TRUE(c->advance(std::chrono::seconds(30)));
  EXPECT_EQ(c->now() - t0, std::chrono::seconds(30));
}

TEST(ManualClock, RunsDueTimersInOrderAtTheirDeadline) {
  auto c = make_manual_clock();
  auto t0 = c->now();
  std::vector<std::pair<int, duration>> fired;
  c->call_after(std::chrono::seconds(20), [&] { fired.emplace_back(2, c->now() - t0); });
  c->call_after(std::chrono::seconds(10), [&] {
    fired.emplace_back(1, c->now() - t0);
    // A timer scheduled inside the span also runs in this advance.
    c->call_after(std::chrono::seconds(5), [&] { fired.emplace_back(3, c->now() - t0); });
  });
  c->call_after(std::chrono::seconds(40), [&] { fired.emplace_back(4, c->now() - t0); });
  c->advance(std::chrono::seconds(30));
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0], std::make_pair(1, duration(std::chrono::seconds(10))));
  EXPECT_EQ(fired[1], std::make_pair(3, duration(std::chrono::seconds(15))));
  EXPECT_EQ(fired[2], std::make_pair(2, duration(std::chrono::seconds(20))));
}

TEST(ManualClock, CancelledTimerDoesNotRun) {
  auto c = make_manual_clock();
  bool ran = false;
  auto id = c->call_after(std::chrono::seconds(1), [&] { ran = true; });
  EXPECT_TRUE(c->cancel(id));
  EXPECT_FALSE(c->cancel(id));
  c->advance(std::chrono::seconds(2));
  EXPECT_FALSE(ran);
}

TEST(ScaledClock, RunsFasterThanRealTime) {
  auto c = make_scaled_clock(1000.0);
  auto t0 = c->now();
  std::promise<void> p;
  c->call_after(std::chrono::seconds(5), [&] { p.set_value(); });
  // 5 virtual seconds at 1000x is 5 ms of real time; allow generous slack on a busy machine.
  EXPECT_EQ(p.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_GE(c->now() - t0, std::chrono::seconds(5));
}

TEST(Dates, FormatAndParseRoundTrip) {
  time_point t = from_unix_ms(1767225600123);
  EXPECT_EQ(iso8601(t), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(http_date(t), "Thu, 01 Jan 2026 00:00:00 GMT");
  time_point back;
  ASSERT_TRUE(parse_iso8601("2026-01-01T00:00:00.123Z", back));
  EXPECT_EQ(back, t);
  ASSERT_TRUE(parse_http_date("Thu, 01 Jan 2026 00:00:00 GMT", back));
  EXPECT_EQ(to_unix_ms(back), 1767225600000);
  ASSERT_TRUE(parse_iso8601("20260101T000000Z", back));
  EXPECT_EQ(to_unix_ms(back), 1767225600000);
  EXPECT_FALSE(parse_http_date("yesterday", back));
}

TEST(Durations, ParsesUnits) {
  duration d;
  ASSERT_TRUE(parse_duration("30s", d));
  EXPECT_EQ(d, std::chrono::seconds(30));
  ASSERT_TRUE(parse_duration("1h30m", d));
  EXPECT_EQ(d, std::chrono::minutes(90));
  ASSERT_TRUE(parse_duration("250ms", d));
  EXPECT_EQ(d, std::chrono::milliseconds(250));
  ASSERT_TRUE(parse_duration("15", d));
  EXPECT_EQ(d, std::chrono::seconds(15));
  EXPECT_FALSE(parse_duration("", d));
  EXPECT_FALSE(parse_duration("5 parsecs", d));
}

}  // namespace
}  // namespace hayloft::core
