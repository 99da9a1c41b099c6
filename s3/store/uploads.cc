#include "s3/store/uploads.h"

namespace hayloft::s3 {
namespace {
std::string_view blob_arg(std::string_view s) { return s.empty() ? std::string_view("", 0) : s; }

upload_row read_upload(const hayloft::store::statement& s) {
  return {s.text(0), s.text(1), std::string(s.blob_view(2)), s.int64(3), s.text(4), static_cast<int>(s.int64(5)),
          s.text(6), s.text(7)};
}
}  // namespace

result<void> insert_upload(database& db, const upload_row& u) {
  static const std::string sql =
      "INSERT INTO s3_uploads(upload_id, bucket, key, initiated_ms, headers, checksum_alg, checksum_type, acl) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)
      ->bind(1, u.upload_id)
      .bind(2, u.bucket)
      .bind_blob(3, blob_arg(u.key))
      .bind(4, u.initiated_ms)
      .bind(5, u.headers)
      .bind(6, u.checksum_alg)
      .bind(7, u.checksum_type)
      .bind(8, u.acl)
      .run();
}

result<std::optional<upload_row>> find_upload(database& db, std::string_view upload_id) {
  static const std::string sql =
      "SELECT upload_id, bucket, key, initiated_ms, headers, checksum_alg, checksum_type, acl FROM s3_uploads "
      "WHERE upload_id = ?1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, upload_id);
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<upload_row>{};
  auto u = read_upload(s);
  s.reset();
  return std::optional<upload_row>(std::move(u));
}

result<std::vector<std::string>> delete_upload(database& db, std::string_view upload_id) {
  std::vector<std::string> blobs;
  static const std::string parts_sql = "DELETE FROM s3_parts WHERE upload_id = ?1 RETURNING blob";
  auto st = db.cached(parts_sql);
  if (!st.ok()) return st.err();
  (*st)->bind(1, upload_id);
  for (;;) {
    auto row = (*st)->step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    blobs.push_back((*st)->text(0));
  }
  static const std::string sql = "DELETE FROM s3_uploads WHERE upload_id = ?1";
  auto del = db.cached(sql);
  if (!del.ok()) return del.err();
  HAYLOFT_TRY((*del)->bind(1, upload_id).run());
  return blobs;
}

result<std::optional<std::string>> upsert_part(database& db, std::string_view upload_id, const part_row& p) {
  std::optional<std::string> old;
  {
    static const std::string sql = "SELECT blob FROM s3_parts WHERE upload_id = ?1 AND part_number = ?2";
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    (*st)->bind(1, upload_id).bind(2, p.number);
    auto row = (*st)->step();
    if (!row.ok()) return row.err();
    if (*row) old = (*st)->text(0);
    (*st)->reset();
  }
  static const std::string sql =
      "INSERT OR REPLACE INTO s3_parts(upload_id, part_number, size, etag, modified_ms, checksum, blob) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  HAYLOFT_TRY((*st)
                  ->bind(1, upload_id)
                  .bind(2, p.number)
                  .bind(3, static_cast<std::int64_t>(p.size))
                  .bind(4, p.etag)
                  .bind(5, p.modified_ms)
                  .bind(6, p.checksum)
                  .bind(7, p.blob)
                  .run());
  return old;
}

result<std::vector<part_row>> list_part_rows(database& db, std::string_view upload_id, int after, int limit) {
  static const std::string sql =
      "SELECT part_number, size, etag, modified_ms, checksum, blob FROM s3_parts WHERE upload_id = ?1 "
      "AND part_number > ?2 ORDER BY part_number LIMIT ?3";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, upload_id).bind(2, after).bind(3, limit);
  std::vector<part_row> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({static_cast<int>(s.int64(0)), static_cast<std::uint64_t>(s.int64(1)), s.text(2), s.int64(3),
                   s.text(4), s.text(5)});
  }
  return out;
}

result<std::vector<upload_row>> list_upload_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                 std::string_view key_marker, std::string_view upload_id_marker,
                                                 int limit) {
  // After (key_marker, upload_id_marker): keys greater than the marker, or the marker key with a
  // later upload id (S3 orders uploads of one key by initiation; ids are assigned increasing).
  static const std::string sql =
      "SELECT upload_id, bucket, key, initiated_ms, headers, checksum_alg, checksum_type, acl FROM s3_uploads "
      "WHERE bucket = ?1 AND substr(key, 1, length(?2)) = ?2 "
      "AND (key > ?3 OR (key = ?3 AND ?4 <> '' AND upload_id > ?4)) "
      "ORDER BY key, upload_id LIMIT ?5";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(prefix)).bind_blob(3, blob_arg(key_marker)).bind(4, upload_id_marker).bind(5, limit);
  std::vector<upload_row> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back(read_upload(s));
  }
  return out;
}

}  // namespace hayloft::s3
