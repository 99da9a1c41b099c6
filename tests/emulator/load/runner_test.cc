// The load engine against hayloft's own HTTP edge on 127.0.0.1 (port 0) with a tiny handler.
#include "emulator/http/load/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <thread>

#include "emulator/http/load/report.h"
#include "emulator/http/server.h"

namespace hayloft::http::load {
namespace {
using namespace std::chrono_literals;

// Answers /fail with 500, every `fail_every`-th other request with 503, the rest with 200 "ok".
class counting_handler : public core::request_handler {
 public:
  explicit counting_handler(std::uint64_t fail_every) : fail_every_(fail_every) {}
  void handle(core::request req, core::completion done) override {
    core::response res;
    auto n = ++requests;
    if (req.path == "/hang") {
      std::lock_guard lock(hung_mutex_);
      hung_.push_back(std::move(done));
      return;
    }
    if (req.path == "/fail") {
      res.status = 500;
      ++failed;
    } else if (fail_every_ && n % fail_every_ == 0) {
      res.status = 503;
      ++failed;
    } else {
      res.body = "ok";
    }
    done(std::move(res));
  }
  core::response render_error(const core::request&, const core::aws_error&) const override { return {500}; }
  // Answers the requests held by /hang (each completion is called exactly once).
  void release() {
    std::lock_guard lock(hung_mutex_);
    for (auto& d : hung_) d(core::response{});
    hung_.clear();
  }
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> failed{0};

