#pragma once
// One running container instance: an in-process workload thread or a host process. The
// kubelet logic (restarts, back-off, phases) lives in the controller; this is only the runtime.
//
// All methods are thread-safe. Callbacks run on the container's own thread (workload thread or
// process watcher) and must be short; they never run while the container holds a lock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace hayloft::orchestrator::pods {

struct exit_info {
  int exit_code = 0;
  std::string reason;   // "Completed" (0) | "Error" | "StartError"
  std::string message;
};

struct container_callbacks {
  std::function<void()> on_ready;  // the workload reported readiness
  std::function<void()> on_exit;   // exited() now returns a value
};

class container {
 public:
  virtual ~container() = default;
  // Graceful stop: SIGTERM to the process group, or the workload's stop token.
  virtual void terminate() = 0;
  // Forced stop: SIGKILL to the process group; an in-process workload that ignores its stop
  // token is abandoned (its thread is detached and its pod is gone).
  virtual void kill() = 0;
  virtual bool ready() const = 0;
  virtual std::optional<exit_info> exited() const = 0;
  // Waits in real time for the container to exit; true when it has.
  virtual bool wait_exit(std::chrono::milliseconds timeout) = 0;
  // Total CPU time of the container's processes (whole process group), nullopt when unknown.
  virtual std::optional<std::uint64_t> cpu_time_ns() const = 0;
  // Resident memory of the container's processes (whole process group), nullopt when unknown.
  virtual std::optional<std::uint64_t> memory_bytes() const { return std::nullopt; }
  virtual std::optional<int> pid() const = 0;
};

}  // namespace hayloft::orchestrator::pods
