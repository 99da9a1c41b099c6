// CopyObject.
#include "s3/api/results.h"
#include "s3/service/copy_source.h"
#include "s3/service/object_headers.h"

namespace hayloft::s3::detail {

void copy_object(engine& e, call_ptr c) {
  const auto& req = c->req;
  if (c->addr.key.size() > max_key_bytes) return e.reply_error(*c, fail(errc::key_too_long));
  auto src_ref = parse_copy_source(*req.headers.get("x-amz-copy-source"));
  if (!src_ref.ok()) return e.reply_error(*c, src_ref.err());
  auto directive = req.headers.value_or("x-amz-metadata-directive", "COPY");
  if (directive != "COPY" && directive != "REPLACE")
    return e.reply_error(*c, fail(errc::invalid_argument, "Unknown metadata directive."));
  bool replace = directive == "REPLACE";
  std::optional<checksum_algorithm> wanted;
  if (auto a = req.headers.get("x-amz-checksum-algorithm")) {
    wanted = parse_algorithm(*a);
    if (!wanted) return e.reply_error(*c, fail(errc::invalid_request, "Checksum algorithm provided is unsupported."));
  }
  if (src_ref->bucket == c->addr.bucket && src_ref->key == c->addr.key && !src_ref->version_id && !replace &&
      !wanted && !req.headers.has("x-amz-storage-class"))
    return e.reply_error(*c, fail(errc::invalid_request,
                                  "This copy request is illegal because it is trying to copy an object to itself "
                                  "without changing the object's metadata, storage class, website redirect location "
                                  "or encryption attributes."));
  auto acl = request_acl(req, false);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  // x-amz-tagging-directive: COPY (the default) keeps the source's tags, REPLACE takes x-amz-tagging.
  auto tagging_directive = req.headers.value_or("x-amz-tagging-directive", "COPY");
  if (tagging_directive != "COPY" && tagging_directive != "REPLACE")
    return e.reply_error(*c, fail(errc::invalid_argument, "Unknown tagging directive."));
  auto tags = object_tags_from(req);
  if (!tags.ok()) return e.reply_error(*c, tags.err());
  auto lock = parse_lock_headers(req.headers, e.clock.now());
  if (!lock.ok()) return e.reply_error(*c, lock.err());
  if (auto dest = read_bucket(e, c->addr.bucket); !dest.ok()) return e.reply_error(*c, dest.err());
  auto loaded = load_copy_source(e, req, *src_ref);
  if (!loaded.ok()) return reply_copy_source_error(e, *c, *src_ref, loaded.err());
  auto src = std::make_shared<const object_row>(std::move(*loaded));
  auto oc = std::make_shared<object_commit>();
  oc->bucket = c->addr.bucket;
  oc->event_name = "ObjectCreated:Copy";
  oc->request_id = c->request_id;
  oc->host_id = c->host_id;
  oc->source_ip = req.remote;
  oc->row.key = c->addr.key;
  oc->row.acl = std::move(*acl);
  oc->row.tags = tagging_directive == "REPLACE" ? std::move(*tags) : src->tags;
  oc->lock = std::move(*lock);
  // The destination's storage class is the one asked for, else STANDARD (never the source's).
  auto storage = storage_class_from(req);
  if (!storage.ok()) return e.reply_error(*c, storage.err());
  oc->row.storage_class = std::move(*storage);
  if (replace) {
    auto headers = stored_headers_from(req);
    if (!headers.ok()) return e.reply_error(*c, headers.err());
    oc->row.headers = std::move(*headers);
    take_storage_class(oc->row.headers);
  } else {
    oc->row.headers = src->headers;
    // The copy is encrypted as the request or the destination bucket says, not as the source was.
    drop_encryption(oc->row.headers);
    if (auto sse = req.headers.get("x-amz-server-side-encryption")) {
      if (*sse != "AES256" && *sse != "aws:kms" && *sse != "aws:kms:dsse")
        return e.reply_error(*c, fail(errc::invalid_argument, "The encryption method specified is not supported"));
      for (auto name : {"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                        "x-amz-server-side-encryption-bucket-key-enabled"})
        if (auto v = req.headers.get(name); v && v->find('\n') == std::string_view::npos)
          oc->row.headers += std::string(name) + ": " + std::string(*v) + "\n";
    }
  }
  copy_spec spec;
  spec.first = 0;
  spec.length = src->size;
  bool recompute = wanted && static_cast<int>(*wanted) != src->checksum_alg;
  if (recompute) spec.checksum = *wanted;
  auto source = std::make_shared<copy_source>(std::move(*src_ref));
  copy_bytes(e, src, spec, e.work.hold(), [&e, c, oc, src, source, recompute](result<ingested> in) {
    if (!in.ok()) return e.reply_error(*c, in.err());
    auto& row = oc->row;
    row.size = src->size;
    row.etag = src->etag;
    row.parts = src->parts;
    row.modified_ms = core::to_unix_ms(e.clock.now());
    if (recompute) {
      row.checksum_alg = static_cast<int>(in->checksum_alg);
      row.checksum = in->checksum;
      row.checksum_type = "FULL_OBJECT";
    } else {
      row.checksum_alg = src->checksum_alg;
      row.checksum = src->checksum;
      row.checksum_type = src->checksum_type;
    }
    row.blob = in->blob;
    row.body = std::move(in->body);
    e.commit_object(oc, [&e, c, oc, src, source](result<void> r) {
      if (!r.ok()) return e.reply_error(*c, r.err());
      core::response resp;
      resp.headers.add("Content-Type", "application/xml");
      add_version_headers(resp, oc->row, oc->versioned);
      add_copy_source_version(e, resp, *source, *src);
      add_encryption_headers(resp, oc->row.headers);
      resp.body = render_copy_result("CopyObjectResult", oc->row.etag, core::from_unix_ms(oc->row.modified_ms),
                                     static_cast<checksum_algorithm>(oc->row.checksum_alg), oc->row.checksum);
      e.reply(*c, std::move(resp));
    });
  });
}

}  // namespace hayloft::s3::detail
