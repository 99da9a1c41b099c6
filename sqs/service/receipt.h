#pragma once
// Receipt handles. A handle names one delivery of one message: the queue's id, the message's
// sequence number (unique across queues and never reused) and the receive generation (bumped
// on every receive). Everything needed is inside the handle, so handles stay valid across
// restarts; a checksum makes arbitrary strings decode as invalid rather than as some message.
// Format: base64 of 0x01 | queue id (8, BE) | seq (8, BE) | generation (4, BE) | 8 check bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hayloft::sqs {

struct receipt {
  std::int64_t queue_id = 0;
  std::int64_t seq = 0;
  std::uint32_t generation = 0;
  bool operator==(const receipt&) const = default;
};

std::string encode_receipt(const receipt& r);
std::optional<receipt> decode_receipt(std::string_view handle);

}  // namespace hayloft::sqs
