#pragma once
// Host-process containers.
//
// Each container runs under a small shim: hayloft forks the shim from one long-lived spawner
// thread (PR_SET_PDEATHSIG is tied to the thread that forks), the shim makes itself a child
// subreaper with PR_SET_PDEATHSIG(SIGHUP) and forks the container's main process into a process
// group of its own. The shim reaps the main process and reports its exit status as its own
// (128+n for signal n); when the main process exits it SIGKILLs what is left of the group, and
// when hayloft dies (even by SIGKILL) it receives SIGHUP and SIGKILLs the whole group, so no
// container process outlives hayloft and no zombie is left behind.
//
// stdout and stderr of the container go to its log_file, read by a watcher thread per
// container, which also reaps the shim.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "emulator/core/result.h"
#include "orchestrator/pods/container.h"
#include "orchestrator/pods/log_file.h"

namespace hayloft::orchestrator::pods {

struct process_spec {
  std::vector<std::string> argv;  // command + args after $(VAR) expansion; argv[0] as written
  std::map<std::string, std::string> env;
  std::string working_dir;        // empty: hayloft's current directory
};

// Finds argv[0] like execvp would, using PATH from the container's env (else hayloft's).
// The error text is the container runtime's: exec: "x": executable file not found in $PATH.
result<std::string> resolve_executable(const std::string& name, const std::map<std::string, std::string>& env,
                                       const std::string& working_dir);

class process_runtime {
 public:
  process_runtime();
  ~process_runtime();
  process_runtime(const process_runtime&) = delete;
  process_runtime& operator=(const process_runtime&) = delete;

  // Starts a container process. Blocks the caller until the spawner thread has forked it (about
  // a millisecond). Errors are StartError cases (executable not found, fork failure).
  result<std::unique_ptr<container>> start(const process_spec& spec, std::shared_ptr<log_file> log,
                                           container_callbacks callbacks);

 private:
  struct request {
    std::function<void()> work;
  };
  void run();

  std::mutex queue_mutex_;  // guards queue_, stopping_
  std::condition_variable queue_cv_;
  std::deque<request> queue_;
  bool stopping_ = false;
  std::thread spawner_;
};

// CPU time (user + system, including reaped children) of every process in a process group,
// read from /proc. nullopt when the group has no process left.
std::optional<std::uint64_t> process_group_cpu_ns(int pgid);
// Resident set size of every process in the group, in bytes.
std::optional<std::uint64_t> process_group_rss_bytes(int pgid);

}  // namespace hayloft::orchestrator::pods
