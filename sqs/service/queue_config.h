#pragma once
// A queue's settable attributes: validation (CreateQueue / SetQueueAttributes), canonical
// string forms (GetQueueAttributes, CreateQueue's "same attributes?" check) and the JSON
// stored in sqs_queues.attributes. Limits and messages follow the SQS API reference
// (API_SetQueueAttributes.html). Values only: no locking, any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/result.h"
#include "sqs/api/model.h"

namespace hayloft::sqs {

struct redrive_policy {
  std::string dead_letter_target_arn;
  std::int64_t max_receive_count = 0;
};

struct queue_config {
  std::int64_t visibility_timeout = 30;
  std::int64_t maximum_message_size = 1048576;  // 1 MiB, SQS's default since August 2025
  std::int64_t message_retention_period = 345600;
  std::int64_t delay_seconds = 0;
  std::int64_t receive_message_wait_time_seconds = 0;
  bool fifo = false;
  bool content_based_deduplication = false;
  std::string deduplication_scope = "queue";          // queue | messageGroup
  std::string fifo_throughput_limit = "perQueue";     // perQueue | perMessageGroupId
  std::optional<redrive_policy> redrive;
  std::string redrive_allow_policy;  // canonical JSON, "" when unset
  std::string policy;                // canonical JSON, "" when unset
  bool sqs_managed_sse = true;
  std::string kms_master_key_id;
  std::int64_t kms_data_key_reuse_period_seconds = 300;
};

// Names GetQueueAttributes knows, settable or computed.
bool is_queue_attribute(std::string_view name);

// Validates `attributes` and applies them to `cfg` (all or nothing). FifoQueue is accepted only
// when `creating`. Errors: invalid_attribute_name, invalid_attribute_value,
// invalid_parameter_value (RedrivePolicy), over_limit (Policy quotas). The DLQ's existence is the
// caller's to check. `stored`: values read back from state.db, accepted without the quotas.
result<void> apply_attributes(queue_config& cfg, const api::string_map& attributes, bool creating,
                              std::int64_t max_message_size, bool stored = false);

// A Policy attribute value checked against SQS's policy quotas (8,192 bytes, 7 actions per
// statement: over_limit) and parsed (invalid_attribute_value), in its canonical JSON form.
result<std::string> canonical_policy(std::string_view policy);

// The settable attributes in their canonical string form, in the order AWS lists them.
std::vector<std::pair<std::string, std::string>> settable_attributes(const queue_config& cfg);

// The RedrivePolicy attribute value: {"deadLetterTargetArn":"...","maxReceiveCount":N}.
std::string redrive_policy_json(const redrive_policy& p);

std::string to_json(const queue_config& cfg);
result<queue_config> config_from_json(std::string_view json);

}  // namespace hayloft::sqs
