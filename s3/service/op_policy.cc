// Bucket policies: Get/Put/DeleteBucketPolicy and GetBucketPolicyStatus. The policy text is
// validated (s3/api/bucket_policy.h) and stored as given, in the bucket's `policy` column.
#include "s3/api/bucket_documents.h"
#include "s3/api/bucket_policy.h"
#include "s3/api/xml_writer.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

// BlockPublicPolicy refuses a public policy (checked against the block as it is now).
void set_policy(engine& e, const call_ptr& c, std::string text, bool is_public, unsigned status) {
  auto check = [is_public](database&, const bucket_row& b) -> result<void> {
    if (const auto& pab = b.doc(bucket_doc::public_access_block); is_public && !pab.empty()) {
      auto p = parse_public_access_block(pab);
      if (p.ok() && p->block_public_policy) return fail(errc::access_denied);
    }
    return {};
  };
  store_bucket_doc(e, c, bucket_doc::policy, std::move(text), status, std::move(check));
}

}  // namespace

void get_bucket_policy(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& text = b->doc(bucket_doc::policy);
  if (text.empty()) return e.reply_error(*c, fail(errc::no_such_bucket_policy));
  core::response r;
  r.headers.add("Content-Type", "application/json");
  r.body = text;
  e.reply(*c, std::move(r));
}

void put_bucket_policy(engine& e, call_ptr c) {
  if (auto b = read_bucket(e, c->addr.bucket); !b.ok()) return e.reply_error(*c, b.err());
  auto body = xml_body(c->req);  // bounded; the policy's own 20 KiB limit is checked next
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto policy = parse_bucket_policy(*body, c->addr.bucket);
  if (!policy.ok()) return e.reply_error(*c, policy.err());
  set_policy(e, c, std::move(*body), policy_is_public(*policy), 204);
}

void delete_bucket_policy(engine& e, call_ptr c) { set_policy(e, c, {}, false, 204); }

void get_bucket_policy_status(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& text = b->doc(bucket_doc::policy);
  if (text.empty()) return e.reply_error(*c, fail(errc::no_such_bucket_policy));
  auto policy = parse_bucket_policy(text, c->addr.bucket);
  if (!policy.ok()) return e.reply_error(*c, fail(errc::internal_error, "stored bucket policy is corrupt"));
  xml_writer w("PolicyStatus");
  w.child("IsPublic", policy_is_public(*policy) ? "true" : "false");
  e.reply(*c, xml_response(w.str()));
}

}  // namespace hayloft::s3::detail
