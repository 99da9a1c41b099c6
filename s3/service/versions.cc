// Version ids and what DELETE does to a key's versions.
#include "emulator/core/ids.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {
constexpr std::size_t version_id_chars = 32;  // base64url of 24 random bytes

bool url_safe(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '_';
}
}  // namespace

std::string new_version_id() { return core::random_token(24); }

bool valid_version_id(std::string_view id) {
  if (id == "null") return true;
  if (id.size() != version_id_chars) return false;
  for (char ch : id)
    if (!url_safe(ch)) return false;
  return true;
}

result<std::optional<std::string>> version_param(const core::request& req) {
  auto v = req.param("versionId");
  if (!v) return std::optional<std::string>{};
  if (!valid_version_id(*v)) return fail(errc::invalid_argument, "Invalid version id specified");
  return std::optional<std::string>(std::string(*v));
}

result<void> check_lock(const object_row& row, std::int64_t now_ms, bool bypass) {
  bool retained = !row.lock_mode.empty() && row.lock_until_ms > now_ms &&
                  (row.lock_mode == "COMPLIANCE" || !bypass);
  if (retained || row.legal_hold == 1)
    return fail(errc::access_denied, "Access Denied because object protected by object lock.");
  return {};
}

bool bypass_governance(const core::request& req) {
  auto h = req.headers.get("x-amz-bypass-governance-retention");
  return h && core::iequals(*h, "true");
}

result<deletion> delete_in_transaction(database& db, const bucket_row& bucket, std::string_view key,
                                       const std::optional<std::string>& version_id,
                                       std::int64_t now_ms, bool bypass, bool has_mfa) {
  deletion d;
  d.versioned = !bucket.versioning.empty();
  if (version_id && bucket.mfa_delete == "Enabled" && !has_mfa)
    return fail(errc::access_denied, "Mfa Authentication must be used for this request");
  if (version_id || bucket.versioning.empty()) {
    d.version_id = version_id.value_or("null");
    if (!bucket.object_lock.empty()) {
      auto row = find_object_version(db, bucket.name, key, d.version_id, false);
      if (!row.ok()) return row.err();
      if (*row) HAYLOFT_TRY(check_lock(**row, now_ms, bypass));
    }
    auto removed = delete_object_version(db, bucket.name, key, d.version_id);
    if (!removed.ok()) return removed.err();
    d.existed = removed->existed;
    d.removed_marker = removed->delete_marker;
    d.blob = std::move(removed->blob);
    return d;
  }
  // Versioned: a delete marker becomes the latest version. Suspended buckets write it as the
  // null version, which replaces (and so removes) the key's previous null version.
  object_row marker;
  marker.key = std::string(key);
  marker.delete_marker = true;
  marker.modified_ms = now_ms;
  marker.version_id = bucket.versioning == "Enabled" ? new_version_id() : "null";
  auto replaced = upsert_object(db, bucket.name, marker);
  if (!replaced.ok()) return replaced.err();
  d.blob = std::move(*replaced);
  d.marker_created = true;
  d.version_id = marker.version_id;
  return d;
}

result<object_row> read_version(engine& e, const call& c, bool with_body) {
  auto version = version_param(c.req);
  if (!version.ok()) return version.err();
  auto reader = e.store.reader();
  auto row = *version
                 ? find_object_version(*reader, c.addr.bucket, c.addr.key, **version, with_body)
                 : find_object(*reader, c.addr.bucket, c.addr.key, with_body);
  if (!row.ok()) return row.err();
  if (!*row) {
    auto bucket = find_bucket(*reader, c.addr.bucket);
    if (!bucket.ok()) return bucket.err();
    if (!*bucket) return fail(errc::no_such_bucket);
    return fail(*version ? errc::no_such_version : errc::no_such_key);
  }
  if ((*row)->delete_marker) return fail(*version ? errc::method_not_allowed : errc::no_such_key);
  return std::move(**row);
}

void add_version_headers(core::response& r, const object_row& row, bool versioned) {
  if (versioned || row.version_id != "null") r.headers.add("x-amz-version-id", row.version_id);
  if (row.delete_marker) r.headers.add("x-amz-delete-marker", "true");
}

}  // namespace hayloft::s3::detail
