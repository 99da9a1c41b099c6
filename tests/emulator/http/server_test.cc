// Integration tests of the HTTP edge: a real listener on 127.0.0.1:0 with a test handler.
#include "emulator/http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <future>
#include <thread>

#include "emulator/core/hash.h"
#include "emulator/core/ids.h"

namespace hayloft::http {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

class test_handler final : public core::request_handler {
 public:
  std::filesystem::path file;
  std::promise<void> slow_started;
  std::function<void()> release_slow;

  void handle(core::request req, core::completion done) override {
    core::response r;
    if (req.path == "/file") {
      auto off = std::stoull(std::string(req.param("off").value_or("0")));
      auto len = std::stoull(std::string(req.param("len").value_or("0")));
      r.file = core::response::file_range{file, off, len};
      return done(std::move(r));
    }
    if (req.path == "/throw") throw std::runtime_error("handler bug");
    if (req.path == "/drop") return;  // the completion dropped unanswered
    if (req.path == "/slow") {
      // Completes from another thread, later: the edge must resume on the connection's strand.
      release_slow = [done] { done(core::response{200, {}, "slow done"}); };
      slow_started.set_value();
      return;
    }
    r.headers.add("X-Method", req.method);
    r.headers.add("X-Body-In-File", req.body_in_file() ? "yes" : "no");
    r.headers.add("X-Body-Size", std::to_string(req.body_size));
    r.head_length = 1234;
    r.body = req.body_in_file() ? core::md5_hex_of_file(req.body_file.path()) : req.body;
    done(std::move(r));
  }
  core::response render_error(const core::request&, const core::aws_error& e) const override {
    return core::response{e.status, {}, e.code};
  }
};

// Everything the server sends until it closes the connection.
std::string read_all(tcp::socket& s) {
  std::string raw;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(raw), ec);
  return raw;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  // Derived fixtures change the server's options here.
  virtual void adjust(server_options&) {}
  void start() {
    dir_ = std::filesystem::temp_directory_path() / ("hayloft-http-" + core::random_hex(6));
    std::filesystem::create_directories(dir_);
    handler_.file = dir_ / "data.bin";
    std::ofstream out(handler_.file, std::ios::binary);
    for (int i = 0; i < 300000; ++i) out.put(static_cast<char>('a' + i % 26));
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.spill_threshold = 1024;
    o.body_limit = 10 * 1024 * 1024;
    o.spill_dir = dir_;
    adjust(o);
    server_ = std::make_unique<server>(ioc_, o, [this](const core::request&) { return &handler_; });
    port_ = server_->listen();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void TearDown() override {
    server_->shutdown();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    std::filesystem::remove_all(dir_);
  }
  tcp::socket connect() {
    tcp::socket s(client_ioc_);
    s.connect({asio::ip::make_address("127.0.0.1"), port_});
    return s;
  }
  bhttp::response<bhttp::string_body> read_response(tcp::socket& s, bool head = false) {
    bhttp::response_parser<bhttp::string_body> p;
    p.skip(head);
    p.body_limit(1 << 30);
    bhttp::read(s, buf_, p);
    return p.release();
  }

  asio::io_context ioc_, client_ioc_;
  std::vector<std::thread> threads_;
  std::filesystem::path dir_;
  test_handler handler_;
  std::unique_ptr<server> server_;
  std::uint16_t port_ = 0;
  beast::flat_buffer buf_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto s = connect();
  for (int i = 0; i < 3; ++i) {
    std::string req = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    asio::write(s, asio::buffer(req));
    auto res = read_response(s);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "hello");
    EXPECT_EQ(res["X-Body-In-File"], "no");
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto s = connect();
  std::string reqs;
  for (int i = 0; i < 5; ++i)
    reqs += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n" + std::to_string(i);
  asio::write(s, asio::buffer(reqs));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(read_response(s).body(), std::to_string(i));
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  auto s = connect();
  std::string head = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n";
  asio::write(s, asio::buffer(head));
  std::string interim;
  asio::read_until(s, asio::dynamic_buffer(interim), "\r\n\r\n");
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue")) << interim;
  interim.erase(0, interim.find("\r\n\r\n") + 4);
  asio::write(s, asio::buffer(std::string("abc")));
  auto res = read_response(s);
  EXPECT_EQ(res.body(), "abc");
}

TEST_F(ServerTest, LargeBodiesAreSpilledToDiskIntact) {
  auto s = connect();
  std::string body(200000, 'z');
  body[1234] = 'q';
  std::string req = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  asio::write(s, asio::buffer(req));
  auto res = read_response(s);
  EXPECT_EQ(res["X-Body-In-File"], "yes");
  EXPECT_EQ(res["X-Body-Size"], "200000");
  EXPECT_EQ(res.body(), core::md5_hex(body));
}

TEST_F(ServerTest, ChunkedBodiesAreDecoded) {
  auto s = connect();
  std::string req = "PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  asio::write(s, asio::buffer(req));
  EXPECT_EQ(read_response(s).body(), "abcde");
}

TEST_F(ServerTest, FileBodiesStreamTheRequestedRange) {
  auto s = connect();
  std::string req = "GET /file?off=100000&len=150000 HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(s, asio::buffer(req));
  auto res = read_response(s);
  ASSERT_EQ(res.body().size(), 150000u);
  EXPECT_EQ(res.body()[0], static_cast<char>('a' + 100000 % 26));
  EXPECT_EQ(res.body().back(), static_cast<char>('a' + (249999 % 26)));
}

TEST_F(ServerTest, HeadAnnouncesLengthWithoutBody) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n")));
  auto res = read_response(s, true);
  EXPECT_EQ(res["Content-Length"], "1234");
  // The next request on the same connection still parses: no stray body bytes were sent.
  asio::write(s, asio::buffer(std::string("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")));
  EXPECT_EQ(read_response(s).result_int(), 200u);
}

