// The blocking HTTP client against small Beast servers on 127.0.0.1 (plain and TLS with a
// certificate made here): endpoints, keep-alive, stale-connection retry, streamed file bodies,
// limits, timeouts, aborts and certificate verification.
#include "emulator/http/client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "emulator/core/hash.h"
#include "emulator/core/ids.h"
#include "tests/emulator/http/test_server.h"

namespace hayloft::http {
namespace {
namespace bhttp = boost::beast::http;
using testing::make_self_signed;
using testing::test_server;

test_server::response reply(unsigned status, std::string body) {
  test_server::response r{static_cast<bhttp::status>(status), 11};
  r.body() = std::move(body);
  return r;
}

// Echoes method, target, Host and the body's SHA-256 and size.
test_server::response echo(const test_server::request& req) {
  auto r = reply(200, core::sha256_hex(req.body()));
  r.set("X-Method", std::string(req.method_string()));
  r.set("X-Target", std::string(req.target()));
  r.set("X-Host", std::string(req[bhttp::field::host]));
  r.set("X-Size", std::to_string(req.body().size()));
  return r;
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() / ("hayloft-client-" + core::random_hex(6))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path write(const std::string& name, const std::string& data) const {
    auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }

 private:
  std::filesystem::path path_;
};

TEST(ClientEndpointTest, ParsesSchemesHostsPortsAndPrefixes) {
  struct row {
    std::string in;
    bool tls;
    std::string host, port, prefix, host_header;
  };
  for (const auto& r : std::vector<row>{
           {"http://127.0.0.1:4566", false, "127.0.0.1", "4566", "", "127.0.0.1:4566"},
           {"localhost:4566/", false, "localhost", "4566", "", "localhost:4566"},
           {"https://sqs.eu-central-1.amazonaws.com", true, "sqs.eu-central-1.amazonaws.com", "443",
            "", "sqs.eu-central-1.amazonaws.com"},
           {"HTTPS://h:8443/base/path/", true, "h", "8443", "/base/path", "h:8443"},
           {"http://h:80", false, "h", "80", "", "h"},
           {"http://[::1]:9000/x", false, "::1", "9000", "/x", "[::1]:9000"},
       }) {
    auto p = parse_endpoint(r.in);
    ASSERT_TRUE(p.ok()) << r.in << ": " << p.err().message;
    EXPECT_EQ(p->tls, r.tls) << r.in;
    EXPECT_EQ(p->host, r.host) << r.in;
    EXPECT_EQ(p->port, r.port) << r.in;
    EXPECT_EQ(p->prefix, r.prefix) << r.in;
    EXPECT_EQ(p->host_header(), r.host_header) << r.in;
  }
  for (const char* bad : {"ftp://h", "http://", "http://h:12x", "http://[::1"}) {
    auto p = parse_endpoint(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.code(), client_errc::bad_endpoint) << bad;
  }
  client c("gopher://x");
  EXPECT_EQ(c.get("/").code(), client_errc::bad_endpoint);
}

TEST(ClientTest, KeepsConnectionsAliveAcrossRequestsAndThreads) {
  test_server server(echo);
  client c(server.url() + "/prefix");
  for (int i = 0; i < 3; ++i) {
    auto r = c.post("/t?i=" + std::to_string(i), "hello");
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->header("x-target"), "/prefix/t?i=" + std::to_string(i));
    EXPECT_EQ(r->header("X-Host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(r->body, core::sha256_hex("hello"));
  }
  EXPECT_EQ(server.connections(), 1);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) ok += c.get("/x").ok() ? 1 : 0;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 20);
  EXPECT_LE(server.connections(), 5);
}

TEST(ClientTest, RetriesOnceWhenTheServerDroppedAnIdleConnection) {
  test_server server(echo);
  server.set_mode(test_server::mode::close_after_reply);
  client c(server.url());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("PUT", "/k", "body");
    ASSERT_TRUE(r.ok()) << i << ": " << r.err().message;
    EXPECT_EQ(r->body, core::sha256_hex("body"));
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 3);
}

TEST(ClientTest, StreamsAFileRangeAsTheBody) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 700000; ++i) data.push_back(static_cast<char>('a' + i * 7 % 26));
  auto path = dir.write("data.bin", data);
  test_server server(echo);
  client c(server.url());
  client_request req;
  req.method = "PUT";
  req.target = "/file";
  req.body_file = path;
  req.body_offset = 1234;
  req.body_length = 500000;
  std::size_t reported = 0;
  req.on_body_progress = [&](std::size_t n) { reported += n; };
  auto r = c.send(req);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->header("X-Size"), "500000");
  EXPECT_EQ(r->body, core::sha256_hex(std::string_view(data).substr(1234, 500000)));
  EXPECT_EQ(reported, 500000u);

  req.body_length = data.size();  // runs past the end of the file
  auto past = c.send(req);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.code(), client_errc::body_unreadable);
  req.body_file = dir.write("x", "") / "missing";
  EXPECT_EQ(c.send(req).code(), client_errc::body_unreadable);
}

