#pragma once
// Internal: x-amz-copy-source parsing, source lookup and copying (part of) a stored object's
// bytes into a new inline body or blob file (on the task_runner when the source is a file).
#include <functional>
#include <optional>
#include <string>

#include "s3/service/engine.h"
#include "s3/service/ingest.h"

namespace hayloft::s3::detail {

struct copy_source {
  std::string bucket;
  std::string key;
  std::optional<std::string> version_id;  // ?versionId= of the header
};
// "bucket/key" or "/bucket/key", percent-encoded, optionally "?versionId=...".
result<copy_source> parse_copy_source(std::string_view header);

// Reads the source version (with inline body) and applies x-amz-copy-source-if-* conditions. A
// latest version that is a delete marker is NoSuchKey; one named by its id is InvalidRequest.
result<object_row> load_copy_source(engine& e, const core::request& req, const copy_source& src);
// Answers a load_copy_source failure: NoSuchBucket and NoSuchKey name the source bucket and key
// (what is missing), not the destination the request addressed.
void reply_copy_source_error(engine& e, call& c, const copy_source& src, const hayloft::error& err);
// x-amz-copy-source-version-id for the answer: the source's version id unless the source bucket
// was never versioned (then the header is absent, as in S3).
void add_copy_source_version(engine& e, core::response& r, const copy_source& src, const object_row& row);

struct copy_spec {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
  bool compute_md5 = false;
  checksum_algorithm checksum = checksum_algorithm::none;  // computed when not none
  bool force_blob = false;
};
// Copies bytes [first, first+length) of src. done runs once (inline for inline sources,
// else on a pool thread). The result's md5/checksum are set only when requested.
void copy_bytes(engine& e, std::shared_ptr<const object_row> src, copy_spec spec, inflight::guard guard,
                std::function<void(result<ingested>)> done);

}  // namespace hayloft::s3::detail
