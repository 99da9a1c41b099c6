// PutObject, DeleteObject and DeleteObjects.
#include <algorithm>

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
  auto acl = request_acl(req, false);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  auto tags = object_tags_from(req);
  if (!tags.ok()) return e.reply_error(*c, tags.err());
  auto spec = ingest_spec_from(e, req);
  if (!spec.ok()) return e.reply_error(*c, spec.err());
  auto lock = parse_lock_headers(req.headers, e.clock.now());
  if (!lock.ok()) return e.reply_error(*c, lock.err());
  auto oc = std::make_shared<object_commit>();
  oc->lock = std::move(*lock);
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
  oc->row.storage_class = take_storage_class(oc->row.headers);
  oc->row.acl = std::move(*acl);
  oc->row.tags = std::move(*tags);
  // Fail fast for a missing bucket before reading a large body (the commit checks again).
  // (The cached row: no read per PUT; the commit decides with the row it reads.)
  if (auto bucket = e.cached_bucket(c->addr.bucket); !bucket.ok()) {
    return e.reply_error(*c, bucket.err());
  } else if (!*bucket) {
    return e.reply_error(*c, fail(errc::no_such_bucket));
  } else if (auto allowed = acl_allowed(**bucket, oc->row.acl); !allowed.ok()) {
    return e.reply_error(*c, allowed.err());
  }
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
      add_encryption_headers(resp, oc->row.headers);
      add_version_headers(resp, oc->row, oc->versioned);
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
  auto version = version_param(c->req);
  if (!version.ok()) return e.reply_error(*c, version.err());
  struct outcome {
    bucket_row bucket;
    deletion d;
  };
  auto out = std::make_shared<outcome>();
  auto key = c->addr.key;
  auto now_ms = core::to_unix_ms(e.clock.now());
  e.store.submit(
      [out, bucket = c->addr.bucket, key, version = *version, now_ms, bypass = bypass_governance(c->req),
       mfa = c->req.headers.has("x-amz-mfa")](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        out->bucket = std::move(**b);
        auto d = delete_in_transaction(db, out->bucket, key, version, now_ms, bypass, mfa);
        if (!d.ok()) return d.err();
        out->d = std::move(*d);
        return {};
      },
      [&e, c, out, key](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.after_deletion(out->bucket, key, out->d, *c);
        core::response resp;
        resp.status = 204;
        const auto& d = out->d;
        if (d.versioned || (d.existed && d.version_id != "null")) resp.headers.add("x-amz-version-id", d.version_id);
        if (d.marker_created || d.removed_marker) resp.headers.add("x-amz-delete-marker", "true");
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
    bucket_row bucket;
    std::vector<deletion> done;
    std::vector<delete_error> errors;  // per key, empty code when deleted
  };
  auto req = std::make_shared<delete_request>(std::move(*parsed));
  auto out = std::make_shared<outcome>();
  auto now_ms = core::to_unix_ms(e.clock.now());
  e.store.submit(
      [req, out, bucket = c->addr.bucket, now_ms, bypass = bypass_governance(c->req),
       mfa = c->req.headers.has("x-amz-mfa")](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        out->bucket = std::move(**b);
        // S3 fails the whole request when MFA delete is on, no MFA is given and a version is named.
        bool names_version = std::any_of(req->version_ids.begin(), req->version_ids.end(),
                                         [](const std::string& v) { return !v.empty(); });
        if (out->bucket.mfa_delete == "Enabled" && !mfa && names_version)
          return fail(errc::access_denied, "Mfa Authentication must be used for this request");
        for (std::size_t i = 0; i < req->keys.size(); ++i) {
          const auto& key = req->keys[i];
          const auto& vid = req->version_ids[i];
          std::optional<std::string> version;
          if (!vid.empty()) version = vid;
          out->errors.push_back({key, vid, "", ""});
          out->done.emplace_back();
          if (version && !valid_version_id(*version)) {
            out->errors.back().code = "NoSuchVersion";
            out->errors.back().message = "The specified version does not exist.";
            continue;
          }
          auto d = delete_in_transaction(db, out->bucket, key, version, now_ms, bypass, mfa);
          if (!d.ok()) {
            // A refusal for this key (object lock) is reported in the result; anything else
            // (SQLite) fails the request.
            auto code = to_errc(d.err().code);
            if (code == errc::internal_error) return d.err();
            out->errors.back().code = std::string(describe(code).code);
            out->errors.back().message = d.err().message.empty() ? std::string(describe(code).message) : d.err().message;
            continue;
          }
          out->done.back() = std::move(*d);
        }
        return {};
      },
      [&e, c, req, out](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        std::vector<deleted_entry> deleted;
        std::vector<delete_error> errors;
        for (std::size_t i = 0; i < req->keys.size(); ++i) {
          if (!out->errors[i].code.empty()) {
            errors.push_back(std::move(out->errors[i]));
            continue;
          }
          const auto& d = out->done[i];
          e.after_deletion(out->bucket, req->keys[i], d, *c);
          if (req->quiet) continue;
          deleted_entry entry{req->keys[i], req->version_ids[i], false, {}};
          if (d.marker_created || d.removed_marker) {
            entry.delete_marker = true;
            entry.delete_marker_version_id = d.version_id;
          }
          deleted.push_back(std::move(entry));
        }
        core::response resp;
        resp.headers.add("Content-Type", "application/xml");
        resp.body = render_delete_result(deleted, errors);
        e.reply(*c, std::move(resp));
      });
}

}  // namespace hayloft::s3::detail
