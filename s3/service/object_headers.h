#pragma once
// Internal: the response headers an object keeps (Content-Type, Content-Encoding, -Disposition,
// -Language, Cache-Control, Expires, x-amz-storage-class, x-amz-website-redirect-location,
// x-amz-meta-*), stored as one "name: value\n" block so a GET appends them without parsing.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"

namespace hayloft::s3::detail {

// From a write request. Content-Type defaults to binary/octet-stream; "aws-chunked" is removed
// from Content-Encoding; metadata names are lower-cased. InvalidStorageClass, MetadataTooLarge.
result<std::string> stored_headers_from(const core::request& req);
// Calls fn(name, value) for each stored header.
template <class Fn>
void for_each_stored_header(std::string_view block, Fn&& fn) {
  while (!block.empty()) {
    auto nl = block.find('\n');
    auto line = block.substr(0, nl);
    auto colon = line.find(": ");
    if (colon != std::string_view::npos) fn(line.substr(0, colon), line.substr(colon + 2));
    if (nl == std::string_view::npos) break;
    block.remove_prefix(nl + 1);
  }
}
std::string stored_content_type(std::string_view block);
// x-amz-storage-class of a request ("STANDARD" when absent); InvalidStorageClass.
result<std::string> storage_class_from(const core::request& req);
// Removes the x-amz-storage-class line from a block and returns its value ("STANDARD" if none):
// an object's storage class lives in its own column because lifecycle transitions change it.
std::string take_storage_class(std::string& block);
// Removes the line `name` from a block and returns its value.
std::optional<std::string> take_stored_header(std::string& block, std::string_view name);
std::vector<std::pair<std::string, std::string>> stored_metadata(std::string_view block);
// Adds the bucket's default encryption (its stored ServerSideEncryptionConfiguration, or SSE-S3
// when it has none, as every bucket since 2023) to a block that names none.
void apply_default_encryption(std::string& block, std::string_view bucket_encryption);
// Removes the encryption lines of a block (a copy takes its destination's encryption).
void drop_encryption(std::string& block);
// Copies the encryption lines of a block onto a response (PUT, Copy, Complete answer them).
void add_encryption_headers(core::response& r, std::string_view block);
// A block with only a Content-Type (typed API).
std::string stored_headers_for_type(std::string_view content_type);

}  // namespace hayloft::s3::detail
