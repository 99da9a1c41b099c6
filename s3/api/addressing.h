#pragma once
// Which bucket and key a request names: path style "/{bucket}/{key}" or virtual-host style
// ("{bucket}.localhost[:port]", "{bucket}.s3.localhost", "{bucket}.s3.{region}.localhost",
// "{bucket}.s3.localhost.localstack.cloud", ...). Also bucket-name and key validation.
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/http_message.h"

namespace hayloft::s3 {

inline constexpr std::size_t max_key_bytes = 1024;

struct address {
  std::string bucket;  // empty: the service itself (ListBuckets)
  std::string key;     // empty: the bucket
  bool virtual_host = false;
  // The static website endpoint: "{bucket}.s3-website.localhost" (also "s3-website-{region}",
  // "s3-website.{region}") or, path style, "s3-website.localhost/{bucket}/{key}".
  bool website = false;
};

// The bucket named by a Host header value (port allowed), or nullopt for path style.
std::optional<std::string> bucket_from_host(std::string_view host);
// Resolves the request's bucket and key. The key is the decoded path, never normalised: "a//b",
// "../x" and "%00" stay as sent.
address resolve_address(const core::request& req);

// AWS general-purpose bucket naming rules (3-63 chars of a-z 0-9 . -, letter or digit at both
// ends, no "..", not an IPv4 address, no reserved prefixes or suffixes).
bool valid_bucket_name(std::string_view name);

// The region of a SigV4-signed request (Authorization header or X-Amz-Credential), or empty.
std::string signing_region(const core::request& req);

}  // namespace hayloft::s3
