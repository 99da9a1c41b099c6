#include "s3/service/object_headers.h"

#include "s3/api/errors.h"
#include "s3/api/results.h"

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

std::string stored_headers_for_type(std::string_view content_type) {
  std::string block;
  add(block, "Content-Type", content_type.empty() ? "binary/octet-stream" : content_type);
  return block;
}

}  // namespace hayloft::s3::detail
