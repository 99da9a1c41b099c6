#include "s3/api/checksums.h"

#include "s3/api/errors.h"

namespace hayloft::s3 {
namespace {
constexpr std::string_view names[] = {"", "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"};
constexpr std::string_view headers_[] = {"", "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
                                         "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1",
                                         "x-amz-checksum-sha256"};
constexpr std::size_t sizes[] = {0, 4, 4, 8, 20, 32};
constexpr checksum_algorithm all[] = {checksum_algorithm::crc32, checksum_algorithm::crc32c,
                                      checksum_algorithm::crc64nvme, checksum_algorithm::sha1,
                                      checksum_algorithm::sha256};
}  // namespace

std::string_view algorithm_name(checksum_algorithm a) { return names[static_cast<int>(a)]; }
std::string_view algorithm_header(checksum_algorithm a) { return headers_[static_cast<int>(a)]; }

std::optional<checksum_algorithm> parse_algorithm(std::string_view name) {
  for (auto a : all)
    if (core::iequals(name, algorithm_name(a))) return a;
  return std::nullopt;
}

bool valid_checksum_value(checksum_algorithm a, std::string_view b64) {
  std::string raw;
  return a != checksum_algorithm::none && core::base64_decode(b64, raw) && raw.size() == sizes[static_cast<int>(a)];
}

checksum_hasher::checksum_hasher(checksum_algorithm a) : alg_(a) {
  if (a == checksum_algorithm::sha1) hash_ = std::make_unique<core::incremental_hash>(core::incremental_hash::kind::sha1);
  if (a == checksum_algorithm::sha256)
    hash_ = std::make_unique<core::incremental_hash>(core::incremental_hash::kind::sha256);
}

void checksum_hasher::update(std::string_view data) {
  switch (alg_) {
    case checksum_algorithm::crc32: crc_ = core::crc32(data, static_cast<std::uint32_t>(crc_)); break;
    case checksum_algorithm::crc32c: crc_ = core::crc32c(data, static_cast<std::uint32_t>(crc_)); break;
    case checksum_algorithm::crc64nvme: crc_ = core::crc64nvme(data, crc_); break;
    case checksum_algorithm::sha1:
    case checksum_algorithm::sha256: hash_->update(data); break;
    case checksum_algorithm::none: break;
  }
}

std::string checksum_hasher::final_raw() {
  switch (alg_) {
    case checksum_algorithm::crc32:
    case checksum_algorithm::crc32c: return core::be_bytes(crc_, 4);
    case checksum_algorithm::crc64nvme: return core::be_bytes(crc_, 8);
    case checksum_algorithm::sha1:
    case checksum_algorithm::sha256: return hash_->final_raw();
    case checksum_algorithm::none: break;
  }
  return {};
}

std::string composite_checksum(checksum_algorithm a, const std::vector<std::string>& parts) {
  checksum_hasher h(a);
  for (const auto& p : parts) {
    std::string raw;
    if (core::base64_decode(p, raw)) h.update(raw);
  }
  return h.final_base64() + "-" + std::to_string(parts.size());
}

result<checksum_request> checksum_from_headers(const core::header_map& headers) {
  checksum_request out;
  int values = 0;
  for (auto a : all) {
    auto v = headers.get(algorithm_header(a));
    if (!v) continue;
    if (++values > 1)
      return fail(errc::invalid_request, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    if (!valid_checksum_value(a, *v))
      return fail(errc::invalid_request, "Value for " + std::string(algorithm_header(a)) + " header is invalid.");
    out.algorithm = a;
    out.expected = std::string(*v);
  }
  if (auto sdk = headers.get("x-amz-sdk-checksum-algorithm"); sdk && values == 0) {
    auto a = parse_algorithm(*sdk);
    if (!a)
      return fail(errc::invalid_request,
                  "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
                  "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
    out.algorithm = *a;
  }
  if (auto trailer = headers.get("x-amz-trailer"); trailer && values == 0) {
    for (auto a : all) {
      if (core::iequals(*trailer, algorithm_header(a))) {
        out.algorithm = a;
        out.in_trailer = true;
      }
    }
    if (!out.in_trailer)
      return fail(errc::invalid_request, "The value specified in the x-amz-trailer header is not supported");
  }
  return out;
}

body_digest::body_digest(checksum_algorithm a) {
  if (a != checksum_algorithm::none) checksum_hash_.emplace(a);
}

void body_digest::update(std::string_view data) {
  size_ += data.size();
  md5_hash_.update(data);
  if (checksum_hash_) checksum_hash_->update(data);
}

void body_digest::finish() {
  md5_ = md5_hash_.final_raw();
  if (checksum_hash_) checksum_ = checksum_hash_->final_base64();
}

result<std::optional<std::string>> content_md5(const core::header_map& headers) {
  auto v = headers.get("content-md5");
  if (!v) return std::optional<std::string>{};
  std::string raw;
  if (!core::base64_decode(*v, raw) || raw.size() != 16) return fail(errc::invalid_digest);
  return std::optional<std::string>(std::move(raw));
}

}  // namespace hayloft::s3
