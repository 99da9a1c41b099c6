#include "emulator/app/auth_gate.h"

#include <memory>

#include "emulator/core/logging.h"
#include "s3/service/service.h"

namespace hayloft::app {

auth_gate::auth_gate(core::request_handler& inner, http::auth::protocol protocol,
                     const http::auth::credentials_provider& creds, core::clock& clock, core::task_runner& blocking)
    : inner_(inner), protocol_(protocol), creds_(creds), clock_(clock), blocking_(blocking) {}

void auth_gate::handle(core::request req, core::completion done) {
  // A CORS preflight is never signed (browsers send no credentials with it); S3 answers it from
  // the bucket's CORS rules alone.
  if (protocol_ == http::auth::protocol::s3 && req.method == "OPTIONS" && !req.headers.has("authorization"))
    return inner_.handle(std::move(req), std::move(done));
  // S3 decides about unsigned requests itself (a bucket policy or ACL may make objects public)
  // and learns who signed the others from s3::caller_header, which only the gate may set.
  if (protocol_ == http::auth::protocol::s3) {
    req.headers.erase(s3::caller_header);
    bool is_signed = req.headers.has("authorization") || req.has_param("X-Amz-Signature") ||
                     req.has_param("Signature") || req.has_param("X-Amz-Credential");
    if (!is_signed) {
      req.headers.add(std::string(s3::caller_header), "anonymous");
      return inner_.handle(std::move(req), std::move(done));
    }
  }
  // Signatures are checked against real time: a manual or scaled clock must not expire URLs.
  auto v = http::auth::verify(req, creds_, std::chrono::system_clock::now());
  if (!v.ok()) {
    spdlog::debug("auth failed for {} {}: {}", req.method, req.path, v.error().detail);
    return done(inner_.render_error(req, http::auth::to_aws_error(v.error(), protocol_)));
  }
  if (protocol_ == http::auth::protocol::s3) {
    const auto& key = v.identity().access_key_id;
    auto found = creds_.find(key);
    std::string account = found && !found->account_id.empty() ? found->account_id : "000000000000";
    req.headers.add(std::string(s3::caller_header), account + " arn:aws:iam::" + account + ":user/" + key);
  }
  std::string claim = v.identity().payload_hash;
  if (!http::auth::payload_claim_is_digest(claim)) return inner_.handle(std::move(req), std::move(done));
  auto mismatch = [this](const core::request& r) {
    return inner_.render_error(r, http::auth::to_aws_error(
                                      {http::auth::failure_reason::payload_hash_mismatch, "body"}, protocol_));
  };
  if (!req.body_in_file()) {
    if (claim != http::auth::body_sha256_hex(req)) return done(mismatch(req));
    return inner_.handle(std::move(req), std::move(done));
  }
  // A spilled body is hashed on the blocking pool, never on the I/O thread.
  auto shared = std::make_shared<core::request>(std::move(req));
  blocking_.post([this, shared, claim, mismatch, done = std::move(done)]() mutable {
    if (claim != http::auth::body_sha256_hex(*shared)) return done(mismatch(*shared));
    inner_.handle(std::move(*shared), std::move(done));
  });
}

}  // namespace hayloft::app
