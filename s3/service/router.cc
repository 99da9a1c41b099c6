// Maps (method, bucket/key, sub-resource) to an S3 operation.
#include <array>

#include "emulator/core/ids.h"
#include "emulator/core/utf8.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

// Bucket sub-resources S3 has and hayloft does not implement.
constexpr std::array<std::string_view, 1> unsupported_bucket = {"session"};
constexpr std::array<std::string_view, 2> unsupported_object = {"torrent", "select"};

// Bucket sub-resources some methods do not have (DELETE ?logging is no DeleteBucket, PUT
// ?policyStatus no CreateBucket): such requests are refused rather than routed to the bare bucket.
constexpr std::array<std::string_view, 4> no_put = {"policyStatus", "versions", "uploads", "location"};
constexpr std::array<std::string_view, 10> no_delete = {"accelerate", "requestPayment", "logging", "policyStatus",
                                                        "acl", "versioning", "notification", "object-lock",
                                                        "location", "uploads"};

template <std::size_t N>
bool any_param(const core::request& req, const std::array<std::string_view, N>& names) {
  for (const auto& [k, v] : req.query)
    for (auto n : names)
      if (k == n) return true;
  return false;
}

// Every operation the router tells apart: (AWS name, handler). Metrics label requests by name.
#define HAYLOFT_S3_OPERATIONS(X)                                                                          \
  X(ListObjects, list_objects_any) X(ListBuckets, list_buckets) X(HeadBucket, head_bucket)                \
  X(GetBucketLocation, get_bucket_location) X(GetBucketAcl, get_bucket_acl)                               \
  X(GetBucketNotificationConfiguration, get_bucket_notification)                                          \
  X(GetBucketVersioning, get_bucket_versioning) X(PutBucketVersioning, put_bucket_versioning)             \
  X(ListMultipartUploads, list_multipart_uploads)                                                         \
  X(ListObjectVersions, list_object_versions) X(PutBucketAcl, put_bucket_acl)                             \
  X(PutBucketNotificationConfiguration, put_bucket_notification) X(CreateBucket, create_bucket)           \
  X(DeleteBucket, delete_bucket) X(DeleteObjects, delete_objects) X(ListParts, list_parts)                \
  X(GetObjectAcl, get_object_acl) X(GetObjectAttributes, get_object_attributes) X(GetObject, get_object)      \
  X(UploadPartCopy, upload_part_copy)                                                                     \
  X(UploadPart, upload_part) X(PutObjectAcl, put_object_acl) X(CopyObject, copy_object)                    \
  X(PutObject, put_object) X(AbortMultipartUpload, abort_multipart_upload) X(DeleteObject, delete_object)  \
  X(CreateMultipartUpload, create_multipart_upload) X(CompleteMultipartUpload, complete_multipart_upload)  \
  X(GetObjectLockConfiguration, get_object_lock_configuration)                                            \
  X(PutObjectLockConfiguration, put_object_lock_configuration) X(GetObjectRetention, get_object_retention) \
  X(PutObjectRetention, put_object_retention) X(GetObjectLegalHold, get_object_legal_hold)                 \
  X(PutObjectLegalHold, put_object_legal_hold) X(GetBucketLifecycleConfiguration, get_bucket_lifecycle)    \
  X(PutBucketLifecycleConfiguration, put_bucket_lifecycle) X(DeleteBucketLifecycle, delete_bucket_lifecycle) \
  X(RestoreObject, restore_object) X(GetBucketTagging, get_bucket_tagging) X(PutBucketTagging, put_bucket_tagging) \
  X(DeleteBucketTagging, delete_bucket_tagging) X(GetObjectTagging, get_object_tagging)                    \
  X(PutObjectTagging, put_object_tagging) X(DeleteObjectTagging, delete_object_tagging)                    \
  X(GetBucketOwnershipControls, get_bucket_ownership_controls)                                            \
  X(PutBucketOwnershipControls, put_bucket_ownership_controls)                                            \
  X(DeleteBucketOwnershipControls, delete_bucket_ownership_controls)                                      \
  X(GetPublicAccessBlock, get_public_access_block) X(PutPublicAccessBlock, put_public_access_block)        \
  X(DeletePublicAccessBlock, delete_public_access_block) X(GetBucketCors, get_bucket_cors)                 \
  X(PutBucketCors, put_bucket_cors) X(DeleteBucketCors, delete_bucket_cors) X(OptionsObject, cors_preflight) \
  X(GetBucketPolicy, get_bucket_policy) X(PutBucketPolicy, put_bucket_policy)                               \
  X(DeleteBucketPolicy, delete_bucket_policy) X(GetBucketPolicyStatus, get_bucket_policy_status)          \
  X(GetBucketAccelerateConfiguration, get_bucket_accelerate)                                               \
  X(PutBucketAccelerateConfiguration, put_bucket_accelerate)                                               \
  X(GetBucketRequestPayment, get_bucket_request_payment) X(PutBucketRequestPayment, put_bucket_request_payment) \
  X(GetBucketLogging, get_bucket_logging) X(PutBucketLogging, put_bucket_logging)                          \
  X(GetBucketEncryption, get_bucket_encryption) X(PutBucketEncryption, put_bucket_encryption)              \
  X(DeleteBucketEncryption, delete_bucket_encryption) X(GetBucketWebsite, get_bucket_website)              \
  X(PutBucketWebsite, put_bucket_website) X(DeleteBucketWebsite, delete_bucket_website)                    \
  X(GetBucketReplication, get_bucket_replication) X(PutBucketReplication, put_bucket_replication)          \
  X(DeleteBucketReplication, delete_bucket_replication)                                                    \
  X(GetBucketInventoryConfiguration, get_bucket_inventory) X(PutBucketInventoryConfiguration, put_bucket_inventory)  \
  X(DeleteBucketInventoryConfiguration, delete_bucket_inventory) X(ListBucketInventoryConfigurations, list_bucket_inventory) \
  X(GetBucketAnalyticsConfiguration, get_bucket_analytics) X(PutBucketAnalyticsConfiguration, put_bucket_analytics)  \
  X(DeleteBucketAnalyticsConfiguration, delete_bucket_analytics) X(ListBucketAnalyticsConfigurations, list_bucket_analytics) \
  X(GetBucketMetricsConfiguration, get_bucket_metrics) X(PutBucketMetricsConfiguration, put_bucket_metrics)  \
  X(DeleteBucketMetricsConfiguration, delete_bucket_metrics) X(ListBucketMetricsConfigurations, list_bucket_metrics) \
  X(GetBucketIntelligentTieringConfiguration, get_bucket_intelligent_tiering) X(PutBucketIntelligentTieringConfiguration, put_bucket_intelligent_tiering)  \
  X(DeleteBucketIntelligentTieringConfiguration, delete_bucket_intelligent_tiering) X(ListBucketIntelligentTieringConfigurations, list_bucket_intelligent_tiering)