TEST(ClientTest, EnforcesTheResponseLimit) {
  test_server server([](const test_server::request&) { return reply(200, std::string(100, 'x')); });
  client c(server.url());
  client_request req;
  req.max_response_bytes = 10;
  auto r = c.send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), client_errc::response_too_large);
  req.max_response_bytes = 100;
  EXPECT_TRUE(c.send(req).ok());
}

TEST(ClientTest, TimesOutWhenTheServerDoesNotAnswer) {
  test_server server(echo);
  server.set_mode(test_server::mode::silent);
  client c(server.url(), client_options{.timeout = std::chrono::seconds(1)});
  auto started = std::chrono::steady_clock::now();
  auto r = c.get("/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), client_errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(ClientTest, AbortEndsARequestInFlight) {
  test_server server(echo);
  server.set_mode(test_server::mode::silent);
  client c(server.url(), client_options{.timeout = std::chrono::seconds(60)});
  abort_signal signal;
  auto got = server.next_request();
  auto started = std::chrono::steady_clock::now();
  std::thread aborter([&] {
    got.wait();
    signal.abort();
  });
  client_request req;
  auto r = c.send(req, &signal);
  aborter.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), client_errc::aborted);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  // An already-aborted signal fails at once, without touching the network.
  auto requests = server.requests();
  EXPECT_EQ(c.send(req, &signal).code(), client_errc::aborted);
  EXPECT_EQ(server.requests(), requests);
}

TEST(ClientTest, ReportsConnectionFailures) {
  unsigned short port;
  {
    test_server server(echo);
    port = server.port();
  }
  client c("http://127.0.0.1:" + std::to_string(port));
  auto r = c.get("/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), client_errc::connect_failed);
}

class ClientTlsTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ClientTlsTest, VerificationOffAcceptsASelfSignedCertificate) {
  auto cert = make_self_signed("DNS:localhost,IP:127.0.0.1");
  test_server server(echo, &cert);
  client c(server.url(), client_options{.verify_peer = false});
  for (int i = 0; i < 2; ++i) {
    auto r = c.post("/q", "over tls");
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(r->body, core::sha256_hex("over tls"));
  }
  EXPECT_EQ(server.connections(), 1);  // kept alive over TLS too
}

TEST_F(ClientTlsTest, RejectsAnUntrustedCertificate) {
  auto cert = make_self_signed("DNS:localhost,IP:127.0.0.1");
  test_server server(echo, &cert);
  client c(server.url());
  auto r = c.get("/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), client_errc::tls_failed);
  EXPECT_NE(r.err().message.find("self-signed"), std::string::npos) << r.err().message;
}

TEST_F(ClientTlsTest, TrustsACaFileAndSendsTheHostNameAsSni) {
  auto cert = make_self_signed("DNS:localhost,IP:127.0.0.1");
  auto ca = dir_.write("ca.pem", cert.cert_pem);
  test_server server(echo, &cert);
  client by_name("https://localhost:" + std::to_string(server.port()),
                 client_options{.ca_file = ca.string()});
  auto r = by_name.get("/named");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->header("X-Host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(server.last_sni(), "localhost");
  client by_ip(server.url(), client_options{.ca_file = ca.string()});
  auto ip = by_ip.get("/ip");
  EXPECT_TRUE(ip.ok()) << ip.err().message;
}

TEST_F(ClientTlsTest, ChecksTheHostNameAgainstTheCertificate) {
  auto cert = make_self_signed("DNS:elsewhere.example");
  auto ca = dir_.write("ca.pem", cert.cert_pem);
  test_server server(echo, &cert);
  for (std::string host : {"localhost", "127.0.0.1"}) {
    client c("https://" + host + ":" + std::to_string(server.port()),
             client_options{.ca_file = ca.string()});
    auto r = c.get("/");
    ASSERT_FALSE(r.ok()) << host;
    EXPECT_EQ(r.code(), client_errc::tls_failed) << host;
    EXPECT_NE(r.err().message.find("mismatch"), std::string::npos) << r.err().message;
  }
}

TEST_F(ClientTlsTest, RejectsAnUnreadableCaFile) {
  EXPECT_THROW(client("https://localhost:1",
                      client_options{.ca_file = (dir_.write("x", "") / "none.pem").string()}),
               std::runtime_error);
}

}  // namespace
}  // namespace hayloft::http
