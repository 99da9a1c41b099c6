#pragma once
// HTTP semantics S3 applies to reads: byte ranges (RFC 7233 as S3 implements it) and conditional
// requests (RFC 7232 precedence, as the S3 GetObject/HeadObject documentation describes).
#include <cstdint>
#include <optional>
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"

namespace hayloft::s3 {

struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

enum class range_status {
  none,           // no Range header, or one S3 ignores (invalid syntax, last < first, several ranges)
  satisfiable,    // serve `out` with 206
  unsatisfiable,  // 416 InvalidRange
};
// "bytes=a-b", "bytes=a-", "bytes=-n" against an object of `size` bytes (RFC 9110 14.1.2 as S3
// applies it). Positions may have any number of digits: a first-pos beyond 64 bits is past the
// end (unsatisfiable), a last-pos or suffix-length beyond 64 bits selects up to the end. Reads
// the header once, allocates nothing; any length is safe.
range_status parse_range(std::string_view header, std::uint64_t size, byte_range& out);

enum class condition_result { proceed, not_modified, precondition_failed };

// True when `etag` (quoted) is in a comma-separated If-Match/If-None-Match list ("*" matches all).
bool etag_matches(std::string_view list, std::string_view etag);

// Evaluates If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since for GET/HEAD.
// If-Match overrides If-Unmodified-Since; If-None-Match overrides If-Modified-Since.
// Last-Modified is compared at one-second resolution. `failed_header` names the failing one.
condition_result evaluate_read_conditions(const core::header_map& headers, std::string_view etag,
                                          core::time_point last_modified, std::string_view* failed_header = nullptr);

// The same rules for x-amz-copy-source-if-* on CopyObject/UploadPartCopy (failures are 412).
condition_result evaluate_copy_source_conditions(const core::header_map& headers, std::string_view etag,
                                                 core::time_point last_modified);

}  // namespace hayloft::s3
