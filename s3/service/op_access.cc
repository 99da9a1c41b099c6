// ACLs, ownership controls and the public access block: Put{Bucket,Object}Acl with canned ACLs,
// grant headers or a full AccessControlPolicy; Get/Put/DeleteBucketOwnershipControls;
// Get/Put/DeletePublicAccessBlock; and the checks every ACL-setting write makes (acl_allowed).
#include "s3/api/acl.h"
#include "s3/api/bucket_documents.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

// The ACL a Put*Acl request sets: x-amz-acl, x-amz-grant-*, else the AccessControlPolicy body.
result<std::string> acl_of_put_acl(const call& c, bool bucket) {
  auto from_headers = acl_from_headers(c.req.headers, bucket);
  if (!from_headers.ok()) return from_headers.err();
  if (*from_headers) return std::move(**from_headers);
  auto body = xml_body(c.req);
  if (!body.ok()) return body.err();
  auto policy = parse_access_control_policy(*body);
  if (!policy.ok()) return policy.err();
  return store_acl(*policy);
}

}  // namespace

result<std::string> request_acl(const core::request& req, bool bucket) {
  auto acl = acl_from_headers(req.headers, bucket);
  if (!acl.ok()) return acl.err();
  return *acl ? std::move(**acl) : std::string("private");
}

result<void> acl_allowed(const bucket_row& b, std::string_view acl) {
  if (acl == "private") return {};
  if (b.doc(bucket_doc::ownership) == "BucketOwnerEnforced" && !owner_only(acl))
    return fail(errc::access_control_list_not_supported);
  if (const auto& pab = b.doc(bucket_doc::public_access_block); !pab.empty() && grants_public(acl)) {
    auto p = parse_public_access_block(pab);
    if (p.ok() && p->block_public_acls) return fail(errc::access_denied);
  }
  return {};
}

void get_bucket_acl(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  e.reply(*c, xml_response(render_access_control_policy(load_acl(b->acl))));
}

void put_bucket_acl(engine& e, call_ptr c) {
  auto acl = acl_of_put_acl(*c, true);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  auto name = c->addr.bucket;
  e.store.submit(
      [name, acl = *acl](database& db) -> result<void> {
        auto existing = find_bucket(db, name, true);
        if (!existing.ok()) return existing.err();
        if (!*existing) return fail(errc::no_such_bucket);
        HAYLOFT_TRY(acl_allowed(**existing, acl));
        return set_bucket_acl(db, name, acl);
      },
      [&e, c](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.reply(*c, core::response{});
      });
}

void get_object_acl(engine& e, call_ptr c) {
  auto row = read_version(e, *c, false);
  if (!row.ok()) return e.reply_error(*c, row.err());
  auto resp = xml_response(render_access_control_policy(load_acl(row->acl)));
  add_version_headers(resp, *row, row->version_id != "null");
  e.reply(*c, std::move(resp));
}

void put_object_acl(engine& e, call_ptr c) {
  auto acl = acl_of_put_acl(*c, false);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  auto version = version_param(c->req);
  if (!version.ok()) return e.reply_error(*c, version.err());
  auto bucket = c->addr.bucket, key = c->addr.key;
  e.store.submit(
      [bucket, key, acl = *acl, version = *version](database& db) -> result<void> {
        auto b = find_bucket(db, bucket, true);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        HAYLOFT_TRY(acl_allowed(**b, acl));
        auto row = version ? find_object_version(db, bucket, key, *version, false) : find_object(db, bucket, key, false);
        if (!row.ok()) return row.err();
        if (!*row) return fail(version ? errc::no_such_version : errc::no_such_key);
        if ((*row)->delete_marker) return fail(version ? errc::method_not_allowed : errc::no_such_key);
        (*row)->acl = acl;
        HAYLOFT_TRY(update_object_state(db, bucket, **row));
        return {};
      },
      [&e, c](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.cache.invalidate(c->addr.bucket, c->addr.key);
        e.reply(*c, core::response{});
      });
}

void get_bucket_ownership_controls(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& ownership = b->doc(bucket_doc::ownership);
  if (ownership.empty()) return e.reply_error(*c, fail(errc::ownership_controls_not_found));
  e.reply(*c, xml_response(render_ownership_controls(ownership)));
}

void put_bucket_ownership_controls(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto ownership = parse_ownership_controls(*body);
  if (!ownership.ok()) return e.reply_error(*c, ownership.err());
  std::function<result<void>(database&, const bucket_row&)> check;
  // ACLs are disabled only once the bucket's own ACL grants nothing beyond its owner.
  if (*ownership == "BucketOwnerEnforced")
    check = [](database&, const bucket_row& b) -> result<void> {
      if (!owner_only(b.acl)) return fail(errc::invalid_bucket_acl_with_object_ownership);
      return {};
    };
  store_bucket_doc(e, c, bucket_doc::ownership, *ownership, 200, std::move(check));
}

void delete_bucket_ownership_controls(engine& e, call_ptr c) {
  store_bucket_doc(e, c, bucket_doc::ownership, {}, 204);
}

void get_public_access_block(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& pab = b->doc(bucket_doc::public_access_block);
  if (pab.empty()) return e.reply_error(*c, fail(errc::no_such_public_access_block_configuration));
  e.reply(*c, xml_response(pab));
}

void put_public_access_block(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto pab = parse_public_access_block(*body);
  if (!pab.ok()) return e.reply_error(*c, pab.err());
  store_bucket_doc(e, c, bucket_doc::public_access_block, render_public_access_block(*pab), 200);
}

void delete_public_access_block(engine& e, call_ptr c) {
  store_bucket_doc(e, c, bucket_doc::public_access_block, {}, 204);
}

}  // namespace hayloft::s3::detail