TEST_F(ServerTest, OversizedBodyIsRejectedBeforeReading) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")));
  auto res = read_response(s);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(res.body(), "EntityTooLarge");
}

TEST_F(ServerTest, MalformedRequestGets400) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("NOT A REQUEST\r\n\r\n")));
  std::string raw;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(raw), ec);
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << raw;
}

TEST_F(ServerTest, ShutdownFinishesRequestsInFlight) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
  handler_.slow_started.get_future().wait();
  auto idle = connect();
  server_->shutdown();
  EXPECT_EQ(server_->busy(), 1u);
  handler_.release_slow();
  auto res = read_response(s);
  EXPECT_EQ(res.body(), "slow done");
  EXPECT_FALSE(res.keep_alive());
  // The idle connection is closed by the shutdown.
  char c;
  boost::system::error_code ec;
  idle.read_some(asio::buffer(&c, 1), ec);
  EXPECT_TRUE(ec);
}

TEST_F(ServerTest, OversizedHeaderGets431) {
  auto s = connect();
  asio::write(s, asio::buffer("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n"));
  auto raw = read_all(s);
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 431")) << raw.substr(0, 100);
}

TEST_F(ServerTest, TooManyHeaderFieldsGet431) {
  auto s = connect();
  std::string req = "GET /echo HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 101; ++i) req += "X-" + std::to_string(i) + ": v\r\n";
  asio::write(s, asio::buffer(req + "\r\n"));
  EXPECT_TRUE(read_all(s).starts_with("HTTP/1.1 431"));
}

TEST_F(ServerTest, MalformedChunkedBodyGets400) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")));
  auto raw = read_all(s);
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << raw;
}

TEST_F(ServerTest, HandlerThatThrowsGets500ForThatRequestOnly) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /drop HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")));
  auto first = read_response(s);
  EXPECT_EQ(first.result_int(), 500u);
  EXPECT_EQ(first.body(), "InternalError");  // rendered by the handler's render_error
  auto second = read_response(s);
  EXPECT_EQ(second.result_int(), 500u);
  auto third = read_response(s);
  EXPECT_EQ(third.result_int(), 200u);
  EXPECT_EQ(third.body(), "ok");
}

class SlowClientTest : public ServerTest {
  void adjust(server_options& o) override {
    o.header_timeout = std::chrono::milliseconds(200);
    o.body_timeout = std::chrono::milliseconds(200);
    o.body_min_rate = 64 * 1024;
  }
};

TEST_F(SlowClientTest, TricklingBodyGetsRequestTimeout) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")));
  for (int i = 0; i < 10; ++i) {
    asio::write(s, asio::buffer(std::string("z")));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto res = read_response(s);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(res.body(), "RequestTimeout");
}

TEST_F(SlowClientTest, SilentClientIsClosedAfterTheHeaderTimeout) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /echo HTTP/1.1\r\nHost: x\r\n")));
  auto t0 = std::chrono::steady_clock::now();
  read_all(s);  // returns at the close
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

class NoBodyBudgetTest : public ServerTest {
  void adjust(server_options& o) override {
    o.spill_threshold = 1 << 20;
    o.body_small = 1024;
    o.body_memory_budget = 0;  // nothing beyond body_small stays in memory
  }
};

TEST_F(NoBodyBudgetTest, BodiesBeyondTheMemoryBudgetSpillToFiles) {
  auto s = connect();
  std::string body(5000, 'q');
  asio::write(s, asio::buffer("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + body));
  auto res = read_response(s);
  EXPECT_EQ(res["X-Body-In-File"], "yes");
  EXPECT_EQ(res.body(), core::md5_hex(body));
  EXPECT_EQ(server_->body_memory(), 0u);
}

class TwoConnectionsTest : public ServerTest {
  void adjust(server_options& o) override { o.max_connections = 2; }
};

TEST_F(TwoConnectionsTest, ConnectionsBeyondTheCapWaitInTheBacklog) {
  auto a = connect();
  auto b = connect();
  for (int i = 0; i < 100 && server_->connections() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // The third connects (the kernel's backlog) but is not served while two are open.
  auto c = connect();
  asio::write(c, asio::buffer(std::string("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(c.available(), 0u);
  EXPECT_EQ(server_->connections(), 2u);
  a.close();
  EXPECT_EQ(read_response(c).result_int(), 200u);
  b.close();
}

}  // namespace
}  // namespace hayloft::http
