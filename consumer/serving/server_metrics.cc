#include "consumer/serving/server_metrics.h"

namespace hayloft::serving {
namespace {

std::vector<double> latency_bounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace

server_metrics::server_metrics(const model_info& m, std::string deployment_name, std::function<std::size_t()> pending)
    : model_labels_{{"model", m.name}, {"version", m.version}},
      request_labels_{{"deployment_name", std::move(deployment_name)}, {"model", m.name}},
      success_(registry_.counter("nv_inference_request_success", "Number of successful inference requests, all batch sizes",
                                 model_labels_)),
      count_(registry_.counter("nv_inference_count", "Number of inferences performed (does not include cached requests)",
                               model_labels_)),
      exec_(registry_.counter("nv_inference_exec_count",
                              "Number of model executions performed (does not include cached requests)", model_labels_)),
      duration_(registry_.counter("nv_inference_request_duration_us",
                                  "Cumulative inference request duration in microseconds (includes cached requests)",
                                  model_labels_)),
      queue_duration_(registry_.counter("nv_inference_queue_duration_us",
                                        "Cumulative inference queuing duration in microseconds (includes cached requests)",
                                        model_labels_)) {
  registry_.describe("nv_inference_pending_request_count", "gauge",
                     "Instantaneous number of pending requests awaiting execution per-model.");
  registry_.describe("inference_queue_size", "gauge", "Infer requests queued or running in this server.");
  registry_.add_collector([this, pending = std::move(pending)](std::vector<core::sample>& out) {
    double n = pending ? static_cast<double>(pending()) : 0;
    out.push_back({"nv_inference_pending_request_count", model_labels_, n});
    out.push_back({"inference_queue_size", request_labels_, n});
  });
  // The failure families exist from the start (0), as Triton's do.
  for (const char* reason : {"REJECTED", "BACKEND", "OTHER"}) {
    auto labels = model_labels_;
    labels.emplace_back("reason", reason);
    registry_.counter("nv_inference_request_failure", "Number of failed inference requests, all batch sizes", labels);
  }
}

void server_metrics::request_done(unsigned status, double seconds, double queued_us, std::size_t texts) {
  auto labels = request_labels_;
  labels.emplace_back("code", std::to_string(status));
  registry_
      .histogram("requests_seconds", "Latency of infer requests in seconds, by deployment, model and status code.", labels,
                 latency_bounds())
      .observe(seconds);
  duration_.inc(seconds * 1e6);
  queue_duration_.inc(queued_us);
  if (status < 400) {
    success_.inc();
    count_.inc(static_cast<double>(texts));
    return;
  }
  auto failure = model_labels_;
  failure.emplace_back("reason", status == 503 ? "REJECTED" : status >= 500 ? "BACKEND" : "OTHER");
  registry_.counter("nv_inference_request_failure", "Number of failed inference requests, all batch sizes", failure).inc();
}

void server_metrics::executed() { exec_.inc(); }

std::string deployment_of_pod(const std::string& pod_name, const std::string& env_deployment) {
  if (!env_deployment.empty()) return env_deployment;
  auto last = pod_name.rfind('-');
  if (last == std::string::npos || last == 0) return pod_name;
  auto second = pod_name.rfind('-', last - 1);
  if (second == std::string::npos || second == 0) return pod_name;
  return pod_name.substr(0, second);
}

}  // namespace hayloft::serving
