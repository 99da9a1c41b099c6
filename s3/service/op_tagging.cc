// Bucket and object tagging: Get/Put/DeleteBucketTagging, Get/Put/DeleteObjectTagging, and the
// x-amz-tagging header of writes (object_tags_from). Tags are stored in encode_tags form: the
// bucket's `tagging` document column, each version's `tags` column.
#include "s3/api/tagging.h"
#include "s3/service/engine.h"
#include "s3/service/object_headers.h"

namespace hayloft::s3::detail {
namespace {

// Replaces the tags of the addressed version (?versionId= or the latest) in one transaction and
// sends ObjectTagging:Put / ObjectTagging:Delete.
void set_object_tags(engine& e, call_ptr c, std::string stored, unsigned status, std::string_view event) {
  auto version = version_param(c->req);
  if (!version.ok()) return e.reply_error(*c, version.err());
  struct outcome {
    bucket_row bucket;
    object_row row;
  };
  auto out = std::make_shared<outcome>();
  e.store.submit(
      [out, bucket = c->addr.bucket, key = c->addr.key, version = *version,
       stored = std::move(stored)](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        out->bucket = std::move(**b);
        auto row = version ? find_object_version(db, bucket, key, *version, false) : find_object(db, bucket, key, false);
        if (!row.ok()) return row.err();
        if (!*row) return fail(version ? errc::no_such_version : errc::no_such_key);
        if ((*row)->delete_marker) return fail(version ? errc::method_not_allowed : errc::no_such_key);
        (*row)->tags = stored;
        HAYLOFT_TRY(update_object_state(db, bucket, **row));
        out->row = std::move(**row);
        return {};
      },
      [&e, c, out, status, event](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.cache.invalidate(c->addr.bucket, c->addr.key);
        const auto& row = out->row;
        e.emit(out->bucket.notification, out->bucket.region, event, c->addr.bucket, row.key, row.size, row.etag,
               c->request_id, c->host_id, c->req.remote, out->bucket.versioning.empty() ? "" : row.version_id);
        core::response resp;
        resp.status = status;
        add_version_headers(resp, row, row.version_id != "null");
        e.reply(*c, std::move(resp));
      });
}

}  // namespace

result<std::string> object_tags_from(const core::request& req) {
  auto header = req.headers.get("x-amz-tagging");
  if (!header) return std::string();
  auto tags = parse_tagging_header(*header);
  if (!tags.ok()) return tags.err();
  return encode_tags(*tags);
}

void get_bucket_tagging(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& stored = b->doc(bucket_doc::tagging);
  if (stored.empty()) return e.reply_error(*c, fail(errc::no_such_tag_set));
  e.reply(*c, xml_response(render_tagging(decode_tags(stored))));
}

void put_bucket_tagging(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto tags = parse_tagging(*body, tag_target::bucket);
  if (!tags.ok()) return e.reply_error(*c, tags.err());
  store_bucket_doc(e, c, bucket_doc::tagging, encode_tags(*tags), 204);
}

void delete_bucket_tagging(engine& e, call_ptr c) { store_bucket_doc(e, c, bucket_doc::tagging, std::string(), 204); }

void get_object_tagging(engine& e, call_ptr c) {
  auto row = read_version(e, *c, false);
  if (!row.ok()) return e.reply_error(*c, row.err());
  auto resp = xml_response(render_tagging(decode_tags(row->tags)));
  add_version_headers(resp, *row, row->version_id != "null");
  e.reply(*c, std::move(resp));
}

void put_object_tagging(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto tags = parse_tagging(*body, tag_target::object);
  if (!tags.ok()) return e.reply_error(*c, tags.err());
  set_object_tags(e, c, encode_tags(*tags), 200, "ObjectTagging:Put");
}

void delete_object_tagging(engine& e, call_ptr c) { set_object_tags(e, c, std::string(), 204, "ObjectTagging:Delete"); }

}  // namespace hayloft::s3::detail
