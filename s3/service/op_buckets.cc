// Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
// GetBucketVersioning and the notification configuration (ACLs: op_access.cc).
#include <algorithm>

#include "s3/api/acl.h"
#include "s3/api/bucket_documents.h"
#include "s3/api/documents.h"
#include "s3/api/notifications.h"
#include "s3/api/object_lock.h"
#include "s3/api/results.h"
#include "s3/api/xml_writer.h"
#include "s3/service/engine.h"
#include "s3/service/object_headers.h"

namespace hayloft::s3::detail {
namespace {

// "eu-central-1", "EU" (the legacy name S3 still takes): the region becomes a response header
// (x-amz-bucket-region), so nothing else may be stored.
bool region_shaped(std::string_view r) {
  if (r.empty() || r.size() > 32) return false;
  for (char ch : r)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}

}  // namespace

void list_buckets(engine& e, call_ptr c) {
  const auto& req = c->req;
  auto max = int_param(req, "max-buckets", 10000, 1, 10000);
  if (!max.ok()) return e.reply_error(*c, max.err());
  std::string prefix(req.param("prefix").value_or(""));
  std::string after;
  if (auto token = req.param("continuation-token")) {
    if (!read_continuation_token("", *token, after))
      return e.reply_error(*c, fail(errc::invalid_argument, "The continuation token provided is incorrect"));
  }
  auto reader = e.store.reader();
  auto rows = list_bucket_rows(*reader);
  if (!rows.ok()) return e.reply_error(*c, rows.err());
  std::vector<bucket_entry> out;
  std::string next;
  for (auto& b : *rows) {
    if (!b.name.starts_with(prefix) || (!after.empty() && b.name <= after)) continue;
    if (static_cast<int>(out.size()) == *max) {
      next = make_continuation_token("", out.back().name);
      break;
    }
    out.push_back({b.name, core::from_unix_ms(b.created_ms), b.region});
  }
  e.reply(*c, xml_response(render_list_buckets(out, prefix, next)));
}

void create_bucket(engine& e, call_ptr c) {
  const auto& name = c->addr.bucket;
  if (!valid_bucket_name(name)) return e.reply_error(*c, fail(errc::invalid_bucket_name));
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto location = parse_create_bucket(*body);
  if (!location.ok()) return e.reply_error(*c, location.err());
  if (*location && (**location == "us-east-1" || !region_shaped(**location)))
    return e.reply_error(*c, fail(errc::invalid_location_constraint));
  auto acl = request_acl(c->req, true);
  if (!acl.ok()) return e.reply_error(*c, acl.err());
  std::string ownership = e.opts.aws_bucket_defaults ? "BucketOwnerEnforced" : "";
  if (auto asked = c->req.headers.get("x-amz-object-ownership")) {
    if (!valid_object_ownership(*asked))
      return e.reply_error(*c, fail(errc::invalid_argument, "Invalid x-amz-object-ownership header"));
    ownership = std::string(*asked);
  }
  if (ownership == "BucketOwnerEnforced" && !owner_only(*acl))
    return e.reply_error(*c, fail(errc::invalid_bucket_acl_with_object_ownership));
  bucket_row row;
  row.name = name;
  // Without a LocationConstraint the bucket lives in the region the request was signed for.
  row.region = *location ? **location : e.request_region(c->req);
  row.created_ms = core::to_unix_ms(e.clock.now());
  row.acl = std::move(*acl);
  row.doc(bucket_doc::ownership) = std::move(ownership);
  if (e.opts.aws_bucket_defaults)
    row.doc(bucket_doc::public_access_block) = render_public_access_block(blocking_public_access_block());
  // Object Lock at creation turns versioning on for good (it can never be suspended).
  if (auto lock = c->req.headers.get("x-amz-bucket-object-lock-enabled"); lock && core::iequals(*lock, "true")) {
    row.versioning = "Enabled";
    row.object_lock = render_object_lock_configuration({});
  }
  auto r = std::make_shared<bucket_row>(std::move(row));
  e.store.submit(
      [r](database& db) -> result<void> {
        auto existing = find_bucket(db, r->name);
        if (!existing.ok()) return existing.err();
        if (*existing) {
          // AWS: re-creating your own bucket succeeds in us-east-1 (legacy behaviour) and is
          // BucketAlreadyOwnedByYou in every other region.
          if ((*existing)->region == "us-east-1" && r->region == "us-east-1") return {};
          return fail(errc::bucket_already_owned_by_you);
        }
        return insert_bucket(db, *r);
      },
      [&e, c](result<void> res) {
        e.forget_bucket(c->addr.bucket);
        if (!res.ok()) return e.reply_error(*c, res.err());
        core::response resp;
        resp.headers.add("Location", "/" + c->addr.bucket);
        e.reply(*c, std::move(resp));
      });
}

void delete_bucket(engine& e, call_ptr c) {
  auto name = c->addr.bucket;
  auto blobs = std::make_shared<std::vector<std::string>>();
  e.store.submit(
      [name, blobs](database& db) -> result<void> {
        auto existing = find_bucket(db, name);
        if (!existing.ok()) return existing.err();
        if (!*existing) return fail(errc::no_such_bucket);
        auto any = bucket_has_objects(db, name);
        if (!any.ok()) return any.err();
        if (*any) return fail(errc::bucket_not_empty);
        auto parts = delete_bucket_row(db, name);
        if (!parts.ok()) return parts.err();
        *blobs = std::move(*parts);
        return {};
      },
      [&e, c, blobs](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.remove_blobs_later(std::move(*blobs));
        core::response resp;
        resp.status = 204;
        e.reply(*c, std::move(resp));
      });
}

void head_bucket(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  core::response r;
  r.headers.add("x-amz-bucket-region", b->region);
  r.headers.add("x-amz-access-point-alias", "false");
  e.reply(*c, std::move(r));
}

void get_bucket_location(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  e.reply(*c, xml_response(render_location(b->region)));
}

void get_bucket_versioning(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  // A bucket that was never versioned answers an empty configuration, as S3 does.
  e.reply(*c, xml_response(render_versioning_configuration(b->versioning, b->mfa_delete)));
}

void put_bucket_versioning(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto config = parse_versioning_configuration(*body);
  if (!config.ok()) return e.reply_error(*c, config.err());
  // Changing MFA delete needs the root account's MFA device (x-amz-mfa: "serial code"), which
  // hayloft has no way to check beyond its presence.
  if (!config->mfa_delete.empty() && !c->req.headers.has("x-amz-mfa"))
    return e.reply_error(*c, fail(errc::access_denied, "Mfa Authentication must be used for this request"));
  auto name = c->addr.bucket;
  e.store.submit(
      [name, config = *config](database& db) -> result<void> {
        auto existing = find_bucket(db, name);
        if (!existing.ok()) return existing.err();
        if (!*existing) return fail(errc::no_such_bucket);
        const auto& b = **existing;
        if (!b.object_lock.empty() && config.status == "Suspended")
          return fail(errc::invalid_bucket_state,
                      "An Object Lock configuration is present on this bucket, so the versioning state cannot be "
                      "changed.");
        // A configuration without Status keeps the bucket's state (S3 treats it the same way).
        auto status = config.status.empty() ? b.versioning : config.status;
        auto mfa = config.mfa_delete.empty() ? b.mfa_delete : config.mfa_delete;
        return set_bucket_versioning(db, name, status, mfa);
      },
      [&e, c](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.reply(*c, core::response{});
      });
}

void get_bucket_notification(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  notification_configuration config;
  if (!b->notification.empty()) {
    auto parsed = parse_notification_configuration(b->notification);
    if (!parsed.ok()) return e.reply_error(*c, parsed.err());
    config = std::move(*parsed);
  }
  e.reply(*c, xml_response(render_notification_configuration(config)));
}

void put_bucket_notification(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto parsed = parse_notification_configuration(*body);
  if (!parsed.ok()) return e.reply_error(*c, parsed.err());
  auto config = std::make_shared<notification_configuration>(std::move(*parsed));
  if (auto* sink = e.sink()) {
    for (const auto& q : config->queues)
      if (q.kind == destination_kind::queue && !sink->accepts(q.queue_arn))
        return e.reply_error(*c, fail(errc::invalid_argument, "Unable to validate the following destination configurations"));
  }
  auto xml = config->empty() ? std::string() : render_notification_configuration(*config);
  auto name = c->addr.bucket;
  e.store.submit(
      [name, xml](database& db) -> result<void> {
        auto existing = find_bucket(db, name);
        if (!existing.ok()) return existing.err();
        if (!*existing) return fail(errc::no_such_bucket);
        return set_bucket_notification(db, name, xml);
      },
      [&e, c, config](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        // S3 sends one s3:TestEvent to each destination of a new configuration.
        if (auto* sink = e.sink()) {
          std::vector<std::string> sent;
          for (const auto& q : config->queues) {
            if (q.kind != destination_kind::queue) continue;
            if (std::find(sent.begin(), sent.end(), q.queue_arn) != sent.end()) continue;
            sent.push_back(q.queue_arn);
            sink->deliver(q.queue_arn, render_test_event(c->addr.bucket, e.clock.now(), c->request_id, c->host_id));
          }
        }
        e.reply(*c, core::response{});
      });
}

}  // namespace hayloft::s3::detail
