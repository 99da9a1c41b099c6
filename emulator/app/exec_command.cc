#include "emulator/app/exec_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>

#include "emulator/app/bootstrap.h"
#include "emulator/http/client.h"
#include "orchestrator/kube/kubeconfig.h"

namespace hayloft::app {
namespace fs = std::filesystem;
namespace {

constexpr int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr auto start_timeout = std::chrono::seconds(60);
constexpr auto stop_grace = std::chrono::seconds(10);

bool has_flag(const std::vector<std::string>& args, std::string_view name) {
  for (const auto& a : args)
    if (a == name || (a.size() > name.size() && a.starts_with(name) && a[name.size()] == '=')) return true;
  return false;
}

sigset_t handled_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : forwarded_signals) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  return set;
}

// In a forked child: default dispositions and an empty mask, as a freshly exec'd program expects.
void reset_signals_in_child() {
  for (int s : forwarded_signals) ::signal(s, SIG_DFL);
  ::signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

std::vector<char*> c_argv(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string last_lines(const fs::path& log, std::size_t n) {
  std::ifstream in(log);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > n) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "  | " + l + "\n";
  return out;
}

struct stack_process {
  pid_t pid = -1;
  bool reaped = false;
  int status = 0;

  bool exited() {
    if (reaped) return true;
    if (::waitpid(pid, &status, WNOHANG) == pid) reaped = true;
    return reaped;
  }
  // SIGTERM, then SIGKILL to its process group after the grace period.
  void stop() {
    if (pid <= 0 || exited()) return;
    ::kill(pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + stop_grace;
    while (!exited() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!exited()) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      reaped = true;
    }
  }
};

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// The stack is ready when /_hayloft/health answers 200 and, with --bootstrap, its init scripts
// have all run. Returns false (with `why`) if it exits, a forwarded signal arrives or time runs out.
bool wait_ready(stack_process& stack, const fs::path& port_file, bool bootstrap, std::string& endpoint,
                int& signal_seen, std::string& why) {
  const sigset_t set = handled_set();
  const timespec tick{0, 2'000'000};
  auto deadline = std::chrono::steady_clock::now() + start_timeout;
  std::unique_ptr<http::client> client;
  while (std::chrono::steady_clock::now() < deadline) {
    siginfo_t info{};
    int s = ::sigtimedwait(&set, &info, &tick);
    if (s > 0 && s != SIGCHLD) {
      signal_seen = s;
      why = std::string("interrupted by ") + ::strsignal(s);
      return false;
    }
    if (stack.exited()) {
      why = "the stack exited during start-up (" + describe_status(stack.status) + ")";
      return false;
    }
    if (!client) {
      std::ifstream in(port_file);
      unsigned port = 0;
      if (!(in >> port) || port == 0) continue;
      endpoint = "http://127.0.0.1:" + std::to_string(port);
      client = std::make_unique<http::client>(endpoint, std::chrono::seconds(2));
    }
    auto health = client->get("/_hayloft/health");
    if (!health.ok() || health->status != 200) continue;
    if (!bootstrap) return true;
    auto init = client->get("/_localstack/init");
    if (!init.ok() || init->status != 200) continue;
    auto j = nlohmann::json::parse(init->body, nullptr, false);
    if (j.is_discarded() || !j.contains("completed") || !j["completed"].value("READY", false)) continue;
    std::string failed;
    for (const auto& sc : j.value("scripts", nlohmann::json::array()))
      if (sc.value("state", "") == "ERROR") failed += " " + sc.value("name", "?");
    if (!failed.empty())
      std::cerr << "hayloft exec: init script(s) failed:" << failed << " (the stack runs on, as LocalStack does)\n";
    return true;
  }
  why = "the stack did not become ready within " + std::to_string(start_timeout.count()) + " s";
  return false;
}

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  for (auto& e : env)
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=') {
      e = key + "=" + value;
      return;
    }
  env.push_back(key + "=" + value);
}

std::string get_env(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& e : env)
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
      return e.substr(key.size() + 1);
  return {};
}

void unset_env(std::vector<std::string>& env, const std::string& key) {
  std::erase_if(env, [&](const std::string& e) {
    return e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=';
  });
}

std::vector<std::string> command_env(const exec_plan& plan, const std::string& endpoint, const fs::path& dir) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  set_env(env, "AWS_ENDPOINT_URL", endpoint);
  set_env(env, "AWS_ENDPOINT", endpoint);
  set_env(env, "HAYLOFT_ENDPOINT", endpoint);
  set_env(env, "LOCALSTACK_HOST", endpoint.substr(endpoint.find("://") + 3));
  if (!plan.auth) {
    set_env(env, "AWS_ACCESS_KEY_ID", "test");
    set_env(env, "AWS_SECRET_ACCESS_KEY", "test");
    unset_env(env, "AWS_SESSION_TOKEN");
  }
  std::string region = get_env(env, "AWS_DEFAULT_REGION");
  if (region.empty()) region = get_env(env, "AWS_REGION");
  if (region.empty()) region = "us-east-1";
  set_env(env, "AWS_DEFAULT_REGION", region);
  set_env(env, "AWS_REGION", region);
  set_env(env, "KUBECONFIG", (dir / "kubeconfig").string());
  std::string path = get_env(env, "PATH");
  set_env(env, "PATH", (dir / "bin").string() + ":" + (path.empty() ? "/usr/local/bin:/usr/bin:/bin" : path));
  return env;
}

