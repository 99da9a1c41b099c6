#pragma once
// Chunk signatures of an aws-chunked body sent with x-amz-content-sha256:
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD (or ...-PAYLOAD-TRAILER). Each chunk's signature is
//
//   HMAC(signing key, "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" previous signature "\n"
//                     sha256("") "\n" sha256(chunk data))
//
// chained from the request's own (seed) signature, and a signed trailer's is
//
//   HMAC(signing key, "AWS4-HMAC-SHA256-TRAILER\n" date "\n" scope "\n" previous signature "\n"
//                     sha256(trailer headers))
//
// The S3 decoder owns one chunk_signer per request body, seeded from the verdict
// (authenticated::signing), and calls verify_next for every chunk including the final empty
// one, then verify_trailer if the body has a signed trailer. Not thread-safe: one body, one user.
#include <string>
#include <string_view>

#include "emulator/http/auth/verify.h"

namespace hayloft::http::auth {

inline constexpr std::string_view streaming_signed_payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view streaming_signed_payload_trailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

class chunk_signer {
 public:
  explicit chunk_signer(signing_context seed);

  // Checks the claimed signature (lowercase hex) of the next chunk; on success it becomes
  // the previous signature, on failure nothing changes.
  bool verify_next(std::string_view chunk_data, std::string_view claimed_sig);
  // Same, for a caller that hashed a large chunk incrementally: `chunk_sha256_hex` is the
  // lowercase hex SHA-256 of the chunk data.
  bool verify_next_digest(std::string_view chunk_sha256_hex, std::string_view claimed_sig);
  // Checks the trailer signature after the final chunk. `trailer_headers` is the canonical
  // trailer: "name:value\n" per trailing header, as sent with CRLF replaced by LF.
  bool verify_trailer(std::string_view trailer_headers, std::string_view claimed_sig);

  // The signature the next chunk must carry (does not advance). For tests and clients.
  std::string expected_next(std::string_view chunk_data) const;
  const std::string& previous_signature() const { return ctx_.signature; }

 private:
  std::string sign(std::string_view kind, std::string_view hashes) const;
  bool accept(std::string expected, std::string_view claimed_sig);

  signing_context ctx_;
};

}  // namespace hayloft::http::auth
