#pragma once
// Random identifiers: request ids, message ids, upload ids, blob names.
#include <cstddef>
#include <string>

namespace hayloft::core {

std::string random_hex(std::size_t bytes);
// RFC 4122 version-4 UUID, lowercase ("3f2b...-...").
std::string uuid4();
// Upper-case alphanumeric id of n characters, like S3 request ids ("4442587FB7D0A2F9").
std::string request_id();
// URL-safe random token of `bytes` entropy (base64url without padding).
std::string random_token(std::size_t bytes);

}  // namespace hayloft::core
