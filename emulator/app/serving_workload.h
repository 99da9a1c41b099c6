#pragma once
// The built-in workload `hayloft/embedding-server`: the process-wide embedder served over the
// KServe v2 / Open Inference Protocol (consumer/serving/protocol.h) on 127.0.0.1:$PORT, with
// its own /metrics (consumer/serving/server_metrics.h).
//
// Threads: one I/O thread runs the pod's http::server on its own io_context and queues infer
// requests (a bounded infer_queue); the workload's own thread pops them in batches and runs the
// model, so the queue depth is a real backlog and the pod's CPU (its thread plus the forward
// passes it hands to the embedder's compute pool) is its own.
//
// Pod settings (container env, then args): PORT (the kubelet's host port for the first
// containerPort), else `--port N` or Triton's `--http-port N` in command/args, else 8080; MODEL_NAME (default use-lite);
// MAX_QUEUE_SIZE (infer requests queued before 503, default 1024); MAX_BATCH_SIZE (texts per
// model execution, default 64); DEPLOYMENT_NAME (the `deployment_name` label; default derived
// from the pod name).
//
// Lifecycle: listen (live answers 200, ready 400), load the model (shared, loaded once per
// process), then ready (the pod's READY and /v2/health/ready). On stop: stop accepting, answer
// every queued request, wait for the replies to be written, close.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/app/lazy_embedder.h"
#include "orchestrator/pods/workload.h"

namespace hayloft::app {

inline constexpr const char* embedding_server_image = "hayloft/embedding-server";

struct serving_bindings {
  // The model; embed() runs on the workload's thread (must outlive every pod).
  const embed::embedder& embedder;
  // Called once per pod after it listens, before it is ready (loads the shared model); an error
  // fails the container. Empty: the model is ready at once.
  std::function<result<void>()> load = {};
};
// The app's bindings: the lazy embedder, loaded by the first pod that needs it.
serving_bindings lazy_serving_bindings(lazy_embedder& e);

// The port a pod listens on: env PORT, else `--port N` / `--port=N` / `--http-port N` /
// `--http-port=N` in args (the last one given), else 8080;
// nullopt when the value found is not a port number (1-65535, or 0 for "any free port").
std::optional<std::uint16_t> serving_port(const std::map<std::string, std::string>& env,
                                          const std::vector<std::string>& args);

orchestrator::pods::workload_main make_embedding_server_workload(serving_bindings b);

}  // namespace hayloft::app