 private:
  std::uint64_t fail_every_;
  std::mutex hung_mutex_;  // guards hung_
  std::vector<core::completion> hung_;
};

class test_server {
 public:
  explicit test_server(std::uint64_t fail_every) : handler(fail_every) {
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<server>(ioc_, o, [this](const core::request&) { return &handler; });
    port = server_->listen();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~test_server() {
    handler.release();
    server_->shutdown();
    ioc_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  counting_handler handler;
  std::uint16_t port = 0;

 private:
  boost::asio::io_context ioc_;
  std::unique_ptr<server> server_;
  std::thread thread_;
};

request_spec spec(std::string name, std::string path, unsigned weight = 1) {
  request_spec s;
  s.name = std::move(name);
  s.path = std::move(path);
  s.weight = weight;
  return s;
}

TEST(LoadRunner, CountsRequestsAndFailuresPerEndpoint) {
  test_server srv(0);
  load_options o;
  o.url = srv.url();
  o.users = 4;
  o.spawn_rate = 100;
  o.run_time = 1s;
  o.threads = 2;
  o.requests = {spec("ok", "/ok", 3), spec("fail", "/fail", 1)};
  int ticks = 0;
  auto r = run_load_test(o, [&](const snapshot&, const snapshot&) { ++ticks; });
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->endpoints.size(), 2u);
  const auto& ok = r->endpoints[0];
  const auto& fail = r->endpoints[1];
  EXPECT_EQ(ok.name, "ok");
  EXPECT_GT(ok.requests, 100u);
  EXPECT_EQ(ok.failures, 0u);
  EXPECT_EQ(ok.bytes, 2 * ok.requests);
  EXPECT_EQ(fail.failures, fail.requests);
  EXPECT_EQ(r->errors.at("GET fail: HTTP 500"), fail.requests);
  // Each user walks the 4-step cycle (ok x3, fail x1): per user the fail share is within one.
  EXPECT_NEAR(static_cast<double>(fail.requests), static_cast<double>(ok.requests) / 3.0, 4.0 * 2);
  // The server saw every counted request, plus at most one in flight per user at the stop.
  auto total = r->total();
  EXPECT_GE(srv.handler.requests.load(), total.requests);
  EXPECT_LE(srv.handler.requests.load(), total.requests + o.users);
  EXPECT_EQ(total.latency.count(), total.requests);
  EXPECT_EQ(r->users, 4u);
  EXPECT_EQ(ticks, 1);  // the final tick; a 1 s run has no intermediate one
}

TEST(LoadRunner, EveryNthServerFailureIsCounted) {
  test_server srv(7);
  load_options o;
  o.url = srv.url();
  o.users = 3;
  o.spawn_rate = 1000;
  o.run_time = 1200ms;
  o.requests = {spec("any", "/x")};
  std::vector<std::string> history;
  auto r = run_load_test(o, [&](const snapshot& now, const snapshot& prev) { history.push_back(stats_history_rows(now, prev, 0)); });
  ASSERT_TRUE(r.ok()) << r.err().message;
  auto total = r->total();
  auto served = srv.handler.requests.load();
  ASSERT_GE(served, total.requests);
  ASSERT_LE(served, total.requests + o.users);
  // Failures are exactly the 503s among the counted requests: served/7, less any in flight.
  EXPECT_LE(total.failures, served / 7);
  EXPECT_GE(total.failures + o.users, served / 7);
  EXPECT_EQ(r->errors.at("GET any: HTTP 503"), total.failures);
  ASSERT_EQ(history.size(), 2u);  // at 1 s and at the end
}

TEST(LoadRunner, RampUpStartsUsersAtTheSpawnRate) {
  test_server srv(0);
  load_options o;
  o.url = srv.url();
  o.users = 10;
  o.spawn_rate = 4;  // users at 0, 0.25, 0.5, 0.75, 1.0, ... s
  o.run_time = 1100ms;
  o.think_time = 50ms;
  o.requests = {spec("a", "/a")};
  std::vector<unsigned> users_at_tick;
  auto r = run_load_test(o, [&](const snapshot& now, const snapshot&) { users_at_tick.push_back(now.users); });
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(users_at_tick.size(), 2u);
  EXPECT_GE(users_at_tick[0], 4u);  // at 1.0 s: four surely, the fifth at the same instant
  EXPECT_LE(users_at_tick[0], 5u);
  EXPECT_EQ(r->users, 5u);
  // Think time bounds the rate: 5 users, ~20 requests/s each at most.
  EXPECT_LE(r->total().requests, 5u * 23u);
}

TEST(LoadRunner, UnansweredRequestsTimeOut) {
  test_server srv(0);
  load_options o;
  o.url = srv.url();
  o.users = 1;
  o.run_time = 1s;
  o.timeout = 300ms;
  o.requests = {spec("hang", "/hang")};
  auto r = run_load_test(o, {});
  ASSERT_TRUE(r.ok()) << r.err().message;
  auto total = r->total();
  // 300 ms timeouts, noticed within the watchdog's 100 ms: two or three in one second.
  EXPECT_GE(total.requests, 2u);
  EXPECT_LE(total.requests, 3u);
  EXPECT_EQ(total.failures, total.requests);
  EXPECT_EQ(r->errors.at("GET hang: timeout"), total.requests);
  EXPECT_GE(total.latency.min(), 300000u);
  EXPECT_LE(total.latency.max(), 450000u);
}

TEST(LoadRunner, UnreachableTargetFailsFast) {
  std::uint16_t port;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  load_options o;
  o.url = "http://127.0.0.1:" + std::to_string(port);
  o.requests = {spec("a", "/a")};
  auto r = run_load_test(o, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), errc::unreachable);
}

TEST(LoadRunner, BadOptionsAreRejected) {
  load_options o;
  o.url = "http://127.0.0.1:1";
  o.requests = {spec("a", "/a")};
  o.users = 0;
  EXPECT_EQ(run_load_test(o, {}).code(), errc::bad_options);
  o.users = 1;
  o.url = "https://127.0.0.1:1";
  EXPECT_EQ(run_load_test(o, {}).code(), errc::bad_options);
  o.url = "http://127.0.0.1:1";
  o.requests.clear();
  EXPECT_EQ(run_load_test(o, {}).code(), errc::bad_options);
}

}  // namespace
}  // namespace hayloft::http::load
