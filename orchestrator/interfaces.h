#pragma once
// What the orchestrator needs from the rest of hayloft. The app binds these to the SQS service
// and the metrics registry; tests bind fakes. The orchestrator never includes sqs/ or consumer/.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

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

// Any hayloft metric by name and labels (later: scraped Prometheus series). Feeds the
// `prometheus` KEDA trigger and HPA External/Pods metrics. Called from the controller's thread.
class metrics_source {
 public:
  virtual ~metrics_source() = default;
  virtual result<double> value(std::string_view name, const label_set& labels) = 0;
};

// Checks AWS credentials resolved from a TriggerAuthentication when hayloft runs with --auth.
// Returns an error (message shown on the ScaledObject) when they are not accepted.
using credential_check = std::function<result<void>(std::string_view access_key_id, std::string_view secret_access_key)>;

}  // namespace hayloft::orchestrator
