#include "orchestrator/pods/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::pods {
namespace {

// ---- in the forked children: async-signal-safe calls only --------------------------------------

void write_all(int fd, const char* s) {
  std::size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = ::write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void close_from(int lowest) {
  if (::syscall(SYS_close_range, static_cast<unsigned>(lowest), ~0U, 0) == 0) return;
  for (int fd = lowest; fd < 4096; ++fd) ::close(fd);
}

[[noreturn]] void run_container(const char* exe, char* const* argv, char* const* envp, const char* wd) {
  ::close(3);
  ::setpgid(0, 0);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (wd && ::chdir(wd) != 0) {
    write_all(2, "hayloft: chdir to the container's workingDir failed: ");
    write_all(2, std::strerror(errno));  // strerror of a constant errno: safe enough here
    write_all(2, "\n");
    ::_exit(128);
  }
  ::execve(exe, argv, envp);
  write_all(2, "hayloft: exec failed: ");
  write_all(2, std::strerror(errno));
  write_all(2, "\n");
  ::_exit(128);
}

// Reaps every remaining child (the shim is a subreaper, so orphaned container processes are
// its children) for up to timeout_ms, so that none is left as a zombie.
void reap_children(int timeout_ms) {
  sigset_t chld;
  ::sigemptyset(&chld);
  ::sigaddset(&chld, SIGCHLD);
  timespec start;
  ::clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int status;
    pid_t r;
    while ((r = ::waitpid(-1, &status, WNOHANG)) > 0) {
    }
    if (r < 0) return;  // ECHILD: nothing left
    timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    long elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1'000'000;
    if (elapsed_ms >= timeout_ms) return;
    long left = timeout_ms - elapsed_ms;
    timespec wait{left / 1000, (left % 1000) * 1'000'000};
    ::sigtimedwait(&chld, nullptr, &wait);
  }
}

[[noreturn]] void run_shim(int out_w, int pid_w, pid_t parent, const char* exe, char* const* argv, char* const* envp,
                           const char* wd) {
  sigset_t all;
  ::sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGCHLD, &dfl, nullptr);  // hayloft may ignore SIGCHLD; the shim must see it
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGHUP);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (::getppid() != parent) ::_exit(137);
  // stdin = /dev/null, stdout = stderr = the log pipe, fd 3 = the pid pipe, nothing else.
  int hi_out = ::fcntl(out_w, F_DUPFD, 10);
  int hi_pid = ::fcntl(pid_w, F_DUPFD, 10);
  int devnull = ::open("/dev/null", O_RDONLY);
  if (hi_out < 0 || hi_pid < 0 || devnull < 0) ::_exit(128);
  ::dup2(devnull, 0);
  ::dup2(hi_out, 1);
  ::dup2(hi_out, 2);
  ::dup2(hi_pid, 3);
  close_from(4);
  pid_t child = ::fork();
  if (child == 0) run_container(exe, argv, envp, wd);
  if (child > 0) ::setpgid(child, child);  // no window where -child names no group
  ::close(0);
  ::close(1);
  ::close(2);
  if (child < 0) ::_exit(128);
  ssize_t w = ::write(3, &child, sizeof child);
  (void)w;
  ::close(3);
  for (;;) {
    siginfo_t info;
    int sig = ::sigwaitinfo(&all, &info);
    if (sig == SIGCHLD) {
      int status = 0, code = -1;
      pid_t r;
      while ((r = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (r == child) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (code >= 0) {
        ::kill(-child, SIGKILL);  // the container's remaining processes go with it
        reap_children(2000);
        ::_exit(code);
      }
    } else if (sig == SIGHUP) {
      ::kill(-child, SIGKILL);  // hayloft is gone
      reap_children(2000);
      ::_exit(137);
    } else if (sig == SIGTERM || sig == SIGINT) {
      ::kill(-child, sig);
    }
  }
}

// ---- in hayloft ---------------------------------------------------------------------------------

struct process_state {
  std::mutex state_mutex;  // guards exit
  std::condition_variable changed;
  std::optional<exit_info> exit;
};

class process_container final : public container {
 public:
  process_container(pid_t shim, pid_t main, int out_fd, std::shared_ptr<log_file> log, container_callbacks cb)
      : shim_(shim), main_(main), state_(std::make_shared<process_state>()) {
    watcher_ = std::thread([this, out_fd, log = std::move(log), cb = std::move(cb)] { watch(out_fd, *log, cb); });
  }
  ~process_container() override {
    if (!exited()) kill();
    watcher_.join();
  }
  void terminate() override {
    if (!exited()) ::kill(-main_, SIGTERM);
  }
  void kill() override {
    if (exited()) return;
    ::kill(-main_, SIGKILL);  // the shim reaps the group and exits with 137
  }
  bool ready() const override { return !exited().has_value(); }
  std::optional<exit_info> exited() const override {
    std::lock_guard lock(state_->state_mutex);
    return state_->exit;
  }
  bool wait_exit(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(state_->state_mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return state_->exit.has_value(); });
  }
  std::optional<std::uint64_t> cpu_time_ns() const override {
    if (exited()) return std::nullopt;
    return process_group_cpu_ns(main_);
  }
  std::optional<std::uint64_t> memory_bytes() const override {
    if (exited()) return std::nullopt;
    return process_group_rss_bytes(main_);
  }
  std::optional<int> pid() const override { return main_; }

 private:
  void watch(int fd, log_file& log, const container_callbacks& cb) {
    char buf[8192];
    int status = 0;
    bool reaped = false;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 250);
      if (r > 0) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
          log.append(std::string_view(buf, static_cast<std::size_t>(n)));
          continue;
        }
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) break;
        continue;
      }
      // A descendant that left the process group may keep the pipe open: stop once the shim
      // itself is gone.
      if (r == 0 && ::waitpid(shim_, &status, WNOHANG) == shim_) {
        reaped = true;
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) log.append(std::string_view(buf, static_cast<std::size_t>(n)));
        break;
      }
    }
    ::close(fd);
    if (!reaped) {
      while (::waitpid(shim_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    {
      std::lock_guard lock(state_->state_mutex);
      state_->exit = exit_info{code, code == 0 ? "Completed" : "Error", ""};
    }
    state_->changed.notify_all();
    if (cb.on_exit) cb.on_exit();
  }

  pid_t shim_;
  pid_t main_;
  std::shared_ptr<process_state> state_;
  std::thread watcher_;
};

error start_error(std::string msg) { return error{make_error_code(errc::invalid), std::move(msg)}; }

}  // namespace

