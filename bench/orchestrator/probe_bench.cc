// The cost of one probe as the prober pool runs it: tcpSocket connect, an httpGet against a
// minimal HTTP server on 127.0.0.1, and an exec probe of /bin/true.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "orchestrator/pods/probe.h"

namespace {

using namespace hayloft::orchestrator;

// Accepts connections and answers every request with 200 (one request per connection), or with
// `http` false just closes them.
class tiny_server {
 public:
  explicit tiny_server(bool http) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    ::listen(fd_, SOMAXCONN);
    thread_ = std::thread([this, http] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        if (!http) {
          ::close(c);
          continue;
        }
        char buf[2048];
        std::string req;
        while (req.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::recv(c, buf, sizeof buf, 0);
          if (n <= 0) break;
          req.append(buf, static_cast<std::size_t>(n));
        }
        static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        ::send(c, resp, sizeof resp - 1, MSG_NOSIGNAL);
        ::close(c);
      }
    });
  }
  ~tiny_server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_;
  std::thread thread_;
};

void run(benchmark::State& state, const pods::probe_request& req) {
  for (auto _ : state) {
    auto out = pods::run_probe(req);
    if (out.value != pods::probe_outcome::result::success) state.SkipWithError(out.output.c_str());
    benchmark::DoNotOptimize(out);
  }
}

void BM_TcpProbe(benchmark::State& state) {
  tiny_server s(false);
  pods::probe_request req;
  req.type = pods::probe_request::kind::tcp;
  req.port = s.port();
  run(state, req);
}
BENCHMARK(BM_TcpProbe)->Iterations(2000)->Unit(benchmark::kMicrosecond);  // bounded: the accept queue

void BM_HttpProbe(benchmark::State& state) {
  tiny_server s(true);
  pods::probe_request req;
  req.type = pods::probe_request::kind::http;
  req.port = s.port();
  req.path = "/healthz";
  run(state, req);
}
BENCHMARK(BM_HttpProbe)->Unit(benchmark::kMicrosecond);

void BM_ExecProbe(benchmark::State& state) {
  pods::probe_request req;
  req.type = pods::probe_request::kind::exec;
  req.argv = {"true"};
  req.env = {{"PATH", "/usr/bin:/bin"}};
  run(state, req);
}
BENCHMARK(BM_ExecProbe)->Unit(benchmark::kMicrosecond);

}  // namespace
