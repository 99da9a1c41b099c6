#pragma once
// Renderers for S3 XML response documents. Input structs are plain values filled by the service.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "s3/api/checksums.h"

namespace hayloft::s3 {

// The single owner every bucket and object reports (hayloft has one account).
inline constexpr std::string_view owner_id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
inline constexpr std::string_view owner_display_name = "webfile";

struct bucket_entry {
  std::string name;
  core::time_point created;
  std::string region;
};
std::string render_list_buckets(const std::vector<bucket_entry>& buckets, std::string_view prefix,
                                std::string_view continuation_token);
// <LocationConstraint>: empty for us-east-1, as S3 answers.
std::string render_location(std::string_view region);

struct object_entry {
  std::string key;
  core::time_point last_modified;
  std::string etag;  // quoted
  std::uint64_t size = 0;
  checksum_algorithm checksum_alg = checksum_algorithm::none;
  std::string checksum_type;  // FULL_OBJECT / COMPOSITE when checksum_alg is set
  std::string storage_class = "STANDARD";
};

struct list_objects_result {
  bool v2 = false;
  std::string bucket, prefix, delimiter;
  std::string marker;              // v1 Marker
  std::string next_marker;         // v1 NextMarker (only with a delimiter)
  std::string start_after;         // v2
  std::string continuation_token;  // v2, as received
  std::string next_continuation_token;
  bool has_continuation_token = false;
  bool has_start_after = false;
  int max_keys = 1000;
  bool truncated = false;
  bool url_encoding = false;
  bool fetch_owner = false;  // v2; v1 always lists owners
  std::vector<object_entry> contents;
  std::vector<std::string> common_prefixes;
};
std::string render_list_objects(const list_objects_result& r);

// ListObjectVersions: versions and delete markers in S3's order (by key, newest first), which is
// also the order they are written in (Version and DeleteMarker elements interleaved).
struct version_entry : object_entry {
  std::string version_id;
  bool latest = false;
  bool delete_marker = false;
};
struct list_versions_result {
  std::string bucket, prefix, delimiter, key_marker, version_id_marker, next_key_marker, next_version_id_marker;
  int max_keys = 1000;
  bool truncated = false;
  bool url_encoding = false;
  std::vector<version_entry> versions;
  std::vector<std::string> common_prefixes;
};
std::string render_list_versions(const list_versions_result& r);

std::string render_initiate_multipart(std::string_view bucket, std::string_view key, std::string_view upload_id);
std::string render_complete_multipart(std::string_view location, std::string_view bucket, std::string_view key,
                                      std::string_view etag, checksum_algorithm alg, std::string_view checksum,
                                      std::string_view checksum_type);
// CopyObjectResult or CopyPartResult.
std::string render_copy_result(std::string_view root, std::string_view etag, core::time_point last_modified,
                               checksum_algorithm alg, std::string_view checksum);

struct part_entry {
  int number = 0;
  core::time_point last_modified;
  std::string etag;  // quoted
  std::uint64_t size = 0;
  std::string checksum;  // base64 or empty
};
struct list_parts_result {
  std::string bucket, key, upload_id;
  int part_number_marker = 0;
  int next_part_number_marker = 0;
  int max_parts = 1000;
  bool truncated = false;
  checksum_algorithm checksum_alg = checksum_algorithm::none;
  std::vector<part_entry> parts;
};
std::string render_list_parts(const list_parts_result& r);

struct upload_entry {
  std::string key, upload_id;
  core::time_point initiated;
  checksum_algorithm checksum_alg = checksum_algorithm::none;
};
struct list_uploads_result {
  std::string bucket, prefix, delimiter, key_marker, upload_id_marker, next_key_marker, next_upload_id_marker;
  int max_uploads = 1000;
  bool truncated = false;
  bool url_encoding = false;
  std::vector<upload_entry> uploads;
  std::vector<std::string> common_prefixes;
};
std::string render_list_uploads(const list_uploads_result& r);

struct deleted_entry {
  std::string key;
  std::string version_id;  // as requested (empty when none was)
  bool delete_marker = false;
  std::string delete_marker_version_id;
};
struct delete_error {
  std::string key, version_id, code, message;
};
std::string render_delete_result(const std::vector<deleted_entry>& deleted, const std::vector<delete_error>& errors);

// <VersioningConfiguration>: empty for a bucket that was never versioned.
std::string render_versioning_configuration(std::string_view status, std::string_view mfa_delete);

// AccessControlPolicy for a canned ACL ("private", "public-read", ...). A stored custom policy
// document (starting with '<') is returned as is.
std::string render_acl(std::string_view acl);
// The canned ACLs S3 accepts in x-amz-acl.
bool valid_canned_acl(std::string_view acl);

// "a b/c" -> "a%20b/c": encoding-type=url as S3 applies it to keys and prefixes.
std::string url_encode_key(std::string_view key);

}  // namespace hayloft::s3