result<std::string> resolve_executable(const std::string& name, const std::map<std::string, std::string>& env,
                                       const std::string& working_dir) {
  namespace fs = std::filesystem;
  if (name.empty()) return start_error("exec: \"\": executable file not found in $PATH");
  if (name.find('/') != std::string::npos) {
    fs::path p = name;
    if (p.is_relative() && !working_dir.empty()) p = fs::path(working_dir) / p;
    if (::access(p.c_str(), X_OK) != 0)
      return start_error("exec: \"" + name + "\": stat " + name + ": no such file or directory");
    return p.string();
  }
  std::string path;
  if (auto it = env.find("PATH"); it != env.end())
    path = it->second;
  else if (const char* p = std::getenv("PATH"))
    path = p;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) dir = ".";
    fs::path candidate = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return start_error("exec: \"" + name + "\": executable file not found in $PATH");
}

process_runtime::process_runtime() { spawner_ = std::thread([this] { run(); }); }

process_runtime::~process_runtime() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  spawner_.join();
}

void process_runtime::run() {
  for (;;) {
    request r;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      r = std::move(queue_.front());
      queue_.pop_front();
    }
    r.work();
  }
}

result<std::unique_ptr<container>> process_runtime::start(const process_spec& spec, std::shared_ptr<log_file> log,
                                                          container_callbacks callbacks) {
  if (spec.argv.empty()) return start_error("no command specified");
  auto exe = resolve_executable(spec.argv[0], spec.env, spec.working_dir);
  if (!exe) return exe.err();
  // Everything the children need is prepared before fork.
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string exe_path = *exe;
  const char* wd = spec.working_dir.empty() ? nullptr : spec.working_dir.c_str();

  std::promise<result<std::unique_ptr<container>>> done;
  auto future = done.get_future();
  auto work = [&] {
    int out[2], pidp[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
      done.set_value(start_error(std::string("pipe: ") + std::strerror(errno)));
      return;
    }
    if (::pipe2(pidp, O_CLOEXEC) != 0) {
      ::close(out[0]);
      ::close(out[1]);
      done.set_value(start_error(std::string("pipe: ") + std::strerror(errno)));
      return;
    }
    pid_t parent = ::getpid();
    pid_t shim = ::fork();
    if (shim == 0) run_shim(out[1], pidp[1], parent, exe_path.c_str(), argv.data(), envp.data(), wd);
    ::close(out[1]);
    ::close(pidp[1]);
    if (shim < 0) {
      ::close(out[0]);
      ::close(pidp[0]);
      done.set_value(start_error(std::string("fork: ") + std::strerror(errno)));
      return;
    }
    pid_t main = 0;
    ssize_t n;
    while ((n = ::read(pidp[0], &main, sizeof main)) < 0 && errno == EINTR) {
    }
    ::close(pidp[0]);
    if (n != sizeof main) {
      ::close(out[0]);
      int st;
      ::waitpid(shim, &st, 0);
      done.set_value(start_error("the container's shim failed to start"));
      return;
    }
    done.set_value(std::unique_ptr<container>(
        std::make_unique<process_container>(shim, main, out[0], std::move(log), std::move(callbacks))));
  };
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return error{make_error_code(errc::unavailable), "the process runtime is stopping"};
    queue_.push_back({work});
  }
  queue_cv_.notify_all();
  return future.get();
}

