#pragma once
// Digests, checksums and encodings used by the wire protocols (ETag MD5, Content-MD5,
// x-amz-checksum-*, SigV4 HMAC-SHA256, SQS MD5OfMessageAttributes). Backed by OpenSSL,
// except CRC32C which OpenSSL lacks.
#include <array>
#include <filesystem>
#include <cstdint>
#include <string>
#include <string_view>

namespace hayloft::core {

std::string md5_raw(std::string_view data);     // 16 raw bytes
std::string sha1_raw(std::string_view data);    // 20 raw bytes
std::string sha256_raw(std::string_view data);  // 32 raw bytes
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
std::string hmac_sha1_raw(std::string_view key, std::string_view data);
std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

std::uint32_t crc32(std::string_view data, std::uint32_t prev = 0);
std::uint32_t crc32c(std::string_view data, std::uint32_t prev = 0);
std::uint64_t crc64nvme(std::string_view data, std::uint64_t prev = 0);

std::string to_hex(std::string_view raw);
bool from_hex(std::string_view hex, std::string& out);
std::string base64_encode(std::string_view raw);
// Strict RFC 4648 decode (padding optional); false on any invalid character.
bool base64_decode(std::string_view b64, std::string& out);
// Big-endian bytes of an integer, e.g. for base64 of a CRC.
std::string be_bytes(std::uint64_t v, int n);

// Incremental digests for streamed bodies.
class incremental_hash {
 public:
  enum class kind { md5, sha1, sha256 };
  explicit incremental_hash(kind k);
  ~incremental_hash();
  incremental_hash(const incremental_hash&) = delete;
  incremental_hash& operator=(const incremental_hash&) = delete;
  void update(std::string_view data);
  std::string final_raw();

 private:
  void* ctx_;
};

}  // namespace hayloft::core

namespace hayloft::core {
// MD5 of a file's contents, hex; empty string if the file cannot be read.
std::string md5_hex_of_file(const std::filesystem::path& p);
}  // namespace hayloft::core
