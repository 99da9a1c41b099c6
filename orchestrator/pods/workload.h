#pragma once
// Built-in in-process workloads. A workload is a function that runs on its own thread for the
// life of one container instance: it reads its pod context, logs through it, reports readiness,
// and returns (its exit code) once the stop token is triggered, or earlier if it fails. The app
// registers hayloft/indexing-consumer here; tests use the built-ins below.
//
// The registry is filled at start-up and read-only afterwards, so lookups need no lock.
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

namespace hayloft::orchestrator::pods {

struct pod_context {
  std::string namespace_name;
  std::string pod_name;
  std::string container_name;
  // The container's environment after envFrom, secret/config-map references and $(VAR)
  // expansion, exactly what a process pod would see.
  std::map<std::string, std::string> env;
  std::vector<std::string> args;  // command + args as written (for workloads that take flags)
  // Appends one line to the container's log (`hayloft logs`). Thread-safe; never blocks on the
  // controller.
  std::function<void(std::string_view line)> log;
  // Call once the workload is ready to do work (the pod's READY column turns 1/1).
  std::function<void()> ready;
  // Triggered when the pod is terminated (scale-down, delete, shutdown). The workload should
  // finish what it holds and return within terminationGracePeriodSeconds.
  std::stop_token stop;
};

// Runs the workload; the return value is the container's exit code.
using workload_main = std::function<int(pod_context& ctx)>;

class workload_registry {
 public:
  // Registers (or replaces) a built-in under an image name such as "hayloft/echo".
  void add(std::string image, workload_main main);
  // nullptr when no built-in has this name.
  const workload_main* find(std::string_view image) const;
  bool contains(std::string_view image) const { return find(image) != nullptr; }

 private:
  std::map<std::string, workload_main, std::less<>> workloads_;
};

// A registry holding hayloft's own test workloads:
//  - hayloft/echo: logs "started <pod>", then every env var as NAME=value (sorted), reports ready,
//    waits for stop, logs "stopping" and returns 0.
//  - hayloft/crash: logs its args and returns 1 at once (a crash-looping container).
//  - hayloft/stubborn: ready at once, ignores the stop token (for grace-period tests); returns
//    when its process-wide release flag is set by release_stubborn_workloads().
void add_test_workloads(workload_registry& r);
void release_stubborn_workloads();

}  // namespace hayloft::orchestrator::pods
