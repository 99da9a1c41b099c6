#include "orchestrator/pods/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "orchestrator/pods/process.h"

namespace hayloft::orchestrator::pods {
namespace {

using clock_type = std::chrono::steady_clock;

int left_ms(clock_type::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

// Go's syscall error texts for what a local dial can hit.
std::string errno_text(int e) {
  switch (e) {
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection reset by peer";
    case ENETUNREACH: return "network is unreachable";
    case EHOSTUNREACH: return "no route to host";
    case EADDRNOTAVAIL: return "cannot assign requested address";
    default: return std::strerror(e);
  }
}

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

// Connects to host:port within the deadline. On failure `err` is Go's net.Dial error text
// ("dial tcp 127.0.0.1:1: connect: connection refused", "dial tcp ...: i/o timeout").
int dial(const std::string& host, std::uint16_t port, clock_type::time_point deadline, std::string& err) {
  std::string addr = host + ":" + std::to_string(port);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &sa.sin_addr) != 1) {
    err = "dial tcp: lookup " + host + ": no such host";
    return -1;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = "dial tcp " + addr + ": socket: " + errno_text(errno);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS) {
    err = "dial tcp " + addr + ": connect: " + errno_text(errno);
    ::close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int n = ::poll(&p, 1, left_ms(deadline));
  if (n <= 0) {
    err = "dial tcp " + addr + ": i/o timeout";
    ::close(fd);
    return -1;
  }
  int so = 0;
  socklen_t len = sizeof so;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
  if (so != 0) {
    err = "dial tcp " + addr + ": connect: " + errno_text(so);
    ::close(fd);
    return -1;
  }
  return fd;
}

probe_outcome tcp_probe(const probe_request& r) {
  std::string err;
  fd_guard g{dial(r.host, r.port, clock_type::now() + r.timeout, err)};
  if (g.fd < 0) return {probe_outcome::result::failure, err};
  return {probe_outcome::result::success, ""};
}

struct http_response {
  int status = 0;
  std::string location;
  std::string body;
};

// One GET; false with Go's client error text (without the `Get "url": ` prefix).
bool http_get(const probe_request& r, const std::string& path, clock_type::time_point deadline, http_response& out,
              std::string& err) {
  fd_guard g{dial(r.host, r.port, deadline, err)};
  if (g.fd < 0) return false;
  std::string host_header = r.host + ":" + std::to_string(r.port);
  bool has_ua = false, has_accept = false;
  std::string extra;
  for (const auto& [n, v] : r.headers) {
    std::string lower = n;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "host") {
      host_header = v;
      continue;
    }
    has_ua = has_ua || lower == "user-agent";
    has_accept = has_accept || lower == "accept";
    extra += n + ": " + v + "\r\n";
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + host_header + "\r\n";
  if (!has_ua) req += "User-Agent: kube-probe/1.31\r\n";
  if (!has_accept) req += "Accept: */*\r\n";
  req += extra + "Connection: close\r\n\r\n";
  const std::string timeout_text = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
  std::size_t sent = 0;
  while (sent < req.size()) {
    pollfd p{g.fd, POLLOUT, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) {
      err = timeout_text;
      return false;
    }
    ssize_t n = ::send(g.fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      err = "write tcp: " + errno_text(errno);
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  // Reads the head and up to 10 KiB of body (the kubelet's maxRespBodyLength), or until close.
  std::string data;
  std::size_t head_end = std::string::npos;
  std::size_t want = std::string::npos;
  char buf[4096];
  for (;;) {
    if (head_end != std::string::npos && want != std::string::npos && data.size() >= want) break;
    pollfd p{g.fd, POLLIN, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) {
      if (head_end != std::string::npos) break;  // headers arrived; a slow body is not an error here
      err = timeout_text;
      return false;
    }
    ssize_t n = ::recv(g.fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (head_end != std::string::npos) break;
      err = "read tcp: " + errno_text(errno);
      return false;
    }
    if (n == 0) {
      if (head_end == std::string::npos) {
        err = data.empty() ? "EOF" : "unexpected EOF";
        return false;
      }
      break;
    }
    data.append(buf, static_cast<std::size_t>(n));
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        // Stop at the end of a Content-Length body (a server may keep the connection open).
        std::size_t body = 10 * 1024;
        std::string head = data.substr(0, head_end);
        for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (auto cl = head.find("\r\ncontent-length:"); cl != std::string::npos)
          body = std::min<std::size_t>(body, std::strtoull(head.c_str() + cl + 17, nullptr, 10));
        want = head_end + 4 + body;
      }
      else if (data.size() > 64 * 1024) {
        err = "net/http: HTTP/1.x transport connection broken: header too long";
        return false;
      }
    }
  }
  // Status line "HTTP/1.1 200 OK".
  auto sp = data.find(' ');
  if (data.compare(0, 5, "HTTP/") != 0 || sp == std::string::npos || sp + 4 > data.size()) {
    err = "net/http: HTTP/1.x transport connection broken: malformed HTTP response";
    return false;
  }
  out.status = std::atoi(data.c_str() + sp + 1);
  // Location header (case-insensitive).
  std::size_t pos = data.find("\r\n");
  while (pos != std::string::npos && pos < head_end) {
    std::size_t next = data.find("\r\n", pos + 2);
    std::string line = data.substr(pos + 2, next - pos - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "location") {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        out.location = v;
      }
    }
    pos = next;
  }
  out.body = data.substr(head_end + 4, 10 * 1024);
  return true;
}

probe_outcome http_probe(const probe_request& r) {
  auto deadline = clock_type::now() + r.timeout;
  std::string path = r.path.empty() || r.path[0] != '/' ? "/" + r.path : r.path;
  const std::string origin = "http://" + r.host + ":" + std::to_string(r.port);
  http_response res;
  // Redirects are followed on the same host (at most 10), as the kubelet's client does; a
  // redirect elsewhere ends the probe with the redirect's own status.
  for (int hop = 0;; ++hop) {
    std::string err;
    res = {};
    if (!http_get(r, path, deadline, res, err))
      return {probe_outcome::result::failure, "Get \"" + origin + path + "\": " + err};
    if (res.status < 300 || res.status >= 400 || res.location.empty() || hop == 10) break;
    std::string loc = res.location;
    if (loc.rfind(origin + "/", 0) == 0 || loc == origin) loc = loc.substr(origin.size());
    if (loc.empty()) loc = "/";
    if (loc[0] != '/') break;  // another host: stop here
    path = loc;
  }
  if (res.status >= 200 && res.status < 400) {
    if (res.status >= 300)
      return {probe_outcome::result::warning, "Probe terminated redirects, Response body: " + res.body};
    return {probe_outcome::result::success, res.body};
  }
  return {probe_outcome::result::failure, "HTTP probe failed with statuscode: " + std::to_string(res.status)};
}

probe_outcome exec_probe(const probe_request& r) {
  std::string joined;
  for (const auto& a : r.argv) joined += (joined.empty() ? "" : " ") + a;
  if (r.argv.empty()) return {probe_outcome::result::error, "no command"};
  auto exe = resolve_executable(r.argv[0], r.env, r.working_dir);
  if (!exe) return {probe_outcome::result::failure, exe.err().message};
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return {probe_outcome::result::error, std::string("pipe: ") + std::strerror(errno)};
  fd_guard rd{pipefd[0]};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  if (!r.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&fa, r.working_dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : r.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = r.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, exe->c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(pipefd[1]);
  if (rc != 0) return {probe_outcome::result::failure, "exec: \"" + r.argv[0] + "\": " + std::strerror(rc)};
  auto deadline = clock_type::now() + r.timeout;
  std::string output;
  bool timed_out = false;
  char buf[4096];
  for (;;) {
    pollfd p{rd.fd, POLLIN, 0};
    int n = ::poll(&p, 1, left_ms(deadline));
    if (n == 0) {
      timed_out = true;
      break;
    }
    if (n < 0 && errno == EINTR) continue;
    ssize_t got = ::read(rd.fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EOF: every writer (the command and its children) is gone
    if (output.size() < 10 * 1024) output.append(buf, static_cast<std::size_t>(got));
  }
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  // The command closed its output; reap it (bounded: it is killed once the deadline passes).
  for (;;) {
    pid_t w = ::waitpid(pid, &status, timed_out ? 0 : WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    if (w == 0) {
      if (clock_type::now() >= deadline) {
        ::kill(-pid, SIGKILL);
        timed_out = true;
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (output.size() > 10 * 1024) output.resize(10 * 1024);
  if (timed_out) return {probe_outcome::result::failure, "command \"" + joined + "\" timed out"};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {probe_outcome::result::success, output};
  return {probe_outcome::result::failure, output};
}

}  // namespace

probe_outcome run_probe(const probe_request& req) {
  switch (req.type) {
    case probe_request::kind::http: return http_probe(req);
    case probe_request::kind::tcp: return tcp_probe(req);
    case probe_request::kind::exec: return exec_probe(req);
  }
  return {probe_outcome::result::error, "unknown probe"};
}

probe_pool::probe_pool(std::size_t threads) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

probe_pool::~probe_pool() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void probe_pool::submit(std::function<void()> work) {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
}

void probe_pool::run() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(queue_mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    fn();
  }
}

}  // namespace hayloft::orchestrator::pods
