#pragma once
// The embedding server's own /metrics (Prometheus text), one registry per server instance (per
// pod), so a scrape of one pod sees only its own series:
//
//   requests_seconds{code, deployment_name, model}   histogram of every infer request's latency
//                                                    (seconds, from arrival to the reply)
//   nv_inference_request_success{model, version}     Triton's counters: successful requests,
//   nv_inference_request_failure{model, version, reason}   failed ones (reason REJECTED: queue
//                                                    full; BACKEND: the model failed; OTHER:
//                                                    bad input),
//   nv_inference_count{model, version}               inferences (texts) performed,
//   nv_inference_exec_count{model, version}          model executions (batches),
//   nv_inference_request_duration_us{model, version} cumulative request time (us),
//   nv_inference_queue_duration_us{model, version}   cumulative time queued (us),
//   nv_inference_pending_request_count{model, version}  requests queued or running (a gauge),
//   inference_queue_size{deployment_name, model}     the same backlog under a plain name.
//
// Thread-safe (core::metrics_registry).
#include <cstddef>
#include <functional>
#include <string>

#include "consumer/serving/protocol.h"
#include "emulator/core/metrics.h"

namespace hayloft::serving {

class server_metrics {
 public:
  // `pending` is read at scrape time (the queue depth plus the batch in progress).
  server_metrics(const model_info& m, std::string deployment_name, std::function<std::size_t()> pending);

  // One infer request answered with `status` after `seconds` in total, `queued_us` of which
  // it waited in the queue; `texts` inferences when it succeeded.
  void request_done(unsigned status, double seconds, double queued_us, std::size_t texts);
  // One model execution (a batch of requests run together).
  void executed();

  std::string render() const { return registry_.render(); }

 private:
  core::metrics_registry registry_;
  core::label_set model_labels_;
  core::label_set request_labels_;  // deployment_name, model
  core::counter_metric& success_;
  core::counter_metric& count_;
  core::counter_metric& exec_;
  core::counter_metric& duration_;
  core::counter_metric& queue_duration_;
};

// The Deployment a pod belongs to: env DEPLOYMENT_NAME when set, else the pod name without its
// ReplicaSet hash and random suffix ("web-7d9f8c6b5-x2k4q" -> "web"); a name of fewer than
// three dash-separated parts is returned unchanged.
std::string deployment_of_pod(const std::string& pod_name, const std::string& env_deployment = {});

}  // namespace hayloft::serving