enum class operation {
#define HAYLOFT_S3_ENUM(name, fn) fn,
  HAYLOFT_S3_OPERATIONS(HAYLOFT_S3_ENUM)
#undef HAYLOFT_S3_ENUM
      not_implemented,
  method_not_allowed,
};

operation classify_bucket(const core::request& req) {
  const auto& m = req.method;
  if (m == "HEAD") return operation::head_bucket;
  if (m == "GET") {
    if (req.has_param("location")) return operation::get_bucket_location;
    if (req.has_param("acl")) return operation::get_bucket_acl;
    if (req.has_param("notification")) return operation::get_bucket_notification;
    if (req.has_param("versioning")) return operation::get_bucket_versioning;
    if (req.has_param("object-lock")) return operation::get_object_lock_configuration;
    if (req.has_param("lifecycle")) return operation::get_bucket_lifecycle;
    if (req.has_param("tagging")) return operation::get_bucket_tagging;
    if (req.has_param("ownershipControls")) return operation::get_bucket_ownership_controls;
    if (req.has_param("cors")) return operation::get_bucket_cors;
    if (req.has_param("policy")) return operation::get_bucket_policy;
    if (req.has_param("policyStatus")) return operation::get_bucket_policy_status;
    if (req.has_param("accelerate")) return operation::get_bucket_accelerate;
    if (req.has_param("inventory")) return req.has_param("id") ? operation::get_bucket_inventory : operation::list_bucket_inventory;
    if (req.has_param("analytics")) return req.has_param("id") ? operation::get_bucket_analytics : operation::list_bucket_analytics;
    if (req.has_param("metrics")) return req.has_param("id") ? operation::get_bucket_metrics : operation::list_bucket_metrics;
    if (req.has_param("intelligent-tiering")) return req.has_param("id") ? operation::get_bucket_intelligent_tiering : operation::list_bucket_intelligent_tiering;
    if (req.has_param("requestPayment")) return operation::get_bucket_request_payment;
    if (req.has_param("logging")) return operation::get_bucket_logging;
    if (req.has_param("encryption")) return operation::get_bucket_encryption;
    if (req.has_param("website")) return operation::get_bucket_website;
    if (req.has_param("replication")) return operation::get_bucket_replication;
    if (req.has_param("publicAccessBlock")) return operation::get_public_access_block;
    if (req.has_param("uploads")) return operation::list_multipart_uploads;
    if (req.has_param("versions")) return operation::list_object_versions;
    if (any_param(req, unsupported_bucket)) return operation::not_implemented;
    return operation::list_objects_any;
  }
  if (m == "PUT") {
    if (req.has_param("acl")) return operation::put_bucket_acl;
    if (req.has_param("notification")) return operation::put_bucket_notification;
    if (req.has_param("versioning")) return operation::put_bucket_versioning;
    if (req.has_param("object-lock")) return operation::put_object_lock_configuration;
    if (req.has_param("lifecycle")) return operation::put_bucket_lifecycle;
    if (req.has_param("tagging")) return operation::put_bucket_tagging;
    if (any_param(req, no_put)) return operation::method_not_allowed;
    if (req.has_param("ownershipControls")) return operation::put_bucket_ownership_controls;
    if (req.has_param("cors")) return operation::put_bucket_cors;
    if (req.has_param("policy")) return operation::put_bucket_policy;
    if (req.has_param("accelerate")) return operation::put_bucket_accelerate;
    if (req.has_param("inventory")) return operation::put_bucket_inventory;
    if (req.has_param("analytics")) return operation::put_bucket_analytics;
    if (req.has_param("metrics")) return operation::put_bucket_metrics;
    if (req.has_param("intelligent-tiering")) return operation::put_bucket_intelligent_tiering;
    if (req.has_param("requestPayment")) return operation::put_bucket_request_payment;
    if (req.has_param("logging")) return operation::put_bucket_logging;
    if (req.has_param("encryption")) return operation::put_bucket_encryption;
    if (req.has_param("website")) return operation::put_bucket_website;
    if (req.has_param("replication")) return operation::put_bucket_replication;
    if (req.has_param("publicAccessBlock")) return operation::put_public_access_block;
    if (any_param(req, unsupported_bucket)) return operation::not_implemented;
    return operation::create_bucket;
  }
  if (m == "DELETE") {
    if (req.has_param("lifecycle")) return operation::delete_bucket_lifecycle;
    if (req.has_param("tagging")) return operation::delete_bucket_tagging;
    if (req.has_param("ownershipControls")) return operation::delete_bucket_ownership_controls;
    if (req.has_param("cors")) return operation::delete_bucket_cors;
    if (req.has_param("policy")) return operation::delete_bucket_policy;
    if (req.has_param("encryption")) return operation::delete_bucket_encryption;
    if (req.has_param("inventory")) return operation::delete_bucket_inventory;
    if (req.has_param("analytics")) return operation::delete_bucket_analytics;
    if (req.has_param("metrics")) return operation::delete_bucket_metrics;
    if (req.has_param("intelligent-tiering")) return operation::delete_bucket_intelligent_tiering;
    if (req.has_param("website")) return operation::delete_bucket_website;
    if (req.has_param("replication")) return operation::delete_bucket_replication;
    if (req.has_param("publicAccessBlock")) return operation::delete_public_access_block;
    if (req.has_param("versions") || any_param(req, unsupported_bucket)) return operation::not_implemented;
    if (any_param(req, no_delete)) return operation::method_not_allowed;
    return operation::delete_bucket;
  }
  if (m == "POST") return req.has_param("delete") ? operation::delete_objects : operation::not_implemented;
  return operation::method_not_allowed;
}

