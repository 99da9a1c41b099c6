// Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts.
// Parts are always blob files. Complete concatenates the selected parts into one new blob on the
// task_runner (copy_file_range, so a 1 GiB object never passes through user memory) and commits
// the object and the upload's removal in one transaction; part files are removed afterwards.
#include <charconv>

#include "emulator/core/ids.h"
#include "s3/api/conditions.h"
#include "s3/api/documents.h"
#include "s3/api/results.h"
#include "s3/service/copy_source.h"
#include "s3/service/object_headers.h"
#include "s3/store/uploads.h"

namespace hayloft::s3::detail {
namespace {

// The upload named by ?uploadId, which must belong to the addressed bucket and key.
result<upload_row> load_upload(engine& e, const call& c) {
  auto id = c.req.param("uploadId").value_or("");
  auto reader = e.store.reader();
  auto u = find_upload(*reader, id);
  if (!u.ok()) return u.err();
  if (!*u || (*u)->bucket != c.addr.bucket || (*u)->key != c.addr.key) {
    auto b = find_bucket(*reader, c.addr.bucket);
    if (!b.ok()) return b.err();
    return fail(*b ? errc::no_such_upload : errc::no_such_bucket);
  }
  return std::move(**u);
}

// x-amz-copy-source-range: only "bytes=first-last" with first <= last < size.
bool parse_copy_range(std::string_view h, std::uint64_t size, byte_range& out) {
  if (!h.starts_with("bytes=")) return false;
  h.remove_prefix(6);
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return false;
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  auto ra = std::from_chars(a.data(), a.data() + a.size(), out.first);
  auto rb = std::from_chars(b.data(), b.data() + b.size(), out.last);
  if (a.empty() || b.empty() || ra.ec != std::errc{} || rb.ec != std::errc{} || ra.ptr != a.data() + a.size() ||
      rb.ptr != b.data() + b.size())
    return false;
  return out.first <= out.last && out.last < size;
}

result<int> part_number(const core::request& req) {
  auto v = req.param("partNumber").value_or("");
  int n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size() || n < 1 || n > 10000)
    return fail(errc::invalid_part_number);
  return n;
}

// Records a part whose bytes are committed as `in.blob`, then answers with `respond`.
void commit_part(engine& e, call_ptr c, std::string upload_id, part_row part,
                 std::function<core::response(const part_row&)> respond) {
  auto p = std::make_shared<part_row>(std::move(part));
  auto old = std::make_shared<std::optional<std::string>>();
  e.store.submit(
      [upload_id, p, old](database& db) -> result<void> {
        auto u = find_upload(db, upload_id);
        if (!u.ok()) return u.err();
        if (!*u) return fail(errc::no_such_upload);
        auto replaced = upsert_part(db, upload_id, *p);
        if (!replaced.ok()) return replaced.err();
        *old = std::move(*replaced);
        return {};
      },
      [&e, c, p, old, respond = std::move(respond)](result<void> r) {
        if (!r.ok()) {
          e.blobs.remove(p->blob);
          return e.reply_error(*c, r.err());
        }
        if (*old) e.remove_blobs_later({**old});
        e.reply(*c, respond(*p));
      });
}

}  // namespace

