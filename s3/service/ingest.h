#pragma once
// Internal: turns a request body into verified bytes. Decodes aws-chunked, computes MD5 (ETag)
// and the requested checksum, verifies Content-MD5, x-amz-content-sha256, x-amz-checksum-* and
// trailer checksums, then keeps small bodies in memory and commits large ones as blob files.
// Small in-memory bodies are handled inline on the calling (I/O) thread; anything spilled to a
// file or larger than the inline threshold is processed on the blocking task_runner.
#include <functional>
#include <optional>
#include <string>

#include "s3/service/engine.h"

namespace hayloft::s3::detail {

struct ingest_spec {
  checksum_request checksum;
  std::optional<std::string> content_md5;     // raw 16 bytes
  std::optional<std::string> content_sha256;  // raw 32 bytes (non-streaming signed payloads)
  bool chunked = false;
  std::optional<std::uint64_t> decoded_length;  // x-amz-decoded-content-length
  bool force_blob = false;                      // parts are always files
};

struct ingested {
  std::uint64_t size = 0;
  std::string md5_raw;
  checksum_algorithm checksum_alg = checksum_algorithm::none;
  std::string checksum;              // base64 of the body's checksum (when an algorithm applies)
  std::string body;                  // when kept in memory
  std::optional<std::string> blob;   // committed blob id otherwise
};

// Reads headers into a spec (InvalidDigest, InvalidRequest, EntityTooLarge, ...).
result<ingest_spec> ingest_spec_from(const engine& e, const core::request& req);

// Consumes c->req's body. done runs exactly once: inline (small bodies) or on a pool thread.
void ingest_body(engine& e, const call_ptr& c, ingest_spec spec, std::function<void(result<ingested>)> done);

}  // namespace hayloft::s3::detail
