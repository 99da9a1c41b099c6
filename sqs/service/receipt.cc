#include "sqs/service/receipt.h"

#include "emulator/core/hash.h"

namespace hayloft::sqs {
namespace {

constexpr std::size_t kPayload = 1 + 8 + 8 + 4;
constexpr std::size_t kCheck = 8;

std::string check_bytes(std::string_view payload) {
  return core::sha256_raw(std::string("hayloft-sqs-receipt:") + std::string(payload)).substr(0, kCheck);
}

std::uint64_t read_be(std::string_view s, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

std::string encode_receipt(const receipt& r) {
  std::string payload;
  payload += '\x01';
  payload += core::be_bytes(static_cast<std::uint64_t>(r.queue_id), 8);
  payload += core::be_bytes(static_cast<std::uint64_t>(r.seq), 8);
  payload += core::be_bytes(r.generation, 4);
  return core::base64_encode(payload + check_bytes(payload));
}

std::optional<receipt> decode_receipt(std::string_view handle) {
  std::string raw;
  if (handle.size() > 64 || !core::base64_decode(handle, raw)) return std::nullopt;
  if (raw.size() != kPayload + kCheck || raw[0] != '\x01') return std::nullopt;
  std::string_view v(raw);
  if (v.substr(kPayload) != check_bytes(v.substr(0, kPayload))) return std::nullopt;
  receipt r;
  r.queue_id = static_cast<std::int64_t>(read_be(v, 1, 8));
  r.seq = static_cast<std::int64_t>(read_be(v, 9, 8));
  r.generation = static_cast<std::uint32_t>(read_be(v, 17, 4));
  return r;
}

}  // namespace hayloft::sqs
