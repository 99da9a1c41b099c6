#include "consumer/embed/compute_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

namespace hayloft::embed {
namespace {

void wait_until(const std::function<bool()>& condition) {
  while (!condition()) std::this_thread::yield();
}

TEST(EmbedComputePoolTest, RunsEveryTaskOnAWorkerAndWaitsForThem) {
  compute_pool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  std::atomic<int> ran{0};
  std::atomic<bool> bad_worker{false};
  std::vector<compute_pool::task> tasks;
  for (int i = 0; i < 100; ++i) {
    tasks.push_back([&](std::size_t worker) {
      if (worker >= 2) bad_worker = true;
      ++ran;
    });
  }
  pool.run(std::move(tasks));
  EXPECT_EQ(ran.load(), 100);
  EXPECT_FALSE(bad_worker.load());
  EXPECT_EQ(pool.pending(), 0u);
  pool.run({});  // nothing to do returns at once
}

TEST(EmbedComputePoolTest, ZeroThreadsMeansOne) {
  compute_pool pool(0);
  EXPECT_EQ(pool.size(), 1u);
}

TEST(EmbedComputePoolTest, UrgentTasksJumpTheQueueInOrder) {
  compute_pool pool(1);
  std::promise<void> started, gate;
  std::shared_future<void> open = gate.get_future().share();
  std::mutex order_mutex;
  std::string order;
  auto record = [&](char c) {
    return [&, c](std::size_t) {
      std::lock_guard lock(order_mutex);
      order += c;
    };
  };

  std::thread blocker([&] {
    pool.run({[&](std::size_t) {
      started.set_value();
      open.wait();
    }});
  });
  started.get_future().wait();
  std::thread batch([&] { pool.run({record('a'), record('b')}); });
  wait_until([&] { return pool.pending() == 2; });
  std::thread query([&] { pool.run({record('x'), record('y')}, /*urgent=*/true); });
  wait_until([&] { return pool.pending() == 4; });
  gate.set_value();
  blocker.join();
  batch.join();
  query.join();
  EXPECT_EQ(order, "xyab");
}

}  // namespace
}  // namespace hayloft::embed
