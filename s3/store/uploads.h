#pragma once
// Multipart uploads and their parts. Same threading rules as tables.h.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "s3/store/tables.h"

namespace hayloft::s3 {

struct upload_row {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::int64_t initiated_ms = 0;
  std::string headers;  // applied to the object at completion
  int checksum_alg = 0;
  std::string checksum_type;
  std::string acl = "private";
};

struct part_row {
  int number = 0;
  std::uint64_t size = 0;
  std::string etag;  // quoted MD5 hex
  std::int64_t modified_ms = 0;
  std::string checksum;
  std::string blob;
};

result<void> insert_upload(database& db, const upload_row& u);
result<std::optional<upload_row>> find_upload(database& db, std::string_view upload_id);
// Deletes the upload and its parts; returns the part blob ids (to remove after commit).
result<std::vector<std::string>> delete_upload(database& db, std::string_view upload_id);
// Inserts or replaces a part; returns the replaced part's blob id, if any.
result<std::optional<std::string>> upsert_part(database& db, std::string_view upload_id, const part_row& p);
// Parts with number > after, in order, at most limit (limit < 0: all).
result<std::vector<part_row>> list_part_rows(database& db, std::string_view upload_id, int after, int limit);
// Uploads of a bucket ordered by (key, initiated, upload id), starting after the markers.
result<std::vector<upload_row>> list_upload_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                 std::string_view key_marker, std::string_view upload_id_marker,
                                                 int limit);

}  // namespace hayloft::s3