namespace {

struct group_usage {
  std::uint64_t cpu_ticks = 0;
  std::uint64_t rss_pages = 0;
  bool any = false;
};

// utime+stime(+cutime+cstime) and rss of every process in the group, from /proc/<pid>/stat.
group_usage process_group_usage(int pgid) {
  namespace fs = std::filesystem;
  group_usage u;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // Fields after the parenthesised command: state(3) ppid pgrp ... utime(14) stime(15)
    // cutime(16) cstime(17) priority nice num_threads itrealvalue starttime vsize rss(24).
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    std::string state;
    long long ppid, pgrp;
    fields >> state >> ppid >> pgrp;
    if (pgrp != pgid) continue;
    std::string skip;
    for (int i = 0; i < 8; ++i) fields >> skip;  // session .. cmajflt (fields 6-13)
    unsigned long long utime = 0, stime = 0;
    long long cutime = 0, cstime = 0;
    fields >> utime >> stime >> cutime >> cstime;
    for (int i = 0; i < 6; ++i) fields >> skip;  // priority .. vsize (fields 18-23)
    long long rss = 0;
    fields >> rss;
    u.cpu_ticks += utime + stime + static_cast<unsigned long long>(std::max(0LL, cutime + cstime));
    u.rss_pages += static_cast<std::uint64_t>(std::max(0LL, rss));
    u.any = true;
  }
  return u;
}

}  // namespace

std::optional<std::uint64_t> process_group_cpu_ns(int pgid) {
  static const long ticks = ::sysconf(_SC_CLK_TCK);
  auto u = process_group_usage(pgid);
  if (!u.any) return std::nullopt;
  return u.cpu_ticks * 1'000'000'000ULL / static_cast<std::uint64_t>(ticks);
}

std::optional<std::uint64_t> process_group_rss_bytes(int pgid) {
  static const long page = ::sysconf(_SC_PAGESIZE);
  auto u = process_group_usage(pgid);
  if (!u.any) return std::nullopt;
  return u.rss_pages * static_cast<std::uint64_t>(page);
}

}  // namespace hayloft::orchestrator::pods
