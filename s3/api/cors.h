#pragma once
// Bucket CORS: the CORSConfiguration document (PutBucketCors), validated as S3 validates it, and
// S3's rule matching for preflight (OPTIONS) and actual requests. Pure; any thread. Documents go
// through parse_xml (bounded, no DTD); the caller bounds the byte size (S3: 64 KiB).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::s3 {

inline constexpr std::size_t max_cors_rules = 100;

struct cors_rule {
  std::string id;
  std::vector<std::string> methods;  // GET, PUT, HEAD, POST, DELETE
  std::vector<std::string> origins;  // each with at most one '*'
  std::vector<std::string> allowed_headers;  // each with at most one '*'; matched case-insensitively
  std::vector<std::string> expose_headers;
  std::optional<long long> max_age_seconds;
};

struct cors_configuration {
  std::vector<cors_rule> rules;
};

// MalformedXML for a document that is not a CORSConfiguration, has no rule, a rule without
// AllowedMethod or AllowedOrigin, a MaxAgeSeconds that is not an integer, more than 100 rules or
// an ID over 255 characters; InvalidRequest "Found unsupported HTTP method in CORS config.
// Unsupported method is X" and "AllowedOrigin \"o\" can not have more than one wildcard." (and
// the same for AllowedHeader), as S3 answers.
result<cors_configuration> parse_cors_configuration(std::string_view body);
std::string render_cors_configuration(const cors_configuration& c);

// '*' in a pattern matches any run of characters (S3 allows one per pattern).
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case);

// The first rule that allows `origin` to send `method` with these request headers (lower-case or
// not: compared case-insensitively), or nullptr. S3 evaluates rules in order.
const cors_rule* match_cors(const cors_configuration& c, std::string_view origin, std::string_view method,
                            const std::vector<std::string>& request_headers);

// Access-Control-Request-Headers split on commas, trimmed, empties dropped.
std::vector<std::string> split_header_list(std::string_view value);

}  // namespace hayloft::s3