operation classify_object(const core::request& req) {
  const auto& m = req.method;
  bool copy = req.headers.has("x-amz-copy-source");
  if (m == "GET" || m == "HEAD") {
    if (m == "GET" && req.has_param("uploadId")) return operation::list_parts;
    if (m == "GET" && req.has_param("acl")) return operation::get_object_acl;
    if (m == "GET" && req.has_param("attributes")) return operation::get_object_attributes;
    if (m == "GET" && req.has_param("retention")) return operation::get_object_retention;
    if (m == "GET" && req.has_param("legal-hold")) return operation::get_object_legal_hold;
    if (m == "GET" && req.has_param("tagging")) return operation::get_object_tagging;
    if (any_param(req, unsupported_object)) return operation::not_implemented;
    return operation::get_object;
  }
  if (m == "PUT") {
    if (req.has_param("uploadId") || req.has_param("partNumber"))
      return copy ? operation::upload_part_copy : operation::upload_part;
    if (req.has_param("acl")) return operation::put_object_acl;
    if (req.has_param("retention")) return operation::put_object_retention;
    if (req.has_param("legal-hold")) return operation::put_object_legal_hold;
    if (req.has_param("tagging")) return operation::put_object_tagging;
    if (any_param(req, unsupported_object)) return operation::not_implemented;
    return copy ? operation::copy_object : operation::put_object;
  }
  if (m == "DELETE") {
    if (req.has_param("uploadId")) return operation::abort_multipart_upload;
    if (req.has_param("tagging")) return operation::delete_object_tagging;
    if (any_param(req, unsupported_object)) return operation::not_implemented;
    return operation::delete_object;
  }
  if (m == "POST") {
    if (req.has_param("uploads")) return operation::create_multipart_upload;
    if (req.has_param("uploadId")) return operation::complete_multipart_upload;
    if (req.has_param("restore")) return operation::restore_object;
    if (any_param(req, unsupported_object)) return operation::not_implemented;
  }
  return operation::method_not_allowed;
}

