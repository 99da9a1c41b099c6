#include "consumer/worker/indexing_consumer.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <map>

#include "consumer/docstore/sqlite_store.h"
#include "emulator/core/hash.h"
#include "emulator/core/ids.h"

namespace hayloft::consumer {
namespace {

class pool_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override { boost::asio::post(pool_, std::move(fn)); }
  ~pool_runner() override { pool_.join(); }

 private:
  boost::asio::thread_pool pool_{2};
};

// An in-memory queue: receive completes at once when messages are visible, else waits for a
// send or a cancel. Deleted receipts are recorded.
class fake_queue final : public message_source {
 public:
  void send(std::string body) {
    receive_done pending;
    {
      std::lock_guard lock(mutex_);
      visible_.push_back({"m" + std::to_string(++ids_), "r" + std::to_string(ids_), std::move(body), 1});
      if (waiter_) {
        pending = std::move(waiter_);
        waiter_ = nullptr;
      }
    }
    if (pending) deliver(std::move(pending));
  }
  std::uint64_t receive(const std::string&, int, std::chrono::seconds, receive_done done) override {
    {
      std::lock_guard lock(mutex_);
      if (visible_.empty()) {
        waiter_ = std::move(done);
        return 7;
      }
    }
    deliver(std::move(done));
    return 7;
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
    deleted_.push_back(receipt);
    cv_.notify_all();
    return {};
  }
  // Waits until `n` receipts were deleted or messages were handed out and not deleted.
  bool wait_handled(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return handed_ >= n && deleted_.size() + failed() >= n; });
  }
  std::vector<std::string> deleted() {
    std::lock_guard lock(mutex_);
    return deleted_;
  }
  std::atomic<std::size_t> failures{0};
  void note_failure() {
    std::lock_guard lock(mutex_);
    ++failures;
    cv_.notify_all();
  }

 private:
  std::size_t failed() const { return failures; }
  void deliver(receive_done done) {
    std::vector<queue_message> out;
    {
      std::lock_guard lock(mutex_);
      while (!visible_.empty() && out.size() < 10) {
        out.push_back(visible_.front());
        visible_.pop_front();
      }
      handed_ += out.size();
    }
    done(std::move(out));
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<queue_message> visible_;
  receive_done waiter_;
  std::vector<std::string> deleted_;
  std::size_t handed_ = 0;
  int ids_ = 0;
};

class fake_bucket final : public object_source {
 public:
  std::map<std::string, std::string> objects;
  result<object_data> get(const std::string& bucket, const std::string& key) override {
    auto it = objects.find(bucket + "/" + key);
    if (it == objects.end()) return hayloft::error{std::make_error_code(std::errc::no_such_file_or_directory), "NoSuchKey"};
    return object_data{it->second, core::md5_hex(it->second), "text/plain"};
  }
};

class IndexingConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::state_store::open({.dir = dir_, .durable = false})).value();
    docs_ = std::make_unique<sqlite_document_store>(*store_, *clock_);
    ASSERT_TRUE(docs_->migrate().ok());
    embedder_ = std::move(embed::make_embedder("hash")).value();
    pipeline_ = std::make_unique<indexing_pipeline>(pipeline_settings{}, *embedder_, *docs_);
    consumer_ = std::make_unique<indexing_consumer>(
        consumer_settings{}, queue_, bucket_, *pipeline_, pool_, *clock_,
        [this](const std::string& line) {
          std::lock_guard lock(log_mutex_);
          log_.push_back(line);
          if (line.find("left for the redrive policy") != std::string::npos) queue_.note_failure();
        });
  }
  void TearDown() override {
    std::promise<void> stopped;
    consumer_->stop([&] { stopped.set_value(); });
    EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
    consumer_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<search_hit> search(const std::string& q) {
    auto v = embedder_->embed_one(q);
    return std::move(docs_->search({.index = "default", .vector = *v, .model = std::string(embedder_->name()), .top_k = 3})).value();
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("hayloft-consumer-" + core::random_hex(6));
  std::unique_ptr<core::clock> clock_ = core::make_manual_clock();
  std::unique_ptr<store::state_store> store_;
  std::unique_ptr<document_store> docs_;
  std::unique_ptr<embed::embedder> embedder_;
  std::unique_ptr<indexing_pipeline> pipeline_;
  fake_queue queue_;
  fake_bucket bucket_;
  pool_runner pool_;
  std::unique_ptr<indexing_consumer> consumer_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(IndexingConsumerTest, IndexesTheObjectAndDeletesTheMessageAfterCommit) {
  bucket_.objects["test-bucket/notes/cats.txt"] = "Cats are small domesticated carnivorous mammals that purr.";
  bucket_.objects["test-bucket/notes/rockets.txt"] = "Rockets burn propellant to produce thrust for spaceflight.";
  consumer_->start();
  queue_.send("notes/cats.txt");
  queue_.send("notes/rockets.txt");
  ASSERT_TRUE(queue_.wait_handled(2));
  EXPECT_EQ(queue_.deleted().size(), 2u);
  auto hits = search("propellant thrust");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].key, "notes/rockets.txt");
  EXPECT_EQ(hits[0].bucket, "test-bucket");
  EXPECT_EQ(consumer_->files_indexed(), 2u);
}

TEST_F(IndexingConsumerTest, MissingObjectLeavesTheMessageForRedrive) {
  consumer_->start();
  queue_.send("does/not/exist.txt");
  ASSERT_TRUE(queue_.wait_handled(1));
  EXPECT_TRUE(queue_.deleted().empty());
  EXPECT_EQ(consumer_->errors(), 1u);
}

TEST_F(IndexingConsumerTest, RedeliveryOfTheSameObjectDoesNotDuplicate) {
  bucket_.objects["test-bucket/a.txt"] = "Alpha beta gamma delta.";
  consumer_->start();
  queue_.send("a.txt");
  queue_.send("a.txt");
  queue_.send(R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"test-bucket"},"object":{"key":"a.txt"}}}]})");
  ASSERT_TRUE(queue_.wait_handled(3));
  EXPECT_EQ(queue_.deleted().size(), 3u);
  auto files = docs_->files("default");
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].chunks, 1);
}

TEST_F(IndexingConsumerTest, StopCancelsAnIdleLongPoll) {
  consumer_->start();
  std::promise<void> stopped;
  consumer_->stop([&] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  consumer_ = std::make_unique<indexing_consumer>(consumer_settings{}, queue_, bucket_, *pipeline_, pool_, *clock_,
                                                  [](const std::string&) {});
}

}  // namespace
}  // namespace hayloft::consumer
