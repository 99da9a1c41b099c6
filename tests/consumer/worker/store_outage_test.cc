// The indexing consumer against a shared PostgreSQL document store that goes down and comes
// back: a real PostgreSQL 15 (tests/consumer/docstore/pg_server.h), the real consumer and
// pipeline; the queue and bucket are in-memory stand-ins (as in indexing_consumer_test.cc) and
// back-off timers run on the manual clock.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <thread>
#include <map>
#include <set>

#include "consumer/docstore/pg_store.h"
#include "consumer/worker/indexing_consumer.h"
#include "emulator/core/hash.h"
#include "tests/consumer/docstore/pg_server.h"

namespace hayloft::consumer {
namespace {

using namespace std::chrono_literals;

class pool_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override { boost::asio::post(pool_, std::move(fn)); }
  ~pool_runner() override { pool_.join(); }

 private:
  boost::asio::thread_pool pool_{2};
};

// A queue with SQS's visibility semantics reduced to one call: expire() makes every message
// received and not deleted visible again (its visibility timeout passed).
class visibility_queue final : public message_source {
 public:
  void send(std::string body) {
    std::lock_guard lock(mutex_);
    auto id = "m" + std::to_string(++ids_);
    bodies_[id] = std::move(body);
    visible_.push_back(id);
    wake();
  }
  void expire() {
    std::lock_guard lock(mutex_);
    for (auto& id : in_flight_) visible_.push_back(id);
    in_flight_.clear();
    wake();
  }
  std::uint64_t receive(const std::string&, int max, std::chrono::seconds, receive_done done) override {
    std::unique_lock lock(mutex_);
    if (visible_.empty()) {
      waiter_ = std::move(done);
      return 1;
    }
    auto out = take(max);
    lock.unlock();
    done(std::move(out));
    return 1;
  }
  void cancel(std::uint64_t) override {
    receive_done pending;
    {
      std::lock_guard lock(mutex_);
      pending = std::move(waiter_);
      waiter_ = nullptr;
    }
    if (pending) pending(std::vector<queue_message>{});
  }
  result<void> remove(const std::string&, const std::string& receipt) override {
    std::lock_guard lock(mutex_);
    auto id = receipt.substr(receipt.find(':') + 1);
    in_flight_.erase(id);
    deleted_.insert(id);
    changed_.notify_all();
    return {};
  }
  bool wait_deleted(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return deleted_.size() >= n; });
  }
  std::size_t deleted() {
    std::lock_guard lock(mutex_);
    return deleted_.size();
  }
  std::size_t received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  std::vector<queue_message> take(int max) {
    std::vector<queue_message> out;
    while (!visible_.empty() && static_cast<int>(out.size()) < max) {
      auto id = visible_.front();
      visible_.pop_front();
      in_flight_.insert(id);
      ++received_;
      out.push_back({id, "r" + std::to_string(received_) + ":" + id, bodies_[id], 1});
    }
    return out;
  }
  // Called with mutex_ held; hands visible messages to a waiting receive on a new thread.
  void wake() {
    if (!waiter_ || visible_.empty()) return;
    auto done = std::move(waiter_);
    waiter_ = nullptr;
    auto out = take(10);
    std::thread([done = std::move(done), out = std::move(out)]() mutable { done(std::move(out)); }).detach();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::string> bodies_;
  std::deque<std::string> visible_;
  std::set<std::string> in_flight_, deleted_;
  receive_done waiter_;
  std::size_t received_ = 0;
  int ids_ = 0;
};

class fake_bucket final : public object_source {
 public:
  std::map<std::string, std::string> objects;
  result<object_data> get(const std::string& bucket, const std::string& key) override {
    auto it = objects.find(bucket + "/" + key);
    if (it == objects.end()) return hayloft::error{std::make_error_code(std::errc::no_such_file_or_directory), "NoSuchKey"};
    return object_data{it->second, core::md5_hex(it->second), "text/plain", 1000};
  }
};

TEST(StoreOutageTest, ConsumerPausesWhileTheStoreIsDownAndDeletesNothingUnstored) {
  auto server = testing::pg_server::start();
  ASSERT_TRUE(server.ok()) << server.err().message;
  auto clock = core::make_manual_clock();
  pg_document_store docs(pg_store_options{.conninfo = (*server)->url()}, *clock);
  ASSERT_TRUE(docs.migrate().ok());
  auto embedder = std::move(embed::make_embedder("hash")).value();
  indexing_pipeline pipeline(pipeline_settings{}, *embedder, docs);
  visibility_queue queue;
  fake_bucket bucket;
  for (int i = 0; i < 5; ++i) bucket.objects["test-bucket/f" + std::to_string(i) + ".txt"] = "File number " + std::to_string(i) + " text.";
  pool_runner pool;
  std::mutex log_mutex;
  std::condition_variable logged;
  std::vector<std::string> log;
  auto wait_log = [&](const std::string& needle, std::size_t count = 1, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(log_mutex);
    return logged.wait_for(lock, timeout, [&] {
      std::size_t n = 0;
      for (const auto& l : log) n += l.find(needle) != std::string::npos;
      return n >= count;
    });
  };
  // Moves the manual clock by `step` until the log shows `needle` (the timer may not be armed yet
  // when the test gets here).
  auto advance_until = [&](std::chrono::milliseconds step, const std::string& needle, std::size_t count = 1) {
    for (int i = 0; i < 200; ++i) {
      clock->advance(step);
      if (wait_log(needle, count, 50ms)) return true;
    }
    return false;
  };
  consumer_settings settings;
  settings.store_backoff = 500ms;
  settings.store_backoff_max = 2000ms;
  indexing_consumer consumer(settings, queue, bucket, pipeline, pool, *clock, [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    log.push_back(line);
    logged.notify_all();
  });
  consumer.start();
  queue.send("f0.txt");
  ASSERT_TRUE(queue.wait_deleted(1));

  ASSERT_TRUE((*server)->stop().ok());
  for (int i = 1; i < 5; ++i) queue.send("f" + std::to_string(i) + ".txt");
  ASSERT_TRUE(wait_log("pausing until the document store answers"));
  // One failed file; the rest of the batch is left alone, nothing deleted, no new receive.
  auto received = queue.received();
  EXPECT_EQ(queue.deleted(), 1u);
  EXPECT_EQ(consumer.store_outages(), 1u);
  // Back-off: each ping fails while the server is down, the delay doubles up to the cap.
  ASSERT_TRUE(advance_until(100ms, "next try in 1000 ms"));
  ASSERT_TRUE(advance_until(100ms, "next try in 2000 ms"));
  ASSERT_TRUE(advance_until(100ms, "next try in 2000 ms", 2));
  EXPECT_EQ(queue.received(), received) << "received messages while the store was down";
  EXPECT_EQ(queue.deleted(), 1u);

  ASSERT_TRUE((*server)->restart().ok());
  ASSERT_TRUE(advance_until(100ms, "document store reachable again"));
  queue.expire();  // the visibility timeout of the messages in hand
  ASSERT_TRUE(queue.wait_deleted(5)) << queue.deleted();
  auto files = docs.files("default");
  ASSERT_TRUE(files.ok()) << files.err().message;
  EXPECT_EQ(files->size(), 5u);
  for (const auto& f : *files) EXPECT_EQ(f.chunks, 1) << f.key;

  std::promise<void> stopped;
  consumer.stop([&] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(20s), std::future_status::ready);
}

}  // namespace
}  // namespace hayloft::consumer
