#pragma once
#include <cstdint>

namespace hayloft::sqs {

// ApproximateNumberOfMessages / ...NotVisible / ...Delayed of one queue, exact at the instant
// they are read (expired visibility timeouts and delays are applied first).
struct message_counts {
  std::int64_t visible = 0;
  std::int64_t not_visible = 0;  // in flight
  std::int64_t delayed = 0;
};

}  // namespace hayloft::sqs
