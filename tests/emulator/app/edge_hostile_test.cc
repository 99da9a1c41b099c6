// The edge under hostile clients, on 127.0.0.1 in-process: 1,000 idle connections, slowloris
// headers, 100 clients trickling 100 MiB bodies, an oversized header and body, a malformed
// chunked body, and handlers that throw or drop their completion. Throughout, a prober asks
// /_hayloft/health (the real admin service) on a new connection every 10 ms: every answer must be
// a 200 within 100 ms (scaled by the machine's load per core when other jobs share it), and the
// process's RSS must stay bounded.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "emulator/app/admin.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/http/router.h"
#include "emulator/http/server.h"

namespace hayloft::app {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

class inline_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override { fn(); }
};

// An S3-like service: echoes, throws, or hands its completion to a worker that throws.
class test_service final : public core::request_handler {
 public:
  asio::thread_pool workers{1};
  void handle(core::request req, core::completion done) override {
    if (req.path == "/throw") throw std::runtime_error("handler bug");
    if (req.path == "/worker-throws") {
      // As the app's pool runs tasks: the exception is caught and logged, the task (and the
      // completion it holds) destroyed unanswered.
      asio::post(workers, [done = std::move(done)] {
        try {
          throw std::runtime_error("worker bug");
        } catch (const std::exception&) {
        }
      });
      return;
    }
    done(core::response{200, {}, "size=" + std::to_string(req.body_size)});
  }
  core::response render_error(const core::request&, const core::aws_error& e) const override {
    core::response r{e.status, {}, "<Error><Code>" + e.code + "</Code><Message>" + e.message + "</Message></Error>"};
    r.headers.add("Content-Type", "application/xml");
    return r;
  }
};

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// The 1-minute load average per core, at least 1.
double load_factor() {
  std::ifstream in("/proc/loadavg");
  double load1 = 0;
  in >> load1;
  double cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1.0, load1 / cores);
}

