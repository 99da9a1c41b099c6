#pragma once
// Turning a stored message into what ReceiveMessage returns: the requested system attributes
// (AttributeNames / MessageSystemAttributeNames), the requested message attributes
// (MessageAttributeNames: "All", ".*", "prefix.*" or exact names) with the MD5 of exactly
// those, and a receipt handle for this delivery. Pure functions.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sqs/api/model.h"
#include "sqs/service/message_index.h"
#include "sqs/service/receive_canceller.h"

namespace hayloft::sqs {

struct receive_spec {
  std::int64_t max_messages = 1;
  std::int64_t visibility_timeout = 30;  // seconds, resolved against the queue default
  std::int64_t wait_seconds = 0;         // resolved against ReceiveMessageWaitTimeSeconds
  std::vector<std::string> attribute_names;
  std::vector<std::string> message_attribute_names;
  std::shared_ptr<receive_canceller> cancel;  // optional: withdraws the wait
};

// FIFO SequenceNumber: the message's sequence, 20 digits.
std::string sequence_number(std::int64_t seq);

api::received_message make_received(const message& m, const receive_spec& spec, std::int64_t queue_id, bool fifo);

}  // namespace hayloft::sqs
