#pragma once
// AWS Signature Version 2 as S3 still accepts it from old clients (s3cmd, boto2, presigned
// URLs with AWSAccessKeyId/Expires/Signature): HMAC-SHA1 over
//   VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders
//   CanonicalizedResource
// Pure functions; any thread.
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/http/auth/verify.h"

namespace hayloft::http::auth::sigv2 {

// "x-amz-a:v1,v2\n..." for every x-amz-* header, names lowercased and sorted. `skip` (lowercase)
// is left out (x-amz-date when it stands in the Date position).
std::string canonical_amz_headers(const core::request& req, std::string_view skip = {});

// The raw path plus the sub-resources S3 signs ("?acl", "?partNumber=1&uploadId=x", response-*
// overrides), sorted by name, values decoded; `bucket_prefix` is "/bucket" for virtual-hosted
// requests or empty.
std::string canonical_resource(const core::request& req, std::string_view bucket_prefix);

std::string string_to_sign(std::string_view method, std::string_view content_md5,
                           std::string_view content_type, std::string_view date_or_expires,
                           std::string_view amz_headers, std::string_view resource);
// base64(HMAC-SHA1(secret, string_to_sign)).
std::string signature(std::string_view secret, std::string_view string_to_sign);

// The verifiers behind auth::verify.
verdict verify_header(const core::request& req, std::string_view header,
                      const credentials_provider& provider, core::time_point now,
                      const verify_options& options);
verdict verify_query(const core::request& req, const credentials_provider& provider,
                     core::time_point now, const verify_options& options);

}  // namespace hayloft::http::auth::sigv2
