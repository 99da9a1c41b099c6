#pragma once
// `--auth`: checks every S3 and SQS request's SigV4/SigV2 signature (header or presigned URL,
// expiry enforced) before the service sees it, and answers failures with the error the real
// service sends, rendered by that service. A request whose signature covers a literal SHA-256
// of the payload also has its body checked (off the I/O thread when the body was spilled).
//
// Threading: handle() runs on an I/O thread; verification is a pure function (a small body is
// hashed inline, a spilled one on the blocking pool).
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"
#include "emulator/http/auth/verify.h"

namespace hayloft::app {

class auth_gate final : public core::request_handler {
 public:
  auth_gate(core::request_handler& inner, http::auth::protocol protocol, const http::auth::credentials_provider& creds,
            core::clock& clock, core::task_runner& blocking);
  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override {
    return inner_.render_error(req, err);
  }

 private:
  core::request_handler& inner_;
  http::auth::protocol protocol_;
  const http::auth::credentials_provider& creds_;
  core::clock& clock_;
  core::task_runner& blocking_;
};

}  // namespace hayloft::app
