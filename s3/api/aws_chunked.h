#pragma once
// Streaming decoder for the aws-chunked content encoding (SigV4 streaming uploads):
//   hex-size[;chunk-signature=sig]\r\n <size bytes> \r\n ... 0[;...]\r\n [trailer lines\r\n] \r\n
// Used for STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER and
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER. Chunk signatures are not verified here (the edge
// owns authentication). Feed it any split of the input; decoded bytes go to the sink.
// Bounds: a size line of at most 256 bytes (15 hex digits, so a chunk size never overflows), a
// chunk-signature extension of exactly 64 lowercase hex digits, trailer lines of at most 4 KiB
// and 16 KiB of trailer in all. State is O(1) apart from the trailers kept.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/http_message.h"

namespace hayloft::s3 {

// True when the request body is aws-chunked (Content-Encoding or x-amz-content-sha256 says so).
bool is_aws_chunked(const core::header_map& headers);

class aws_chunked_decoder {
 public:
  using sink = std::function<void(std::string_view)>;
  // Returns false (and stays failed) on malformed input.
  bool feed(std::string_view in, const sink& out);
  // True when the final chunk (and any trailer) was fully received.
  bool finish() const;
  std::optional<std::string_view> trailer(std::string_view name) const;
  std::uint64_t decoded_size() const { return decoded_; }

 private:
  enum class state { size_line, data, data_crlf, trailer, done, failed };
  bool end_size_line();
  bool end_trailer_line();

  state state_ = state::size_line;
  std::string line_;
  std::uint64_t remaining_ = 0;
  std::uint64_t decoded_ = 0;
  int crlf_seen_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::vector<std::pair<std::string, std::string>> trailers_;
};

}  // namespace hayloft::s3
