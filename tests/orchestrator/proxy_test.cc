// The Service proxy against real backends on 127.0.0.1: least-outstanding choice, keep-alive,
// streaming bodies both ways, retries of idempotent requests, 502/503/504, X-Forwarded-For.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <thread>

#include "orchestrator/services/proxy.h"

namespace hayloft::orchestrator::services {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// A threaded HTTP/1.1 backend: one thread per connection, behaviour chosen by the path.
class backend {
 public:
  backend() : acceptor_(ioc_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~backend() { stop(); }
  void stop() {
    if (stopped_.exchange(true)) return;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocked accept()
    beast::error_code ec;
    acceptor_.close(ec);
    thread_.join();
    std::lock_guard lock(mutex_);
    for (auto& t : conns_) t.join();
  }
  std::uint16_t port() const { return port_; }
  int connections() const { return accepted_.load(); }
  int requests() const { return requests_.load(); }

 private:
  void accept_loop() {
    while (!stopped_) {
      tcp::socket s(ioc_);
      beast::error_code ec;
      acceptor_.accept(s, ec);
      if (ec) return;
      ++accepted_;
      std::lock_guard lock(mutex_);
      conns_.emplace_back([this, s = std::move(s)]() mutable { serve(std::move(s)); });
    }
  }
  void serve(tcp::socket s) {
    beast::flat_buffer buf;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> p;
      p.body_limit(boost::none);
      beast::error_code ec;
      bhttp::read(s, buf, p, ec);
      if (ec) return;
      ++requests_;
      auto& req = p.get();
      std::string target(req.target());
      if (target == "/die") {  // reset without answering
        ::linger lg{1, 0};
        ::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        s.close(ec);
        return;
      }
      if (target.rfind("/slow", 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(target.substr(6))));
      if (target.rfind("/big", 0) == 0) {
        // A chunked response of N bytes.
        std::size_t n = std::stoul(target.substr(5));
        bhttp::response<bhttp::empty_body> res{bhttp::status::ok, 11};
        res.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> sr{res};
        bhttp::write_header(s, sr, ec);
        std::string piece(100000, 'x');
        for (std::size_t sent = 0; sent < n && !ec; sent += piece.size()) {
          std::size_t k = std::min(piece.size(), n - sent);
          asio::write(s, bhttp::make_chunk(asio::buffer(piece.data(), k)), ec);
        }
        asio::write(s, bhttp::make_chunk_last(), ec);
        continue;
      }
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      res.set("X-Backend", std::to_string(port_));
      res.body() = std::to_string(port_) + " " + std::string(req.method_string()) + " " +
                   std::to_string(req.body().size()) + " xff=" + std::string(req["X-Forwarded-For"]);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      bhttp::write(s, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_;
  std::atomic<bool> stopped_{false};
  std::atomic<int> accepted_{0}, requests_{0};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::thread> conns_;
};

struct reply {
  unsigned status = 0;
  std::string body;
  std::string backend;
};

class client {
 public:
  explicit client(std::uint16_t port) : s_(ioc_) {
    s_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    timeval tv{10, 0};  // never hang a test
    ::setsockopt(s_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  reply send(bhttp::verb method, const std::string& target, std::string body = {}, bool chunked = false) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.body() = std::move(body);
    if (chunked) req.chunked(true);
    else req.prepare_payload();
    bhttp::write(s_, req);
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(boost::none);
    beast::error_code ec;
    bhttp::read(s_, buf_, p, ec);
    if (ec) return {0, ec.message(), ""};
    return {p.get().result_int(), p.get().body(), std::string(p.get()["X-Backend"])};
  }
  reply get(const std::string& target) { return send(bhttp::verb::get, target); }

 private:
  asio::io_context ioc_;
  tcp::socket s_;
  beast::flat_buffer buf_;
};

listener_spec spec_for(std::vector<endpoint> eps) {
  listener_spec s;
  s.namespace_name = "default";
  s.service = "web";
  s.port_name = "80";
  s.port = 0;
  s.endpoints = std::move(eps);
  return s;
}

std::uint16_t closed_port() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();  // closed when `a` goes: connections are refused
}

}  // namespace

TEST(OrchEndpointSet, LeastOutstandingThenRoundRobin) {
  endpoint_set s;
  s.update({{"a", 1}, {"b", 2}});
  auto l1 = s.pick();
  auto l2 = s.pick();
  ASSERT_TRUE(l1 && l2);
  EXPECT_NE(l1->ep().port, l2->ep().port);  // the idle one, not the busy one
  {
    auto l3 = s.pick();
    auto l4 = s.pick();
    EXPECT_NE(l3->ep().port, l4->ep().port);
    EXPECT_EQ(s.outstanding(1), 2);
    EXPECT_EQ(s.outstanding(2), 2);
  }
  EXPECT_EQ(s.outstanding(1), 1);
  s.update({{"b", 2}, {"c", 3}});  // b keeps its count; c starts at 0
  auto l5 = s.pick();
  EXPECT_EQ(l5->ep().port, 3);
  EXPECT_FALSE(s.pick({2, 3}));
  s.update({});
  EXPECT_FALSE(s.pick());
}

TEST(OrchProxy, SpreadsRequestsKeepsConnectionsAliveAndAddsForwardedFor) {
  backend a, b;
  core::metrics_registry metrics;
  proxy_manager pm({}, &metrics);
  auto f = pm.open_forward(spec_for({{"a", a.port()}, {"b", b.port()}}));
  ASSERT_TRUE(f) << f.err().message;
  client c((*f)->port());
  std::map<std::string, int> seen;
  for (int i = 0; i < 20; ++i) {
    auto r = c.get("/x");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.body.find("xff=127.0.0.1"), std::string::npos) << r.body;
    ++seen[r.backend];
  }
  EXPECT_EQ(seen.size(), 2u);  // sequential requests: ties go round-robin
  // One client connection, and the proxy pooled its backend connections.
  EXPECT_LE(a.connections() + b.connections(), 4);
  EXPECT_EQ(a.requests() + b.requests(), 20);
  // Counted once the response is written: the last one may lag the client by a moment.
  const std::string want = "hayloft_service_requests_total{code=\"200\",namespace=\"default\",service=\"web\"} 20";
  for (int i = 0; i < 200 && metrics.render().find(want) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(metrics.render().find(want), std::string::npos) << metrics.render();
}

TEST(OrchProxy, ConcurrentSlowRequestsGoToTheLeastBusyPod) {
  backend a, b;
  proxy_manager pm;
  auto f = pm.open_forward(spec_for({{"a", a.port()}, {"b", b.port()}}));
  ASSERT_TRUE(f);
  std::uint16_t port = (*f)->port();
  std::vector<std::future<reply>> replies;
  for (int i = 0; i < 4; ++i) {
    replies.push_back(std::async(std::launch::async, [port] { return client(port).get("/slow/400"); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // each arrives while the others are in flight
  }
  std::map<std::string, int> seen;
  for (auto& r : replies) {
    auto v = r.get();
    ASSERT_EQ(v.status, 200u);
    ++seen[v.backend];
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.begin()->second, 2);
}

TEST(OrchProxy, StreamsLargeBodiesBothWays) {
  backend a;
  proxy_manager pm;
  auto f = pm.open_forward(spec_for({{"a", a.port()}}));
  ASSERT_TRUE(f);
  client c((*f)->port());
  auto r = c.get("/big/30000000");  // 30 MB chunked response
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.size(), 30000000u);
  std::string upload(20 * 1024 * 1024, 'u');
  r = c.send(bhttp::verb::post, "/upload", upload);  // Content-Length, above the replay limit
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find(" POST 20971520 "), std::string::npos) << r.body;
  r = c.send(bhttp::verb::put, "/upload", std::string(3 * 1024 * 1024, 'c'), true);  // chunked
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find(" PUT 3145728 "), std::string::npos) << r.body;
  r = c.send(bhttp::verb::post, "/small", "hello");
  EXPECT_NE(r.body.find(" POST 5 "), std::string::npos) << r.body;
}

TEST(OrchProxy, RetriesIdempotentRequestsOnAnotherPodElse502) {
  backend a, b;
  proxy_manager pm;
  // A refused endpoint first in line: the request moves on to a live one.
  auto f = pm.open_forward(spec_for({{"gone", closed_port()}, {"a", a.port()}}));
  ASSERT_TRUE(f);
  client c((*f)->port());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.get("/x").status, 200u);
  // A pod that resets the connection before answering: GET is retried on the other pod (which
  // also resets here), then 502; never a hang.
  (*f)->update({{"a", a.port()}, {"b", b.port()}});
  client d((*f)->port());
  auto r = d.get("/die");
  EXPECT_EQ(r.status, 502u);
  EXPECT_GE(a.requests() + b.requests(), 4 + 2);  // tried on both (a stale pooled connection may add one)
  EXPECT_LE(a.requests() + b.requests(), 4 + 3);
  int before = a.requests() + b.requests();
  // POST is not idempotent: one attempt, 502.
  client e((*f)->port());
  r = e.send(bhttp::verb::post, "/die", "x");
  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(a.requests() + b.requests(), before + 1);
}

TEST(OrchProxy, NoEndpointsIs503AndASlowPodIs504) {
  proxy_manager pm(proxy_options{.connect_timeout = std::chrono::milliseconds(1000),
                                 .response_timeout = std::chrono::milliseconds(300)});
  auto f = pm.open_forward(spec_for({}));
  ASSERT_TRUE(f);
  client c((*f)->port());
  auto r = c.get("/x");
  EXPECT_EQ(r.status, 503u);
  EXPECT_NE(r.body.find("no endpoints available for service \"default/web\""), std::string::npos);
  EXPECT_EQ(c.get("/x").status, 503u);  // the connection stays usable
  backend a;
  (*f)->update({{"a", a.port()}});
  client d((*f)->port());
  EXPECT_EQ(d.get("/slow/2000").status, 504u);
}

TEST(OrchProxy, SyncOpensAndClosesServiceListenersAndReportsPortsInUse) {
  backend a;
  proxy_manager pm;
  // A port taken by someone else is reported once, never a crash.
  auto taken = spec_for({{"a", a.port()}});
  taken.port = a.port();
  auto failures = pm.sync({taken});
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].message.find("bind: "), std::string::npos) << failures[0].message;
  EXPECT_TRUE(pm.sync({taken}).empty());  // not reported again
  // A free port: listening, then closed when the Service goes.
  std::uint16_t free_port = closed_port();
  auto s = spec_for({{"a", a.port()}});
  s.port = free_port;
  EXPECT_TRUE(pm.sync({s}).empty());
  EXPECT_EQ(pm.listening().at("default/web:80"), free_port);
  EXPECT_EQ(client(free_port).get("/x").status, 200u);
  pm.sync({});
  EXPECT_TRUE(pm.listening().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  asio::io_context ioc;
  tcp::socket sock(ioc);
  beast::error_code ec;
  sock.connect(tcp::endpoint(asio::ip::address_v4::loopback(), free_port), ec);
  EXPECT_TRUE(ec) << "still listening";
}

}  // namespace hayloft::orchestrator::services
