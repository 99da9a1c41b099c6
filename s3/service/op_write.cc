// PutObject, DeleteObject, DeleteObjects and the object ACL operations.
#include "s3/api/documents.h"
#include "s3/api/results.h"
#include "s3/service/engine.h"
#include "s3/service/ingest.h"
#include "s3/service/object_headers.h"

namespace hayloft::s3::detail {

void put_object(engine& e, call_ptr c) {
  const auto& req = c->req;
  if (c->addr.key.size() > max_key_bytes) return e.reply_error(*c, fail(errc::key_too_long));
  auto headers = stored_headers_from(req);
  if (!headers.ok()) return e.reply_error(*c, headers.err());
  auto acl = canned_acl_from(req);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  auto spec = ingest_spec_from(e, req);
  if (!spec.ok()) return e.reply_error(*c, spec.err());
  auto oc = std::make_shared<object_commit>();
  oc->bucket = c->addr.bucket;
  oc->event_name = "ObjectCreated:Put";
  oc->request_id = c->request_id;
  oc->host_id = c->host_id;
  oc->source_ip = req.remote;
  if (auto im = req.headers.get("if-match")) oc->if_match = std::string(*im);
  if (auto inm = req.headers.get("if-none-match")) {
    if (*inm != "*")
      return e.reply_error(*c, fail(errc::not_implemented, "We don't accept the provided value of If-None-Match header for this API"));
    oc->if_none_match = true;
  }
  oc->row.key = c->addr.key;
  oc->row.headers = std::move(*headers);
  oc->row.acl = std::move(*acl);
  // Fail fast for a missing bucket before reading a large body (the commit checks again).
  if (auto bucket = read_bucket(e, c->addr.bucket); !bucket.ok()) return e.reply_error(*c, bucket.err());
  ingest_body(e, c, std::move(*spec), [&e, c, oc](result<ingested> in) {
    if (!in.ok()) return e.reply_error(*c, in.err());
    auto& row = oc->row;
    row.size = in->size;
    row.etag = quote_etag(core::to_hex(in->md5_raw));
    row.modified_ms = core::to_unix_ms(e.clock.now());
    row.checksum_alg = static_cast<int>(in->checksum_alg);
    row.checksum = in->checksum;
    row.checksum_type = in->checksum_alg == checksum_algorithm::none ? "" : "FULL_OBJECT";
    row.blob = in->blob;
    row.body = std::move(in->body);
    e.commit_object(oc, [&e, c, oc](result<void> r) {
      if (!r.ok()) return e.reply_error(*c, r.err());
      core::response resp;
      resp.headers.add("ETag", oc->row.etag);
      if (oc->row.checksum_alg != 0) {
        resp.headers.add(std::string(algorithm_header(static_cast<checksum_algorithm>(oc->row.checksum_alg))),
                         oc->row.checksum);
        resp.headers.add("x-amz-checksum-type", oc->row.checksum_type);
      }
      e.reply(*c, std::move(resp));
    });
  });
}

void delete_object(engine& e, call_ptr c) {
  e.remove_object(c->addr.bucket, c->addr.key, c->request_id, c->host_id, [&e, c](result<bool> r) {
    if (!r.ok()) return e.reply_error(*c, r.err());
    core::response resp;
    resp.status = 204;
    e.reply(*c, std::move(resp));
  });
}

void delete_objects(engine& e, call_ptr c) {
  auto text = xml_body(c->req);
  if (!text.ok()) return e.reply_error(*c, text.err());
  const auto& body = *text;
  if (auto md5 = content_md5(c->req.headers); !md5.ok()) {
    return e.reply_error(*c, md5.err());
  } else if (*md5 && **md5 != core::md5_raw(body)) {
    return e.reply_error(*c, fail(errc::bad_digest));
  }
  auto parsed = parse_delete(body);
  if (!parsed.ok()) return e.reply_error(*c, parsed.err());
  struct outcome {
    std::vector<removed_object> removed;
    std::string notification, region;
  };
  auto req = std::make_shared<delete_request>(std::move(*parsed));
  auto out = std::make_shared<outcome>();
  auto bucket = c->addr.bucket;
  e.store.submit(
      [req, out, bucket](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        out->notification = (*b)->notification;
        out->region = (*b)->region;
        for (const auto& key : req->keys) {
          auto r = delete_object_row(db, bucket, key);
          if (!r.ok()) return r.err();
          out->removed.push_back(std::move(*r));
        }
        return {};
      },
      [&e, c, req, out, bucket](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        std::vector<std::string> deleted, blobs;
        for (std::size_t i = 0; i < req->keys.size(); ++i) {
          const auto& key = req->keys[i];
          auto& rm = out->removed[i];
          e.cache.invalidate(bucket, key);
          if (rm.blob) blobs.push_back(*rm.blob);
          if (rm.existed && !out->notification.empty())
            e.emit(out->notification, out->region, "ObjectRemoved:Delete", bucket, key, 0, "", c->request_id,
                   c->host_id, c->req.remote);
          if (!req->quiet) deleted.push_back(key);
        }
        e.remove_blobs_later(std::move(blobs));
        core::response resp;
        resp.headers.add("Content-Type", "application/xml");
        resp.body = render_delete_result(deleted, {});
        e.reply(*c, std::move(resp));
      });
}

void get_object_acl(engine& e, call_ptr c) {
  auto reader = e.store.reader();
  auto row = find_object(*reader, c->addr.bucket, c->addr.key, false);
  if (!row.ok()) return e.reply_error(*c, row.err());
  if (!*row) {
    auto bucket = find_bucket(*reader, c->addr.bucket);
    if (!bucket.ok()) return e.reply_error(*c, bucket.err());
    return e.reply_error(*c, fail(*bucket ? errc::no_such_key : errc::no_such_bucket));
  }
  core::response resp;
  resp.headers.add("Content-Type", "application/xml");
  resp.body = render_acl((*row)->acl);
  e.reply(*c, std::move(resp));
}

void put_object_acl(engine& e, call_ptr c) {
  std::string acl;
  if (c->req.headers.has("x-amz-acl")) {
    auto canned = canned_acl_from(c->req);
    if (!canned.ok()) return e.reply_error(*c, canned.err());
    acl = std::move(*canned);
  } else {
    auto body = xml_body(c->req);
    if (!body.ok()) return e.reply_error(*c, body.err());
    auto policy = parse_access_control_policy(*body);
    if (!policy.ok()) return e.reply_error(*c, policy.err());
    acl = std::move(*policy);
  }
  auto bucket = c->addr.bucket, key = c->addr.key;
  e.store.submit(
      [bucket, key, acl](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        auto changed = set_object_acl(db, bucket, key, acl);
        if (!changed.ok()) return changed.err();
        if (!*changed) return fail(errc::no_such_key);
        return {};
      },
      [&e, c](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.cache.invalidate(c->addr.bucket, c->addr.key);
        e.reply(*c, core::response{});
      });
}

}  // namespace hayloft::s3::detail
