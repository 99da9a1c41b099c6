#pragma once
// Test harness for the S3 service: a state_store in a temp dir, the manual clock, a one-thread
// task_runner, a recording event sink and helpers to build requests and call handle() synchronously.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/ids.h"
#include "emulator/store/state_store.h"
#include "s3/api/errors.h"
#include "s3/service/service.h"

namespace hayloft::s3::testing {

class thread_runner : public core::task_runner {
 public:
  thread_runner() : worker_([this] { run(); }) {}
  ~thread_runner() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  void post(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(fn));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }
  std::mutex mutex_;  // guards queue_, stop_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

struct recorded_event {
  std::string queue_arn;
  std::string body;
};

class recording_sink : public event_sink {
 public:
  void deliver(std::string_view queue_arn, std::string body) override {
    std::lock_guard lock(mutex_);
    events_.push_back({std::string(queue_arn), std::move(body)});
  }
  std::vector<recorded_event> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
  }
  bool accepts(std::string_view queue_arn) const override {
    std::lock_guard lock(mutex_);
    return std::find(refused_.begin(), refused_.end(), queue_arn) == refused_.end();
  }
  void refuse(std::string queue_arn) {
    std::lock_guard lock(mutex_);
    refused_.push_back(std::move(queue_arn));
  }

 private:
  mutable std::mutex mutex_;  // guards events_ and refused_
  std::vector<recorded_event> events_;
  std::vector<std::string> refused_;
};

// A request as the edge would build it: target parsed, Host set, Content-Length for bodies.
inline core::request make_request(std::string method, std::string_view target, std::string body = {},
                                  std::vector<std::pair<std::string, std::string>> headers = {},
                                  std::string host = "localhost:4566") {
  core::request req;
  req.method = std::move(method);
  EXPECT_TRUE(core::parse_target(target, req)) << target;
  req.headers.add("Host", host);
  bool has_length = false;
  for (auto& [k, v] : headers) {
    if (core::iequals(k, "content-length")) has_length = true;
    req.headers.add(k, v);
  }
  if (!has_length && (req.method == "PUT" || req.method == "POST"))
    req.headers.add("Content-Length", std::to_string(body.size()));
  req.body_size = body.size();
  req.body = std::move(body);
  req.request_id = core::request_id();
  req.remote = "127.0.0.1";
  return req;
}

class service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hayloft-s3-" + core::random_hex(8));
    clock_ = core::make_manual_clock();
    open();
  }
  void TearDown() override {
    close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  virtual options service_options() {
    options o;
    o.events = &sink_;
    return o;
  }
  virtual bool durable() { return false; }
  void open() {
    auto s = store::state_store::open({.dir = dir_, .durable = durable()});
    ASSERT_TRUE(s.ok()) << s.err().message;
    store_ = std::move(s).value();
    svc_ = std::make_unique<service>(*store_, *clock_, runner_, service_options());
  }
  void close() {
    svc_.reset();
    store_.reset();
  }

  core::response call(core::request req) {
    std::promise<core::response> p;
    auto f = p.get_future();
    svc_->handle(std::move(req), [&p](core::response r) { p.set_value(std::move(r)); });
    return f.get();
  }
  core::response call(std::string method, std::string_view target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call(make_request(std::move(method), target, std::move(body), std::move(headers)));
  }
  void create(std::string_view bucket) { ASSERT_EQ(call("PUT", "/" + std::string(bucket)).status, 200u); }
  std::string put(std::string_view bucket_key, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call("PUT", "/" + std::string(bucket_key), std::move(body), std::move(headers));
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(r.headers.value_or("ETag", ""));
  }
  // The body of a GET response, read from the file range when the object is file-backed.
  static std::string body_of(const core::response& r);
  std::size_t blob_files() const;

  std::filesystem::path dir_;
  std::unique_ptr<core::clock> clock_;
  thread_runner runner_;
  recording_sink sink_;
  std::unique_ptr<store::state_store> store_;
  std::unique_ptr<service> svc_;
};

// Child element text of an XML response (first match), for assertions.
std::string xml_text(std::string_view xml, std::string_view element);
// Number of occurrences of <element> in an XML response.
std::size_t xml_count(std::string_view xml, std::string_view element);

}  // namespace hayloft::s3::testing
