// One probe execution (pods::run_probe) against servers on 127.0.0.1: the kubelet's outcomes and
// output texts for http, tcp and exec probes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "orchestrator/pods/ports.h"
#include "orchestrator/pods/probe.h"

namespace hayloft::orchestrator::pods {
namespace {

using R = probe_outcome::result;

// Serves canned responses by request path; keeps connections open after answering (as a
// keep-alive server would) until the client closes them; "/hang" never answers.
class canned_server {
 public:
  explicit canned_server(std::map<std::string, std::string> responses) : responses_(std::move(responses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::thread([this, c] {
          std::string req;
          char buf[2048];
          while (req.find("\r\n\r\n") == std::string::npos) {
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            req.append(buf, static_cast<std::size_t>(n));
          }
          if (req.find("\r\n\r\n") == std::string::npos) {  // a bare connect (tcp probe): no member access
            ::close(c);
            return;
          }
          {
            std::lock_guard lock(mutex_);
            last_request_ = req;
          }
          std::string path = req.substr(4, req.find(' ', 4) - 4);
          auto it = responses_.find(path);
          if (it != responses_.end()) ::send(c, it->second.data(), it->second.size(), MSG_NOSIGNAL);
          while (::recv(c, buf, sizeof buf, 0) > 0) {
          }
          ::close(c);
        }).detach();
      }
    });
  }
  ~canned_server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  std::string last_request() {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  std::mutex mutex_;  // guards last_request_
  std::string last_request_;
  std::map<std::string, std::string> responses_;
  int fd_;
  std::uint16_t port_;
  std::thread thread_;
};

std::string response(int code, const std::string& extra = "", const std::string& body = "ok") {
  return "HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra +
         "\r\n" + body;
}

probe_request http(std::uint16_t port, const std::string& path) {
  probe_request r;
  r.type = probe_request::kind::http;
  r.port = port;
  r.path = path;
  return r;
}

TEST(OrchProbeIo, HttpStatusRangesAndKeepAlive) {
  canned_server s({{"/ok", response(200)},
                   {"/bad", response(503)},
                   {"/moved", response(302, "Location: /ok\r\n")},
                   {"/away", response(301, "Location: http://example.com/\r\n", "gone")},
                   {"/teapot", response(418)}});
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(run_probe(http(s.port(), "/ok")).value, R::success);
  // The server kept the connection open: the probe still ends at the end of the body.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
  EXPECT_NE(s.last_request().find("User-Agent: kube-probe/"), std::string::npos) << s.last_request();
  EXPECT_NE(s.last_request().find("Accept: */*\r\n"), std::string::npos);
  auto bad = run_probe(http(s.port(), "/bad"));
  EXPECT_EQ(bad.value, R::failure);
  EXPECT_EQ(bad.output, "HTTP probe failed with statuscode: 503");
  EXPECT_EQ(run_probe(http(s.port(), "/teapot")).output, "HTTP probe failed with statuscode: 418");
  EXPECT_EQ(run_probe(http(s.port(), "/moved")).value, R::success);  // same host: followed
  auto away = run_probe(http(s.port(), "/away"));                     // another host: not followed
  EXPECT_EQ(away.value, R::warning);
  EXPECT_EQ(away.output, "Probe terminated redirects, Response body: gone");
}

TEST(OrchProbeIo, HttpHeadersAndHost) {
  canned_server s({{"/h", response(200)}});
  auto r = http(s.port(), "/h");
  r.headers = {{"Host", "svc.example"}, {"X-Probe", "1"}, {"User-Agent", "mine"}};
  EXPECT_EQ(run_probe(r).value, R::success);
  EXPECT_NE(s.last_request().find("Host: svc.example\r\n"), std::string::npos) << s.last_request();
  EXPECT_NE(s.last_request().find("X-Probe: 1\r\n"), std::string::npos);
  EXPECT_EQ(s.last_request().find("kube-probe"), std::string::npos);
}

TEST(OrchProbeIo, HttpTimeoutAndRefusedAreGoErrors) {
  canned_server s({});
  auto r = http(s.port(), "/hang");
  r.timeout = std::chrono::milliseconds(200);
  auto out = run_probe(r);
  EXPECT_EQ(out.value, R::failure);
  EXPECT_EQ(out.output, "Get \"http://127.0.0.1:" + std::to_string(s.port()) +
                            "/hang\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
  std::uint16_t closed = *free_loopback_port();
  auto refused = run_probe(http(closed, "/healthz"));
  EXPECT_EQ(refused.output, "Get \"http://127.0.0.1:" + std::to_string(closed) + "/healthz\": dial tcp 127.0.0.1:" +
                                std::to_string(closed) + ": connect: connection refused");
  probe_request tcp;
  tcp.type = probe_request::kind::tcp;
  tcp.port = closed;
  EXPECT_EQ(run_probe(tcp).output, "dial tcp 127.0.0.1:" + std::to_string(closed) + ": connect: connection refused");
  tcp.port = s.port();
  EXPECT_EQ(run_probe(tcp).value, R::success);
}

TEST(OrchProbeIo, ExecOutputEnvDirAndTimeout) {
  probe_request r;
  r.type = probe_request::kind::exec;
  r.env = {{"PATH", "/usr/bin:/bin"}, {"WHO", "probe"}};
  r.working_dir = "/tmp";
  r.argv = {"sh", "-c", "echo $WHO in $(pwd); exit 3"};
  auto out = run_probe(r);
  EXPECT_EQ(out.value, R::failure);
  EXPECT_EQ(out.output, "probe in /tmp\n");
  r.argv = {"true"};
  EXPECT_EQ(run_probe(r).value, R::success);
  r.argv = {"no-such-probe-command"};
  EXPECT_EQ(run_probe(r).output, "exec: \"no-such-probe-command\": executable file not found in $PATH");
  r.argv = {"sleep", "5"};
  r.timeout = std::chrono::milliseconds(200);
  auto t0 = std::chrono::steady_clock::now();
  out = run_probe(r);
  EXPECT_EQ(out.value, R::failure);
  EXPECT_EQ(out.output, "command \"sleep 5\" timed out");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST(OrchProbeIo, PortEnvNames) {
  EXPECT_EQ(port_env_name("http"), "HTTP_PORT");
  EXPECT_EQ(port_env_name("metrics-port"), "METRICS_PORT_PORT");
  auto a = free_loopback_port(), b = free_loopback_port("UDP");
  ASSERT_TRUE(a && b);
  EXPECT_GT(*a, 0);
  EXPECT_GT(*b, 0);
}

}  // namespace
}  // namespace hayloft::orchestrator::pods