// Forks CMD; returns its pid, or -126/-127 when it cannot be run (message printed).
pid_t start_command(std::vector<std::string> command, std::vector<std::string> env) {
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return -126;
  auto argv = c_argv(command);
  auto envp = c_argv(env);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(err_pipe[0]);
    reset_signals_in_child();
    ::execvpe(argv[0], argv.data(), envp.data());
    int e = errno;
    (void)!::write(err_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(err_pipe[0]);
    std::cerr << "hayloft exec: fork: " << std::strerror(errno) << "\n";
    return -126;
  }
  int e = 0;
  ssize_t n;
  do n = ::read(err_pipe[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof e)) {
    ::waitpid(pid, nullptr, 0);
    std::cerr << "hayloft exec: " << command[0] << ": " << std::strerror(e) << "\n";
    return e == ENOENT ? -127 : -126;
  }
  return pid;
}

}  // namespace

std::string plan_exec(const std::vector<std::string>& args, exec_plan& out) {
  auto dash = std::find(args.begin(), args.end(), "--");
  if (dash == args.end()) return "usage: hayloft exec [up flags] -- CMD [ARGS...]  (the \"--\" is required)";
  out.up_args.assign(args.begin(), dash);
  out.command.assign(dash + 1, args.end());
  if (out.command.empty()) return "usage: hayloft exec [up flags] -- CMD [ARGS...]  (no command after \"--\")";
  out.auth = has_flag(out.up_args, "--auth");
  return {};
}

int run_exec(const std::string& self, const std::vector<std::string>& args) {
  exec_plan plan;
  if (auto err = plan_exec(args, plan); !err.empty()) {
    std::cerr << err << "\n";
    return 2;
  }
  std::string tmpl = (fs::temp_directory_path() / "hayloft-exec-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    std::cerr << "hayloft exec: cannot create a temporary directory: " << std::strerror(errno) << "\n";
    return 125;
  }
  const fs::path dir = tmpl;
  const char* keep_log = std::getenv("HAYLOFT_EXEC_LOG");
  const fs::path log = keep_log && *keep_log ? fs::path(keep_log) : dir / "hayloft.log";
  const fs::path port_file = dir / "port";

  std::vector<std::string> up = {self, "up"};
  if (!has_flag(plan.up_args, "--port")) up.insert(up.end(), {"--port", "0"});
  if (!has_flag(plan.up_args, "--data-dir") && !has_flag(plan.up_args, "--in-memory")) up.push_back("--in-memory");
  up.insert(up.end(), {"--port-file", port_file.string()});
  up.insert(up.end(), plan.up_args.begin(), plan.up_args.end());
  const bool bootstrap = has_flag(plan.up_args, "--bootstrap");

  // Signals are taken synchronously (sigwaitinfo) from here on; children get them back.
  const sigset_t set = handled_set();
  sigset_t old_mask;
  ::sigprocmask(SIG_BLOCK, &set, &old_mask);
  auto finish = [&](int code, int by_signal) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (by_signal) {
      ::signal(by_signal, SIG_DFL);
      ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
      sigset_t only;
      sigemptyset(&only);
      sigaddset(&only, by_signal);
      ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
      ::raise(by_signal);
      return 128 + by_signal;
    }
    return code;
  };

  stack_process stack;
  const pid_t parent = ::getpid();
  stack.pid = ::fork();
  if (stack.pid == 0) {
    ::setpgid(0, 0);  // a terminal's Ctrl-C reaches CMD, not the stack: exec stops it after CMD
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(125);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    reset_signals_in_child();
    auto argv = c_argv(up);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "hayloft exec: cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(125);
  }
  if (stack.pid < 0) {
    std::cerr << "hayloft exec: fork: " << std::strerror(errno) << "\n";
    return finish(125, 0);
  }

  std::string endpoint, why;
  int signal_seen = 0;
  if (!wait_ready(stack, port_file, bootstrap, endpoint, signal_seen, why)) {
    stack.stop();
    std::cerr << "hayloft exec: " << why << "\n";
    if (!signal_seen) std::cerr << "hayloft exec: the stack's log ends with:\n" << last_lines(log, 20);
    return finish(125, signal_seen);
  }

  std::error_code ec;
  fs::create_directories(dir / "bin", ec);
  write_awslocal(dir / "bin");
  {
    std::ofstream kc(dir / "kubeconfig");
    kc << orchestrator::kube::kubeconfig_yaml(orchestrator::kube::server_url(endpoint));
  }

  pid_t cmd = start_command(plan.command, command_env(plan, endpoint, dir));
  if (cmd < 0) {
    stack.stop();
    return finish(static_cast<int>(-cmd), 0);
  }

  int cmd_status = 0;
  bool stack_reported = false;
  for (;;) {
    siginfo_t info{};
    int s = ::sigwaitinfo(&set, &info);
    if (s < 0) continue;  // EINTR
    if (s != SIGCHLD) {
      // A terminal's signal (SI_KERNEL) already reached CMD's process group: don't send it twice.
      if (info.si_code != SI_KERNEL) ::kill(cmd, s);
      continue;
    }
    if (!stack_reported && stack.exited()) {
      stack_reported = true;
      std::cerr << "hayloft exec: the stack died while the command ran (" << describe_status(stack.status)
                << "); its log ends with:\n"
                << last_lines(log, 20);
    }
    if (::waitpid(cmd, &cmd_status, WNOHANG) == cmd) break;
  }
  stack.stop();
  if (WIFSIGNALED(cmd_status)) return finish(128 + WTERMSIG(cmd_status), WTERMSIG(cmd_status));
  return finish(WIFEXITED(cmd_status) ? WEXITSTATUS(cmd_status) : 1, 0);
}

}  // namespace hayloft::app
