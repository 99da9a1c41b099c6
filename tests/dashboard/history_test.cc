#include "emulator/dashboard/history.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "tests/dashboard/inline_runner.h"

namespace hayloft::dashboard {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::from_unix_ms(1767225600000);

std::vector<deployment_point> one(std::int64_t queue, std::int64_t replicas) {
  return {{"default", "consumer", queue, replicas}};
}

TEST(DashboardHistory, KeepsOnlyTheWindow) {
  history h(60s);
  for (int i = 0; i <= 9; ++i) h.record(t0 + i * 10s, one(i, i % 3));
  auto j = h.to_json(t0 + 90s);
  EXPECT_EQ(j["window_seconds"], 60);
  ASSERT_EQ(j["series"].size(), 1u);
  const auto& samples = j["series"][0]["samples"];
  ASSERT_EQ(samples.size(), 7u);  // 30s .. 90s
  EXPECT_EQ(samples[0][0], core::to_unix_ms(t0 + 30s));
  EXPECT_EQ(samples[0][1], 3);
  EXPECT_EQ(samples[6][0], core::to_unix_ms(t0 + 90s));
  EXPECT_EQ(samples[6][2], 0);
  // Read later than the newest sample: older ones fall out of the window too.
  EXPECT_EQ(h.to_json(t0 + 140s)["series"][0]["samples"].size(), 2u);
  EXPECT_TRUE(h.to_json(t0 + 200s)["series"].empty());
}

TEST(DashboardHistory, OutOfOrderRecordsComeBackInTimeOrder) {
  history h(10min);
  h.record(t0 + 4s, one(4, 1));
  h.record(t0 + 2s, one(2, 1));
  h.record(t0 + 6s, one(6, 2));
  auto samples = h.to_json(t0 + 6s)["series"][0]["samples"];
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0][1], 2);
  EXPECT_EQ(samples[1][1], 4);
  EXPECT_EQ(samples[2][1], 6);
}

TEST(DashboardHistory, SeriesWithoutQueueAndDeletedDeployments) {
  history h(30s);
  h.record(t0, {{"default", "a", std::nullopt, 1}, {"ns2", "b", 5, 2}});
  h.record(t0 + 20s, {{"ns2", "b", 7, 2}});
  auto j = h.to_json(t0 + 20s);
  ASSERT_EQ(j["series"].size(), 2u);
  EXPECT_EQ(j["series"][0]["name"], "a");
  EXPECT_TRUE(j["series"][0]["samples"][0][1].is_null());
  EXPECT_EQ(j["series"][1]["namespace"], "ns2");
  // "a" disappeared: its last sample ages out and the series goes with it.
  h.record(t0 + 40s, {{"ns2", "b", 0, 0}});
  j = h.to_json(t0 + 40s);
  ASSERT_EQ(j["series"].size(), 1u);
  EXPECT_EQ(j["series"][0]["name"], "b");
  h.clear();
  EXPECT_TRUE(h.to_json(t0 + 40s)["series"].empty());
}

TEST(DashboardHistory, SamplerFollowsTheManualClock) {
  auto clock = core::make_manual_clock(t0);
  testing::inline_runner runner;
  history h(10min);
  int calls = 0;
  {
    history_sampler sampler(
        *clock, runner, 2s, [&] { return one(++calls, 1); }, h);
    EXPECT_EQ(calls, 0);
    sampler.start();
    clock->advance(0s);
    EXPECT_EQ(calls, 1);
    clock->advance(9s);  // ticks at 2, 4, 6, 8
    EXPECT_EQ(calls, 5);
    clock->advance(1s);
    EXPECT_EQ(calls, 6);
    auto samples = h.to_json(clock->now())["series"][0]["samples"];
    ASSERT_EQ(samples.size(), 6u);
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(samples[i][0], core::to_unix_ms(t0 + i * 2s));
      EXPECT_EQ(samples[i][1], i + 1);
    }
  }
  // Destroyed: its timer is gone, nothing more is sampled.
  clock->advance(1min);
  EXPECT_EQ(calls, 6);
}

TEST(DashboardHistory, SamplerSurvivesAFailingSource) {
  auto clock = core::make_manual_clock(t0);
  testing::inline_runner runner;
  history h(10min);
  int calls = 0;
  history_sampler sampler(
      *clock, runner, 5s,
      [&]() -> std::vector<deployment_point> {
        if (++calls == 2) throw std::runtime_error("orchestrator busy");
        return one(calls, 0);
      },
      h);
  sampler.start();
  clock->advance(10s);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(h.to_json(clock->now())["series"][0]["samples"].size(), 2u);
}

// Holds posted tasks until the test runs them.
class held_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override {
    std::lock_guard lock(tasks_mutex_);
    tasks_.push_back(std::move(fn));
    posted_.notify_all();
  }
  bool wait_for_task() {
    std::unique_lock lock(tasks_mutex_);
    return posted_.wait_for(lock, std::chrono::seconds(10), [this] { return !tasks_.empty(); });
  }
  void run_all() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(tasks_mutex_);
      tasks.swap(tasks_);
    }
    for (auto& t : tasks) t();
  }

 private:
  std::mutex tasks_mutex_;  // guards tasks_
  std::condition_variable posted_;
  std::vector<std::function<void()>> tasks_;
};

TEST(DashboardHistory, SamplerPostsToThePoolOnARunningClock) {
  auto clock = core::make_system_clock();
  held_runner runner;
  history h(10min);
  std::atomic<int> calls{0};
  history_sampler sampler(
      *clock, runner, 1h, [&] { return one(++calls, 1); }, h);
  sampler.start();
  // The first tick is due at once, on the clock's timer thread, which only posts the sample.
  ASSERT_TRUE(runner.wait_for_task());
  EXPECT_EQ(calls.load(), 0);
  runner.run_all();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(h.to_json(clock->now())["series"][0]["samples"].size(), 1u);
}

}  // namespace
}  // namespace hayloft::dashboard