void create_multipart_upload(engine& e, call_ptr c) {
  const auto& req = c->req;
  if (c->addr.key.size() > max_key_bytes) return e.reply_error(*c, fail(errc::key_too_long));
  auto headers = stored_headers_from(req);
  if (!headers.ok()) return e.reply_error(*c, headers.err());
  auto acl = request_acl(req, false);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  // The lock the object will get is kept with the upload's headers until completion.
  auto lock = parse_lock_headers(req.headers, e.clock.now());
  if (!lock.ok()) return e.reply_error(*c, lock.err());
  for (auto name : {"x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold"})
    if (auto v = req.headers.get(name)) *headers += std::string(name) + ": " + std::string(*v) + "\n";
  // So do the tags (in stored form, which holds no line break).
  auto tags = object_tags_from(req);
  if (!tags.ok()) return e.reply_error(*c, tags.err());
  if (!tags->empty()) *headers += "x-amz-tagging: " + *tags + "\n";
  auto u = std::make_shared<upload_row>();
  if (auto a = req.headers.get("x-amz-checksum-algorithm")) {
    auto alg = parse_algorithm(*a);
    if (!alg)
      return e.reply_error(*c, fail(errc::invalid_request,
                                    "Checksum algorithm provided is unsupported. Please try again with any of the "
                                    "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"));
    u->checksum_alg = static_cast<int>(*alg);
    u->checksum_type = *alg == checksum_algorithm::crc64nvme ? "FULL_OBJECT" : "COMPOSITE";
  }
  if (auto t = req.headers.get("x-amz-checksum-type")) {
    if (*t != "COMPOSITE" && *t != "FULL_OBJECT")
      return e.reply_error(*c, fail(errc::invalid_request, "Value for x-amz-checksum-type header is invalid."));
    if (u->checksum_alg == 0)
      return e.reply_error(*c, fail(errc::invalid_request,
                                    "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm "
                                    "header."));
    u->checksum_type = std::string(*t);
  }
  auto now = e.clock.now();
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%012llx", static_cast<unsigned long long>(core::to_unix_ms(now)));
  u->upload_id = std::string(prefix) + core::random_hex(16);
  u->bucket = c->addr.bucket;
  u->key = c->addr.key;
  u->initiated_ms = core::to_unix_ms(now);
  u->headers = std::move(*headers);
  u->acl = std::move(*acl);
  e.store.submit(
      [u](database& db) -> result<void> {
        auto b = find_bucket(db, u->bucket, u->acl != "private");
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        HAYLOFT_TRY(acl_allowed(**b, u->acl));
        return insert_upload(db, *u);
      },
      [&e, c, u](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        auto resp = xml_response(render_initiate_multipart(u->bucket, u->key, u->upload_id));
        add_encryption_headers(resp, u->headers);
        if (u->checksum_alg != 0) {
          resp.headers.add("x-amz-checksum-algorithm", std::string(algorithm_name(static_cast<checksum_algorithm>(u->checksum_alg))));
          resp.headers.add("x-amz-checksum-type", u->checksum_type);
        }
        e.reply(*c, std::move(resp));
      });
}

void upload_part(engine& e, call_ptr c) {
  auto number = part_number(c->req);
  if (!number.ok()) return e.reply_error(*c, number.err());
  auto upload = load_upload(e, *c);
  if (!upload.ok()) return e.reply_error(*c, upload.err());
  auto spec = ingest_spec_from(e, c->req);
  if (!spec.ok()) return e.reply_error(*c, spec.err());
  spec->force_blob = true;
  if (spec->checksum.algorithm == checksum_algorithm::none && upload->checksum_alg != 0)
    spec->checksum.algorithm = static_cast<checksum_algorithm>(upload->checksum_alg);
  auto upload_id = upload->upload_id;
  int n = *number;
  ingest_body(e, c, std::move(*spec), [&e, c, upload_id, n](result<ingested> in) {
    if (!in.ok()) return e.reply_error(*c, in.err());
    part_row p;
    p.number = n;
    p.size = in->size;
    p.etag = quote_etag(core::to_hex(in->md5_raw));
    p.modified_ms = core::to_unix_ms(e.clock.now());
    p.checksum = in->checksum;
    p.blob = *in->blob;
    auto alg = in->checksum_alg;
    commit_part(e, c, upload_id, std::move(p), [alg](const part_row& part) {
      core::response resp;
      resp.headers.add("ETag", part.etag);
      if (alg != checksum_algorithm::none && !part.checksum.empty())
        resp.headers.add(std::string(algorithm_header(alg)), part.checksum);
      return resp;
    });
  });
}