operation classify(const core::request& req, const address& addr) {
  if (req.method == "OPTIONS" && !addr.bucket.empty()) return operation::cors_preflight;
  if (addr.bucket.empty()) return req.method == "GET" ? operation::list_buckets : operation::method_not_allowed;
  return addr.key.empty() ? classify_bucket(req) : classify_object(req);
}

void not_implemented(engine& e, const call_ptr& c) { e.reply_error(*c, fail(errc::not_implemented)); }
void not_allowed(engine& e, const call_ptr& c) { e.reply_error(*c, fail(errc::method_not_allowed)); }

bool valid_uri_text(const core::request& req, const address& addr) {
  if (!core::valid_utf8(addr.bucket) || !core::valid_utf8(addr.key)) return false;
  for (const auto& [k, v] : req.query)
    if (!core::valid_utf8(k) || !core::valid_utf8(v)) return false;
  return true;
}

// ListObjects (v1) and ListObjectsV2 share a handler; list-type tells them apart.
void list_objects_any(engine& e, const call_ptr& c) {
  auto lt = c->req.param("list-type");
  if (lt && *lt != "2") return e.reply_error(*c, fail(errc::invalid_argument, "Invalid list-type"));
  list_objects(e, c, lt.has_value());
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
  // S3 reads the request URI as UTF-8: a bucket, key or query parameter that is not valid UTF-8
  // is 400 InvalidURI, so no such key is ever stored or echoed.
  if (!valid_uri_text(c->req, c->addr)) return e.reply_error(*c, fail(errc::invalid_uri));
  if (c->addr.website && !c->addr.bucket.empty()) return website_get(e, c);
  switch (classify(c->req, c->addr)) {
#define HAYLOFT_S3_CASE(name, fn) \
  case operation::fn:             \
    return fn(e, c);
    HAYLOFT_S3_OPERATIONS(HAYLOFT_S3_CASE)
#undef HAYLOFT_S3_CASE
    case operation::not_implemented:
      return not_implemented(e, c);
    case operation::method_not_allowed:
      return not_allowed(e, c);
  }
}

// AWS's names of the operations hayloft answers NotImplemented, by sub-resource and method, so
// the warning and the metrics say what a script needs ("PutBucketLifecycleConfiguration").
struct unsupported_name {
  bool object;
  std::string_view param, get, put, del, post;
};
constexpr unsupported_name unsupported_names[] = {
    {false, "session", "CreateSession", {}, {}, {}},
    {true, "torrent", "GetObjectTorrent", {}, {}, {}},
    {true, "select", {}, {}, {}, "SelectObjectContent"},
};

std::string_view not_implemented_name(const core::request& req, const address& addr) {
  const bool object = !addr.key.empty();
  const auto& m = req.method;
  for (const auto& n : unsupported_names) {
    if (n.object != object || !req.has_param(n.param)) continue;
    std::string_view name = m == "GET" ? n.get : m == "PUT" ? n.put : m == "DELETE" ? n.del : m == "POST" ? n.post : "";
    if (!name.empty()) return name;
  }
  if (!object && m == "POST") return "PostObject";  // browser-based upload (a form POST)
  return "NotImplemented";
}

// As AWS names it, also "HeadObject" and the names of what hayloft answers NotImplemented.
std::string_view operation_name(const core::request& req) {
  const auto addr = resolve_address(req);
  auto op = classify(req, addr);
  if (op == operation::list_objects_any && req.param("list-type") == std::optional<std::string_view>("2"))
    return "ListObjectsV2";
  if (op == operation::get_object && req.method == "HEAD") return "HeadObject";
  if (op == operation::not_implemented) return not_implemented_name(req, addr);
  switch (op) {
#define HAYLOFT_S3_NAME(name, fn) \
  case operation::fn:             \
    return #name;
    HAYLOFT_S3_OPERATIONS(HAYLOFT_S3_NAME)
#undef HAYLOFT_S3_NAME
    case operation::not_implemented:
      return "NotImplemented";
    case operation::method_not_allowed:
      return "MethodNotAllowed";
  }
  return "Unknown";
}

}  // namespace hayloft::s3::detail