int dial(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Everything the server sends until it closes the connection or `timeout` passes.
std::string read_until_close(int fd, std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = steady::now() + timeout;
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// One response (its header and Content-Length body), or what arrived until close or `timeout`.
std::string read_response(int fd, std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = steady::now() + timeout;
  char buf[16384];
  for (;;) {
    auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = out.substr(0, end);
      for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto cl = head.find("content-length:");
      std::size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15));
      if (out.size() >= end + 4 + len) return out;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    if (left <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return out;
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// True when the server has closed the connection (EOF or reset) within `timeout`.
bool closed_by_server(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buf[4096];
  for (;;) {
    auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN;
  }
}

std::string roundtrip(std::uint16_t port, const std::string& request, std::chrono::milliseconds timeout = 2s) {
  int fd = dial(port);
  if (fd < 0) return "connect failed";
  send_all(fd, request);
  auto out = read_response(fd, timeout);
  ::close(fd);
  return out;
}

class EdgeUnderHostileClients : public ::testing::Test {
 protected:
  void SetUp() override {
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
    fd_room_ = lim.rlim_cur == RLIM_INFINITY ? 100000 : static_cast<std::size_t>(lim.rlim_cur);

    dir_ = std::filesystem::temp_directory_path() / ("hayloft-edge-" + core::random_hex(6));
    std::filesystem::create_directories(dir_);
    clock_ = core::make_manual_clock();
    admin_ = std::make_unique<admin_service>(*clock_, runner_);
    admin_->add_service("s3");
    router_.set(http::route::admin, admin_.get());
    router_.set(http::route::s3, &service_);
    opts_.port = 0;
    opts_.spill_dir = dir_;
    opts_.body_limit = 1ull << 30;
    opts_.idle_timeout = 10s;
    opts_.header_timeout = 400ms;
    opts_.body_timeout = 400ms;
    opts_.body_min_rate = 256 * 1024;
    opts_.body_memory_budget = 8 << 20;
    server_ = std::make_unique<http::server>(ioc_, opts_, [this](const core::request& r) { return router_.find(r); });
    port_ = server_->listen();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void TearDown() override {
    server_->shutdown();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    std::filesystem::remove_all(dir_);
  }

  // Probes /_hayloft/health every 10 ms on a new connection until stopped.
  void start_prober() {
    prober_ = std::thread([this] {
      while (!stop_prober_) {
        auto t0 = steady::now();
        auto res = roundtrip(port_, "GET /_hayloft/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 1s);
        auto ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
        ++probes_;
        if (res.rfind("HTTP/1.1 200", 0) != 0 || res.find("\"running\"") == std::string::npos) ++probe_failures_;
        if (ms > worst_probe_ms_) worst_probe_ms_ = ms;
        auto ph = static_cast<std::size_t>(phase_.load());
        if (ms > phase_worst_[ph]) phase_worst_[ph] = ms;
        auto rss = rss_kib();
        if (rss > peak_rss_kib_) peak_rss_kib_ = rss;
        auto mem = server_->body_memory();
        if (mem > peak_body_memory_) peak_body_memory_ = mem;
        std::this_thread::sleep_for(10ms);
      }
    });
  }
  void stop_prober() {
    stop_prober_ = true;
    prober_.join();
  }

  asio::io_context ioc_;
  std::vector<std::thread> threads_;
  std::filesystem::path dir_;
  std::unique_ptr<core::clock> clock_;
  inline_runner runner_;
  std::unique_ptr<admin_service> admin_;
  test_service service_;
  http::router router_;
  http::server_options opts_;
  std::unique_ptr<http::server> server_;
  std::uint16_t port_ = 0;
  std::size_t fd_room_ = 0;

  std::thread prober_;
  std::atomic<bool> stop_prober_{false};
  std::atomic<int> probes_{0}, probe_failures_{0};
  std::atomic<double> worst_probe_ms_{0};
  std::atomic<int> phase_{0};  // 0 idle connections, 1 bad requests, 2 slowloris and slow bodies, 3 after
  std::array<std::atomic<double>, 4> phase_worst_{};
  std::atomic<long> peak_rss_kib_{0};
  std::atomic<std::uint64_t> peak_body_memory_{0};
};

TEST_F(EdgeUnderHostileClients, StaysHealthyAndBounded) {
  const long rss_start = rss_kib();
  start_prober();

  // 1,000 idle connections (fewer only where the open-file limit cannot hold both ends).
  const std::size_t idle_n = std::min<std::size_t>(1000, (fd_room_ - 400) / 2);
  std::vector<int> idle;
  for (std::size_t i = 0; i < idle_n; ++i) {
    int fd = dial(port_);
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  for (int i = 0; i < 200 && server_->connections() < idle_n; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(server_->connections(), idle_n);
  const long rss_idle = rss_kib();

  phase_ = 1;
  // An oversized header: 431, not a dropped connection.
  EXPECT_EQ(roundtrip(port_, "GET /b/k HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n")
                .substr(0, 12),
            "HTTP/1.1 431");
  // Too many header fields: 431 too.
  std::string many = "GET /b/k HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) many += "X-F" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(roundtrip(port_, many + "\r\n").substr(0, 12), "HTTP/1.1 431");
  // A request line Beast cannot parse: 400.
  EXPECT_EQ(roundtrip(port_, "GET /b/k HTTP/9.9 junk\r\n\r\n").substr(0, 12), "HTTP/1.1 400");
  // An oversized body: refused before it is read, in the service's format.
  auto big = roundtrip(port_, "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000000\r\n\r\n");
  EXPECT_EQ(big.substr(0, 12), "HTTP/1.1 400");
  EXPECT_NE(big.find("<Code>EntityTooLarge</Code>"), std::string::npos) << big;
  // A malformed chunked body: 400, not a silent close.
  EXPECT_EQ(roundtrip(port_, "PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
                .substr(0, 12),
            "HTTP/1.1 400");
  // A handler that throws, and a worker that drops its completion: 500 InternalError in the
  // service's format for that request alone; the connection's next request is served.
  {
    int fd = dial(port_);
    ASSERT_GE(fd, 0);
    send_all(fd, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /worker-throws HTTP/1.1\r\nHost: x\r\n\r\n"
                 "PUT /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    auto out = read_until_close(fd, 3s);
    ::close(fd);
    EXPECT_EQ(out.rfind("HTTP/1.1 500", 0), 0u) << out;
    auto second = out.find("HTTP/1.1 500", 1);
    EXPECT_NE(second, std::string::npos) << out;
    EXPECT_NE(out.find("<Code>InternalError</Code>"), std::string::npos) << out;
    EXPECT_NE(out.find("HTTP/1.1 200", second), std::string::npos) << out;
    EXPECT_NE(out.find("size=3"), std::string::npos) << out;
  }

  phase_ = 2;
  // Slowloris headers: one byte every 50 ms; each connection is closed once header_timeout has
  // passed since its first byte.
  std::vector<int> loris;
  for (int i = 0; i < 50; ++i) {
    int fd = dial(port_);
    ASSERT_GE(fd, 0);
    send_all(fd, "GET /b/k HTTP/1.1\r\nX-Slow: ");
    loris.push_back(fd);
  }
  // 100 clients announcing 100 MiB bodies: 256 KiB at once, then a trickle.
  std::vector<int> slow;
  const std::string chunk(256 * 1024, 'b');
  for (int i = 0; i < 100; ++i) {
    int fd = dial(port_);
    ASSERT_GE(fd, 0);
    send_all(fd, "PUT /slow" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n");
    send_all(fd, chunk);
    slow.push_back(fd);
  }
  auto trickle_start = steady::now();
  while (steady::now() - trickle_start < 1500ms) {
    for (int fd : loris) send_all(fd, "a");
    for (int fd : slow) send_all(fd, "b");
    std::this_thread::sleep_for(50ms);
  }
  int loris_closed = 0;
  for (int fd : loris) {
    loris_closed += closed_by_server(fd, 500ms);
    ::close(fd);
  }
  EXPECT_EQ(loris_closed, 50);
  int timed_out = 0;
  for (int fd : slow) {
    auto out = read_response(fd, 1s);
    timed_out += out.rfind("HTTP/1.1 400", 0) == 0 && out.find("<Code>RequestTimeout</Code>") != std::string::npos;
    ::close(fd);
  }
  EXPECT_EQ(timed_out, 100);

  phase_ = 3;
  // Still serving: a plain request works, and every idle connection is still open and usable.
  EXPECT_NE(roundtrip(port_, "PUT /after HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .find("size=2"),
            std::string::npos);
  ASSERT_TRUE(send_all(idle.back(), "GET /_hayloft/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(read_response(idle.back(), 2s).substr(0, 12), "HTTP/1.1 200");
  for (int fd : idle) ::close(fd);
  std::this_thread::sleep_for(50ms);
  stop_prober();

  const long peak = peak_rss_kib_.load();
  std::printf("edge under hostile clients: %d health probes, worst %.1f ms; RSS %ld KiB at start, %ld KiB with %zu idle "
              "connections, peak %ld KiB (+%ld KiB); peak in-memory request bodies %llu KiB\n",
              probes_.load(), worst_probe_ms_.load(), rss_start, rss_idle, idle_n, peak, peak - rss_start,
              static_cast<unsigned long long>(peak_body_memory_.load() / 1024));
  std::printf("load factor %.1f; worst health probe per phase (ms): idle %.1f, bad requests %.1f, slow clients %.1f, after %.1f\n",
              load_factor(), phase_worst_[0].load(), phase_worst_[1].load(), phase_worst_[2].load(), phase_worst_[3].load());
  RecordProperty("worst_health_ms", static_cast<int>(worst_probe_ms_.load()));
  RecordProperty("peak_rss_growth_kib", static_cast<int>(peak - rss_start));
  EXPECT_GT(probes_.load(), 10);
  EXPECT_EQ(probe_failures_.load(), 0);
  // 100 ms on an unloaded machine; scaled by the run queue per core where other jobs share it
  // (the shared 2-core build machines run at a load of 15 and more while everyone compiles).
  EXPECT_LT(worst_probe_ms_.load(), 100.0 * load_factor()) << "load factor " << load_factor();
  // In-memory bodies: the budget plus the always-in-memory first body_small bytes per request.
  EXPECT_LE(peak_body_memory_.load(), opts_.body_memory_budget + 100 * opts_.body_small);
  // 100 x 100 MiB announced, 25 MiB actually sent: the process grows by far less than either.
  EXPECT_LT(peak - rss_start, 96 * 1024);
}

}  // namespace
}  // namespace hayloft::app
