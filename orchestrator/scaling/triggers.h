#pragma once
// Trigger metadata of the scalers hayloft implements, parsed as KEDA parses it:
//  - aws-sqs-queue (pkg/scalers/aws_sqs_queue_scaler.go): queueURL or queueURLFromEnv, queueLength
//    (default 5), activationQueueLength (default 0), scaleOnInFlight (default true),
//    scaleOnDelayed (default false); the metric is ApproximateNumberOfMessages plus NotVisible
//    and/or Delayed, active when it exceeds activationQueueLength.
//  - cpu (pkg/scalers/cpu_memory_scaler.go): a Resource metric for the HPA, never an activation.
//  - prometheus (pkg/scalers/prometheus_scaler.go): query evaluated by the metrics_source,
//    threshold / activationThreshold.
// Pure functions; any thread.
#include <cstdint>
#include <map>
#include <string>

#include "emulator/core/result.h"
#include "orchestrator/interfaces.h"
#include "orchestrator/objects/specs.h"

namespace hayloft::orchestrator::scaling {

using string_map = std::map<std::string, std::string>;

struct sqs_trigger {
  std::string queue_url;
  std::string queue_name;
  std::int64_t queue_length_milli = 5000;
  std::int64_t activation_milli = 0;
  bool scale_on_in_flight = true;
  bool scale_on_delayed = false;
  std::string region;
  std::string endpoint;
  std::string access_key_id;
  std::string secret_access_key;
  bool operator_identity = false;  // identityOwner: operator
};

// `env` is the target container's resolved environment (for queueURLFromEnv), `auth` the
// parameters resolved from the TriggerAuthentication.
result<sqs_trigger> parse_sqs_trigger(const objects::trigger_spec& t, const string_map& env, const string_map& auth);
// The scaler's metric: visible + in-flight (scaleOnInFlight) + delayed (scaleOnDelayed).
std::int64_t sqs_queue_length(const sqs_trigger& t, const queue_counts& c);

struct cpu_trigger {
  std::string metric_type = "Utilization";  // Utilization | AverageValue
  std::int64_t value_milli = 0;             // percent * 1000 for Utilization
  std::string container_name;
};
result<cpu_trigger> parse_cpu_trigger(const objects::trigger_spec& t);

struct prometheus_trigger {
  std::string server_address;  // any address: hayloft answers the query from its own series
  std::string query;           // evaluated as written (the PromQL subset of emulator/prom)
  std::int64_t threshold_milli = 0;
  std::int64_t activation_milli = 0;
  bool ignore_null_values = true;
};
// serverAddress, query and threshold are required (KEDA's typed config messages).
result<prometheus_trigger> parse_prometheus_trigger(const objects::trigger_spec& t);
// The scaler's value from the query's elements (ExecutePromQuery): none -> 0 with
// ignoreNullValues else "... the result is empty"; more than one -> "returned multiple
// elements"; ±Inf or NaN -> 0 with ignoreNullValues else "prometheus query returns +Inf".
result<double> prometheus_value(const prometheus_trigger& t, const std::vector<metric_sample>& elements);

// External metric names as KEDA generates them: "s<index>-<normalised name>".
std::string external_metric_name(std::size_t trigger_index, const std::string& base);
// kedautil.NormalizeString: lower-case, characters other than [a-z0-9-] become '-'.
std::string normalize_metric_string(const std::string& s);

}  // namespace hayloft::orchestrator::scaling
