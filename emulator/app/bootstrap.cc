#include "emulator/app/bootstrap.h"

#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

#include "emulator/core/logging.h"

extern char** environ;

namespace hayloft::app {
namespace fs = std::filesystem;

namespace {

bool is_script(const fs::path& p) { return p.extension() == ".sh" || p.extension() == ".py"; }

// Files of `dir` first (sorted), then each subfolder (sorted), depth first.
void collect(const fs::path& dir, std::vector<fs::path>& out) {
  std::vector<fs::path> files, subdirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory(ec)) subdirs.push_back(e.path());
    else if (e.is_regular_file(ec) && is_script(e.path())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::sort(subdirs.begin(), subdirs.end());
  out.insert(out.end(), files.begin(), files.end());
  for (const auto& d : subdirs) collect(d, out);
}

constexpr const char* awslocal_script = R"(#!/bin/sh
# Written by `hayloft up --bootstrap` and `hayloft exec`: LocalStack's awslocal, the aws CLI pointed at hayloft.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-${DEFAULT_REGION:-us-east-1}}"
for arg in "$@"; do
  case "$arg" in --endpoint-url|--endpoint-url=*) exec "${AWSLOCAL_AWS_CLI:-aws}" "$@" ;; esac
done
exec "${AWSLOCAL_AWS_CLI:-aws}" --endpoint-url="$AWS_ENDPOINT_URL" "$@"
)";

}  // namespace

void write_awslocal(const fs::path& bin_dir) {
  auto awslocal = bin_dir / "awslocal";
  {
    std::ofstream f(awslocal, std::ios::trunc);
    f << awslocal_script;
  }
  std::error_code ec;
  fs::permissions(awslocal, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec, ec);
}

result<std::vector<fs::path>> find_init_scripts(const std::vector<std::string>& dirs) {
  std::vector<fs::path> out;
  for (const auto& d : dirs) {
    std::error_code ec;
    fs::path p(d);
    if (fs::is_directory(p, ec)) collect(p, out);
    else if (fs::is_regular_file(p, ec)) out.push_back(p);
    else return error{std::make_error_code(std::errc::no_such_file_or_directory), "--bootstrap: no such file or directory: " + d};
  }
  return out;
}

init_scripts::init_scripts(std::vector<fs::path> scripts, std::string endpoint, fs::path bin_dir)
    : endpoint_(std::move(endpoint)), bin_dir_(std::move(bin_dir)) {
  for (auto& p : scripts) scripts_.push_back({std::move(p)});
}

init_scripts::~init_scripts() { stop(); }

void init_scripts::run() {
  thread_ = std::thread([this] { run_all(); });
}

void init_scripts::wait() {
  if (thread_.joinable()) thread_.join();
}

void init_scripts::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (running_pid_ > 0) ::kill(-running_pid_, SIGTERM);
  }
  if (!thread_.joinable()) return;
  // The script's process group had SIGTERM; give it 2 s, then SIGKILL.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex_);
      if (done_) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard lock(mutex_);
    if (running_pid_ > 0) ::kill(-running_pid_, SIGKILL);
  }
  thread_.join();
}

nlohmann::json init_scripts::state() const {
  std::lock_guard lock(mutex_);
  nlohmann::json scripts = nlohmann::json::array();
  for (const auto& s : scripts_)
    scripts.push_back({{"stage", "READY"}, {"name", s.path.filename().string()}, {"path", s.path.string()}, {"state", s.state}});
  return {{"completed", {{"BOOT", true}, {"START", true}, {"READY", done_}, {"SHUTDOWN", false}}}, {"scripts", scripts}};
}

void init_scripts::run_all() {
  std::error_code ec;
  fs::create_directories(bin_dir_, ec);
  write_awslocal(bin_dir_);
  int failed = 0;
  for (std::size_t i = 0; i < scripts_.size(); ++i) {
    fs::path path;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      scripts_[i].state = "RUNNING";
      path = scripts_[i].path;
    }
    spdlog::info("init: running {}", path.string());
    int rc = run_one(path);
    std::lock_guard lock(mutex_);
    scripts_[i].state = rc == 0 ? "SUCCESSFUL" : "ERROR";
    if (rc != 0) {
      ++failed;
      spdlog::error("init: {} failed ({})", path.string(),
                    rc > 0 ? "exit code " + std::to_string(rc) : "signal " + std::to_string(-rc));
    }
  }
  std::lock_guard lock(mutex_);
  done_ = true;
  if (!stopping_) spdlog::info("init: {} script(s) done, {} failed", scripts_.size(), failed);
}

// Returns the exit code, or -signal.
int init_scripts::run_one(const fs::path& path) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  auto hostport = endpoint_.substr(endpoint_.find("://") + 3);
  env["AWS_ENDPOINT_URL"] = endpoint_;
  env["AWS_ENDPOINT"] = endpoint_;
  env["HAYLOFT_ENDPOINT"] = endpoint_;
  env["LOCALSTACK_HOST"] = hostport;
  env.try_emplace("AWS_ACCESS_KEY_ID", "test");
  env.try_emplace("AWS_SECRET_ACCESS_KEY", "test");
  env["PATH"] = bin_dir_.string() + (env.count("PATH") ? ":" + env["PATH"] : std::string(":/usr/bin:/bin"));
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings;
  if (path.extension() == ".py") argv_strings = {"python3", path.string()};
  else if (::access(path.c_str(), X_OK) == 0) argv_strings = {path.string()};
  else argv_strings = {"bash", path.string()};
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return 127;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    spdlog::error("init: cannot run {}: {}", path.string(), std::strerror(rc));
    return 127;
  }
  {
    std::lock_guard lock(mutex_);
    running_pid_ = pid;
    if (stopping_) ::kill(-pid, SIGTERM);
  }
  auto name = path.filename().string();
  std::string pending;
  char buf[4096];
  for (;;) {
    auto n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      spdlog::info("init {}: {}", name, pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) spdlog::info("init {}: {}", name, pending);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(mutex_);
    running_pid_ = 0;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return 1;
}

}  // namespace hayloft::app
