// The bounded infer queue (capacity, batching by texts, close) and the CPU account that the
// embedder's compute pool charges.
#include "consumer/serving/infer_queue.h"

#include <gtest/gtest.h>

#include <thread>

#include "consumer/embed/compute_pool.h"
#include "emulator/core/cpu_account.h"

namespace hayloft::serving {
namespace {

TEST(ServingQueue, BoundedAndBatchedByTexts) {
  infer_queue<std::size_t> q(3, [](const std::size_t& texts) { return texts; });
  std::size_t a = 4, b = 2, c = 5, d = 1;
  EXPECT_TRUE(q.push(a));
  EXPECT_TRUE(q.push(b));
  EXPECT_TRUE(q.push(c));
  EXPECT_FALSE(q.push(d));  // full
  EXPECT_EQ(q.pending(), 3u);
  std::stop_source never;
  auto first = q.pop_batch(6, never.get_token());
  EXPECT_EQ(first, (std::vector<std::size_t>{4, 2}));
  EXPECT_EQ(q.pending(), 3u);  // the running batch counts until done()
  q.done();
  EXPECT_EQ(q.pending(), 1u);
  // A job larger than the limit still goes alone.
  EXPECT_EQ(q.pop_batch(2, never.get_token()), (std::vector<std::size_t>{5}));
  q.done();
  EXPECT_EQ(q.pending(), 0u);
}

TEST(ServingQueue, StopAndCloseWakeTheConsumer) {
  infer_queue<int> q(8, [](const int&) { return std::size_t{1}; });
  std::stop_source stop;
  std::thread t([&] { stop.request_stop(); });
  EXPECT_TRUE(q.pop_batch(4, stop.get_token()).empty());
  t.join();
  int x = 1;
  EXPECT_TRUE(q.push(x));
  q.close();
  EXPECT_FALSE(q.push(x));
  std::stop_source never;
  EXPECT_EQ(q.pop_batch(4, never.get_token()).size(), 1u);  // what was queued is still served
  q.done();
  EXPECT_TRUE(q.pop_batch(4, never.get_token()).empty());
}

TEST(ServingCpuAccount, ComputePoolChargesTheCallersAccount) {
  embed::compute_pool pool(2);
  core::cpu_account account;
  auto burn = [](std::size_t) {
    volatile double x = 0;
    auto until = core::thread_cpu_ns() + 20'000'000;  // 20 ms of this thread's CPU
    while (core::thread_cpu_ns() < until) x = x + 1;
  };
  pool.run({burn, burn});  // no account: nothing charged
  EXPECT_EQ(account.value(), 0u);
  {
    core::cpu_account::scope s(&account);
    pool.run({burn, burn});
  }
  EXPECT_GE(account.value(), 40'000'000u);
  EXPECT_EQ(core::cpu_account::current(), nullptr);
}

}  // namespace
}  // namespace hayloft::serving
