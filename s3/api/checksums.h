#pragma once
// S3 additional checksums (x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}) and the MD5 that
// makes the ETag, computed incrementally so large bodies are never held in memory.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/hash.h"
#include "emulator/core/http_message.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

enum class checksum_algorithm { none, crc32, crc32c, crc64nvme, sha1, sha256 };

// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" ("" for none).
std::string_view algorithm_name(checksum_algorithm a);
// "x-amz-checksum-crc32" ...
std::string_view algorithm_header(checksum_algorithm a);
// Case-insensitive; nullopt for unknown names.
std::optional<checksum_algorithm> parse_algorithm(std::string_view name);
// The value is base64 of exactly the algorithm's digest size.
bool valid_checksum_value(checksum_algorithm a, std::string_view b64);

// Running digest of one algorithm.
class checksum_hasher {
 public:
  explicit checksum_hasher(checksum_algorithm a);
  void update(std::string_view data);
  std::string final_raw();
  std::string final_base64() { return core::base64_encode(final_raw()); }
  checksum_algorithm algorithm() const { return alg_; }

 private:
  checksum_algorithm alg_;
  std::uint64_t crc_ = 0;
  std::unique_ptr<core::incremental_hash> hash_;
};

// "base64(digest(raw part checksums concatenated))-N": S3's COMPOSITE multipart checksum.
std::string composite_checksum(checksum_algorithm a, const std::vector<std::string>& part_checksums_b64);

// What the client asked us to verify/store for an upload body.
struct checksum_request {
  checksum_algorithm algorithm = checksum_algorithm::none;
  std::string expected;       // base64 from the header; empty when computed only or in the trailer
  bool in_trailer = false;    // value arrives in the aws-chunked trailer
};
// Reads x-amz-checksum-*, x-amz-sdk-checksum-algorithm and x-amz-trailer. Errors are S3
// InvalidRequest with the messages S3 uses.
result<checksum_request> checksum_from_headers(const core::header_map& headers);

// Everything computed while a body streams through: size, MD5, optional checksum.
class body_digest {
 public:
  explicit body_digest(checksum_algorithm a = checksum_algorithm::none);
  void update(std::string_view data);
  // Call once at the end.
  void finish();
  std::uint64_t size() const { return size_; }
  const std::string& md5_raw() const { return md5_; }
  std::string md5_hex() const { return core::to_hex(md5_); }
  const std::string& checksum_b64() const { return checksum_; }

 private:
  core::incremental_hash md5_hash_{core::incremental_hash::kind::md5};
  std::optional<checksum_hasher> checksum_hash_;
  std::uint64_t size_ = 0;
  std::string md5_, checksum_;
};

// Validates Content-MD5 syntax (InvalidDigest) and returns the raw 16 bytes, or nullopt when absent.
result<std::optional<std::string>> content_md5(const core::header_map& headers);

}  // namespace hayloft::s3