void upload_part_copy(engine& e, call_ptr c) {
  const auto& req = c->req;
  auto number = part_number(req);
  if (!number.ok()) return e.reply_error(*c, number.err());
  auto upload = load_upload(e, *c);
  if (!upload.ok()) return e.reply_error(*c, upload.err());
  auto src_ref = parse_copy_source(*req.headers.get("x-amz-copy-source"));
  if (!src_ref.ok()) return e.reply_error(*c, src_ref.err());
  auto loaded = load_copy_source(e, req, *src_ref);
  if (!loaded.ok()) return reply_copy_source_error(e, *c, *src_ref, loaded.err());
  auto src = std::make_shared<const object_row>(std::move(*loaded));
  copy_spec spec;
  spec.length = src->size;
  if (auto range = req.headers.get("x-amz-copy-source-range")) {
    byte_range br;
    if (!parse_copy_range(*range, src->size, br))
      return e.reply_error(*c, fail(errc::invalid_argument, "Range specified is not valid for source object of size: " +
                                                                std::to_string(src->size)));
    spec.first = br.first;
    spec.length = br.length();
  }
  spec.compute_md5 = true;
  spec.checksum = static_cast<checksum_algorithm>(upload->checksum_alg);
  spec.force_blob = true;
  auto upload_id = upload->upload_id;
  int n = *number;
  auto source = std::make_shared<copy_source>(std::move(*src_ref));
  copy_bytes(e, src, spec, e.work.hold(), [&e, c, upload_id, n, src, source](result<ingested> in) {
    if (!in.ok()) return e.reply_error(*c, in.err());
    part_row p;
    p.number = n;
    p.size = in->size;
    p.etag = quote_etag(core::to_hex(in->md5_raw));
    p.modified_ms = core::to_unix_ms(e.clock.now());
    p.checksum = in->checksum;
    p.blob = *in->blob;
    auto alg = in->checksum_alg;
    commit_part(e, c, upload_id, std::move(p), [&e, alg, src, source](const part_row& part) {
      auto resp = xml_response(render_copy_result("CopyPartResult", part.etag, core::from_unix_ms(part.modified_ms),
                                                  alg, part.checksum));
      add_copy_source_version(e, resp, *source, *src);
      return resp;
    });
  });
}

void abort_multipart_upload(engine& e, call_ptr c) {
  auto upload = load_upload(e, *c);
  if (!upload.ok()) return e.reply_error(*c, upload.err());
  auto id = upload->upload_id;
  auto blobs = std::make_shared<std::vector<std::string>>();
  e.store.submit(
      [id, blobs](database& db) -> result<void> {
        auto u = find_upload(db, id);
        if (!u.ok()) return u.err();
        if (!*u) return fail(errc::no_such_upload);
        auto removed = delete_upload(db, id);
        if (!removed.ok()) return removed.err();
        *blobs = std::move(*removed);
        return {};
      },
      [&e, c, blobs](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.remove_blobs_later(std::move(*blobs));
        core::response resp;
        resp.status = 204;
        e.reply(*c, std::move(resp));
      });
}

void list_parts(engine& e, call_ptr c) {
  auto upload = load_upload(e, *c);
  if (!upload.ok()) return e.reply_error(*c, upload.err());
  auto max = int_param(c->req, "max-parts", 1000, 0, 1000);
  if (!max.ok()) return e.reply_error(*c, max.err());
  auto marker = int_param(c->req, "part-number-marker", 0, 0, 10000);
  if (!marker.ok()) return e.reply_error(*c, marker.err());
  auto reader = e.store.reader();
  auto parts = list_part_rows(*reader, upload->upload_id, *marker, *max + 1);
  if (!parts.ok()) return e.reply_error(*c, parts.err());
  list_parts_result out;
  out.bucket = upload->bucket;
  out.key = upload->key;
  out.upload_id = upload->upload_id;
  out.part_number_marker = *marker;
  out.max_parts = *max;
  out.checksum_alg = static_cast<checksum_algorithm>(upload->checksum_alg);
  for (auto& p : *parts) {
    if (static_cast<int>(out.parts.size()) == *max) {
      out.truncated = true;
      break;
    }
    out.parts.push_back({p.number, core::from_unix_ms(p.modified_ms), p.etag, p.size, p.checksum});
  }
  out.next_part_number_marker = out.parts.empty() ? 0 : out.parts.back().number;
  e.reply(*c, xml_response(render_list_parts(out)));
}

}  // namespace hayloft::s3::detail
