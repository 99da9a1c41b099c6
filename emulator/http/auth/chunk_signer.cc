#include "emulator/http/auth/chunk_signer.h"

#include "emulator/core/hash.h"
#include "emulator/http/auth/canonical.h"
#include "emulator/http/auth/sigv4.h"

namespace hayloft::http::auth {

chunk_signer::chunk_signer(signing_context seed) : ctx_(std::move(seed)) {}

std::string chunk_signer::sign(std::string_view kind, std::string_view hashes) const {
  std::string sts(kind);
  sts.push_back('\n');
  sts += ctx_.amz_date;
  sts.push_back('\n');
  sts += ctx_.scope;
  sts.push_back('\n');
  sts += ctx_.signature;
  sts.push_back('\n');
  sts += hashes;
  return sigv4::signature(ctx_.signing_key, sts);
}

bool chunk_signer::accept(std::string expected, std::string_view claimed_sig) {
  if (!signatures_equal(expected, claimed_sig)) return false;
  ctx_.signature = std::move(expected);
  return true;
}

std::string chunk_signer::expected_next(std::string_view chunk_data) const {
  std::string hashes(sigv4::empty_sha256);
  hashes.push_back('\n');
  hashes += core::sha256_hex(chunk_data);
  return sign("AWS4-HMAC-SHA256-PAYLOAD", hashes);
}

bool chunk_signer::verify_next(std::string_view chunk_data, std::string_view claimed_sig) {
  return accept(expected_next(chunk_data), claimed_sig);
}

bool chunk_signer::verify_next_digest(std::string_view chunk_sha256_hex,
                                      std::string_view claimed_sig) {
  std::string hashes(sigv4::empty_sha256);
  hashes.push_back('\n');
  hashes += chunk_sha256_hex;
  return accept(sign("AWS4-HMAC-SHA256-PAYLOAD", hashes), claimed_sig);
}

bool chunk_signer::verify_trailer(std::string_view trailer_headers, std::string_view claimed_sig) {
  return accept(sign("AWS4-HMAC-SHA256-TRAILER", core::sha256_hex(trailer_headers)), claimed_sig);
}

}  // namespace hayloft::http::auth
