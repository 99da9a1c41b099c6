#include "s3/service/object_headers.h"

#include "s3/api/errors.h"
#include "s3/api/results.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3::detail {
namespace {

constexpr std::size_t max_user_metadata = 2048;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool valid_storage_class(std::string_view s) {
  for (auto c : {"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
                 "DEEP_ARCHIVE", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"})
    if (s == c) return true;
  return false;
}

void add(std::string& block, std::string_view name, std::string_view value) {
  block.append(name).append(": ");
  // Header values cannot hold line breaks; one arriving through the typed API must not split a line.
  for (char c : value) block.push_back(c == '\n' || c == '\r' ? ' ' : c);
  block.push_back('\n');
}

}  // namespace

result<std::string> stored_headers_from(const core::request& req) {
  std::string block;
  auto type = req.headers.get("content-type");
  add(block, "Content-Type", type && !trim(*type).empty() ? trim(*type) : "binary/octet-stream");
  if (auto enc = req.headers.get("content-encoding")) {
    std::string kept;
    std::size_t pos = 0;
    while (pos <= enc->size()) {
      auto comma = enc->find(',', pos);
      auto item = trim(enc->substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
      if (!item.empty() && !core::iequals(item, "aws-chunked")) {
        if (!kept.empty()) kept.push_back(',');
        kept.append(item);
      }
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    if (!kept.empty()) add(block, "Content-Encoding", kept);
  }
  for (auto name : {"Content-Disposition", "Content-Language", "Cache-Control", "Expires",
                    "x-amz-website-redirect-location"})
    if (auto v = req.headers.get(name)) add(block, name, *v);
  // Server-side encryption asked for by the write (the bucket's default applies at commit
  // otherwise). Bytes at rest are not encrypted here; the headers are what S3 answers.
  if (auto sse = req.headers.get("x-amz-server-side-encryption")) {
    if (*sse != "AES256" && *sse != "aws:kms" && *sse != "aws:kms:dsse")
      return fail(errc::invalid_argument, "The encryption method specified is not supported");
    add(block, "x-amz-server-side-encryption", *sse);
    bool kms = *sse != "AES256";
    if (auto key = req.headers.get("x-amz-server-side-encryption-aws-kms-key-id")) {
      if (!kms)
        return fail(errc::invalid_argument,
                    "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : "
                    "aws:kms");
      add(block, "x-amz-server-side-encryption-aws-kms-key-id", *key);
    }
    if (auto bk = req.headers.get("x-amz-server-side-encryption-bucket-key-enabled"); bk && kms)
      add(block, "x-amz-server-side-encryption-bucket-key-enabled", core::iequals(*bk, "true") ? "true" : "false");
  } else if (req.headers.has("x-amz-server-side-encryption-aws-kms-key-id")) {
    return fail(errc::invalid_argument,
                "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : "
                "aws:kms");
  }
  if (req.headers.has("x-amz-server-side-encryption-customer-algorithm"))
    return fail(errc::not_implemented, "hayloft does not implement SSE-C (customer-provided keys)");
  if (auto sc = req.headers.get("x-amz-storage-class")) {
    if (!valid_storage_class(*sc)) return fail(errc::invalid_storage_class);
    if (*sc != "STANDARD") add(block, "x-amz-storage-class", *sc);
  }
  std::size_t meta_bytes = 0;
  for (const auto& [name, value] : req.headers) {
    if (name.size() <= 11 || !core::iequals(std::string_view(name).substr(0, 11), "x-amz-meta-")) continue;
    auto lower = core::to_lower(name);
    meta_bytes += lower.size() - 11 + value.size();
    add(block, lower, trim(value));
  }
  if (meta_bytes > max_user_metadata) return fail(errc::metadata_too_large);
  return block;
}

std::string stored_content_type(std::string_view block) {
  std::string out;
  for_each_stored_header(block, [&](std::string_view n, std::string_view v) {
    if (n == "Content-Type") out = std::string(v);
  });
  return out;
}

result<std::string> storage_class_from(const core::request& req) {
  auto sc = req.headers.get("x-amz-storage-class");
  if (!sc) return std::string("STANDARD");
  if (!valid_storage_class(*sc)) return fail(errc::invalid_storage_class);
  return std::string(*sc);
}

std::optional<std::string> take_stored_header(std::string& block, std::string_view name) {
  std::string start = std::string(name) + ": ";
  std::size_t at = block.starts_with(start) ? 0 : block.find("\n" + start);
  if (at == std::string::npos) return std::nullopt;
  if (!block.starts_with(start)) ++at;
  auto end = block.find('\n', at);
  auto value = block.substr(at + start.size(), end == std::string::npos ? std::string::npos : end - at - start.size());
  block.erase(at, end == std::string::npos ? std::string::npos : end - at + 1);
  return value;
}

std::string take_storage_class(std::string& block) {
  return take_stored_header(block, "x-amz-storage-class").value_or("STANDARD");
}

std::vector<std::pair<std::string, std::string>> stored_metadata(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> out;
  for_each_stored_header(block, [&](std::string_view n, std::string_view v) {
    if (n.starts_with("x-amz-meta-")) out.emplace_back(std::string(n.substr(11)), std::string(v));
  });
  return out;
}

void apply_default_encryption(std::string& block, std::string_view bucket_encryption) {
  if (block.find("x-amz-server-side-encryption: ") != std::string::npos) return;
  if (bucket_encryption.empty()) {
    add(block, "x-amz-server-side-encryption", "AES256");
    return;
  }
  pugi::xml_document doc;
  if (!parse_xml(bucket_encryption, doc)) return add(block, "x-amz-server-side-encryption", "AES256");
  auto rule = find_child(doc.document_element(), "Rule");
  auto by_default = find_child(rule, "ApplyServerSideEncryptionByDefault");
  auto algorithm = child_text(by_default, "SSEAlgorithm");
  add(block, "x-amz-server-side-encryption", algorithm.empty() ? "AES256" : algorithm);
  if (auto key = child_text(by_default, "KMSMasterKeyID"); !key.empty())
    add(block, "x-amz-server-side-encryption-aws-kms-key-id", key);
  if (algorithm != "AES256" && child_text(rule, "BucketKeyEnabled") == "true")
    add(block, "x-amz-server-side-encryption-bucket-key-enabled", "true");
}

void drop_encryption(std::string& block) {
  for (auto name : {"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                    "x-amz-server-side-encryption-bucket-key-enabled"})
    (void)take_stored_header(block, name);
}

void add_encryption_headers(core::response& r, std::string_view block) {
  for_each_stored_header(block, [&](std::string_view n, std::string_view v) {
    if (n.starts_with("x-amz-server-side-encryption")) r.headers.add(std::string(n), std::string(v));
  });
}

std::string stored_headers_for_type(std::string_view content_type) {
  std::string block;
  add(block, "Content-Type", content_type.empty() ? "binary/octet-stream" : content_type);
  return block;
}

}  // namespace hayloft::s3::detail
