#pragma once
// What the orchestrator needs from the rest of hayloft. The app binds these to the SQS service
// and the metrics registry; tests bind fakes. The orchestrator never includes sqs/ or consumer/.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::orchestrator {

// ApproximateNumberOfMessages, ...NotVisible and ...Delayed of one queue.
struct queue_counts {
  std::int64_t visible = 0;
  std::int64_t not_visible = 0;
  std::int64_t delayed = 0;
};

// Queue statistics for the aws-sqs-queue trigger. Called from the controller's thread; must not
// block for long. A missing queue is an error (the scaler then reports an error, as KEDA does
// when GetQueueAttributes fails).
class queue_metrics {
 public:
  virtual ~queue_metrics() = default;
  virtual result<queue_counts> counts(std::string_view queue_name) = 0;
};

using label_set = std::map<std::string, std::string>;

// One element of an instant query's result: its labels (`__name__` included while a selector
// keeps it) and value.
struct metric_sample {
  label_set labels;
  double value = 0;
};

// PromQL over hayloft's series (its own metrics and the scraped pods'). Feeds the KEDA
// `prometheus` trigger, prometheus-adapter rules and the HPA's Pods/Object/External metrics.
// query() evaluates an instant query at the clock's now; a scalar result is one element with no
// labels; an error for a query outside the supported subset or one that fails to evaluate.
// Called from the controller's thread.
class metrics_source {
 public:
  virtual ~metrics_source() = default;
  virtual result<std::vector<metric_sample>> query(std::string_view promql) = 0;
};

// `name{k="v",...}` with PromQL string escaping: the selector hayloft builds for a metric name
// and exact label matches.
inline std::string selector_text(std::string_view name, const label_set& labels) {
  std::string out(name);
  if (labels.empty()) return out;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// Checks AWS credentials resolved from a TriggerAuthentication when hayloft runs with --auth.
// Returns an error (message shown on the ScaledObject) when they are not accepted.
using credential_check = std::function<result<void>(std::string_view access_key_id, std::string_view secret_access_key)>;

}  // namespace hayloft::orchestrator
