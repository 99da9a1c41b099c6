// Maps (method, bucket/key, sub-resource) to an S3 operation.
#include <array>

#include "emulator/core/ids.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

// Bucket sub-resources S3 has and hayloft does not implement.
constexpr std::array<std::string_view, 19> unsupported_bucket = {
    "accelerate", "analytics", "cors", "encryption", "intelligent-tiering", "inventory", "lifecycle",
    "logging", "metrics", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock",
    "replication", "requestPayment", "tagging", "website", "session"};
constexpr std::array<std::string_view, 7> unsupported_object = {"tagging", "attributes", "retention", "legal-hold",
                                                                "torrent", "restore", "select"};

template <std::size_t N>
bool any_param(const core::request& req, const std::array<std::string_view, N>& names) {
  for (const auto& [k, v] : req.query)
    for (auto n : names)
      if (k == n) return true;
  return false;
}

void not_implemented(engine& e, const call_ptr& c) { e.reply_error(*c, fail(errc::not_implemented)); }
void not_allowed(engine& e, const call_ptr& c) { e.reply_error(*c, fail(errc::method_not_allowed)); }

void route_bucket(engine& e, const call_ptr& c) {
  const auto& req = c->req;
  const auto& m = req.method;
  if (m == "HEAD") return head_bucket(e, c);
  if (m == "GET") {
    if (req.has_param("location")) return get_bucket_location(e, c);
    if (req.has_param("acl")) return get_bucket_acl(e, c);
    if (req.has_param("notification")) return get_bucket_notification(e, c);
    if (req.has_param("versioning")) return get_bucket_versioning(e, c);
    if (req.has_param("uploads")) return list_multipart_uploads(e, c);
    if (req.has_param("versions")) return list_object_versions(e, c);
    if (any_param(req, unsupported_bucket)) return not_implemented(e, c);
    if (auto lt = req.param("list-type")) {
      if (*lt != "2") return e.reply_error(*c, fail(errc::invalid_argument, "Invalid list-type"));
      return list_objects(e, c, true);
    }
    return list_objects(e, c, false);
  }
  if (m == "PUT") {
    if (req.has_param("acl")) return put_bucket_acl(e, c);
    if (req.has_param("notification")) return put_bucket_notification(e, c);
    if (req.has_param("versioning") || any_param(req, unsupported_bucket)) return not_implemented(e, c);
    return create_bucket(e, c);
  }
  if (m == "DELETE") {
    if (req.has_param("versions") || any_param(req, unsupported_bucket)) return not_implemented(e, c);
    return delete_bucket(e, c);
  }
  if (m == "POST") {
    if (req.has_param("delete")) return delete_objects(e, c);
    return not_implemented(e, c);
  }
  not_allowed(e, c);
}

void route_object(engine& e, const call_ptr& c) {
  const auto& req = c->req;
  const auto& m = req.method;
  bool copy = req.headers.has("x-amz-copy-source");
  if (m == "GET" || m == "HEAD") {
    if (m == "GET" && req.has_param("uploadId")) return list_parts(e, c);
    if (m == "GET" && req.has_param("acl")) return get_object_acl(e, c);
    if (any_param(req, unsupported_object)) return not_implemented(e, c);
    return get_object(e, c);
  }
  if (m == "PUT") {
    if (req.has_param("uploadId") || req.has_param("partNumber"))
      return copy ? upload_part_copy(e, c) : upload_part(e, c);
    if (req.has_param("acl")) return put_object_acl(e, c);
    if (any_param(req, unsupported_object)) return not_implemented(e, c);
    return copy ? copy_object(e, c) : put_object(e, c);
  }
  if (m == "DELETE") {
    if (req.has_param("uploadId")) return abort_multipart_upload(e, c);
    if (any_param(req, unsupported_object)) return not_implemented(e, c);
    return delete_object(e, c);
  }
  if (m == "POST") {
    if (req.has_param("uploads")) return create_multipart_upload(e, c);
    if (req.has_param("uploadId")) return complete_multipart_upload(e, c);
    if (any_param(req, unsupported_object)) return not_implemented(e, c);
  }
  not_allowed(e, c);
}

}  // namespace

call_ptr make_call(engine& e, core::request req, core::completion done) {
  auto c = std::make_shared<call>();
  c->guard = e.work.hold();
  c->req = std::move(req);
  c->done = std::move(done);
  c->request_id = c->req.request_id.empty() ? core::request_id() : c->req.request_id;
  c->host_id = core::base64_encode(c->request_id + "/hayloft");
  c->head = c->req.method == "HEAD";
  c->addr = resolve_address(c->req);
  return c;
}

void route(engine& e, const call_ptr& c) {
  if (c->addr.bucket.empty()) {
    if (c->req.method == "GET") return list_buckets(e, c);
    return not_allowed(e, c);
  }
  if (c->addr.key.empty()) return route_bucket(e, c);
  route_object(e, c);
}

}  // namespace hayloft::s3::detail
