// Who may do what, with --auth (options::evaluate_access): the bucket policy, the ACLs and the
// public access block decide for anonymous and cross-account callers, in IAM's order (an explicit
// Deny wins, then an Allow, then the ACL); the bucket owner's account may do anything its policy
// does not explicitly deny (hayloft has no IAM identity policies). Runs on the I/O thread before
// routing: one cached bucket row, the policy parsed when the bucket has one, and for a caller
// that is not the owner and not allowed by the policy, one indexed read of the object's ACL.
#include "s3/api/acl.h"
#include "s3/api/bucket_documents.h"
#include "s3/api/bucket_policy.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

struct caller {
  bool anonymous = true;
  std::string account, arn;
};

// x-hayloft-caller, set by the auth gate: "anonymous" or "<account> <arn>".
caller caller_of(const core::request& req) {
  caller c;
  auto h = req.headers.get(caller_header);
  if (!h || *h == "anonymous") return c;
  auto space = h->find(' ');
  c.anonymous = false;
  c.account = std::string(h->substr(0, space));
  if (space != std::string_view::npos) c.arn = std::string(h->substr(space + 1));
  return c;
}

// The IAM action of an operation (AWS's operation name), as the S3 actions list maps them.
std::string action_of(std::string_view op, const core::request& req) {
  bool version = req.has_param("versionId");
  struct entry {
    std::string_view op, action;
  };
  static constexpr entry table[] = {
      {"GetObject", "s3:GetObject"}, {"HeadObject", "s3:GetObject"}, {"PutObject", "s3:PutObject"},
      {"CopyObject", "s3:PutObject"}, {"CreateMultipartUpload", "s3:PutObject"}, {"UploadPart", "s3:PutObject"},
      {"UploadPartCopy", "s3:PutObject"}, {"CompleteMultipartUpload", "s3:PutObject"}, {"PostObject", "s3:PutObject"},
      {"DeleteObject", "s3:DeleteObject"}, {"DeleteObjects", "s3:DeleteObject"},
      {"AbortMultipartUpload", "s3:AbortMultipartUpload"}, {"ListParts", "s3:ListMultipartUploadParts"},
      {"ListObjects", "s3:ListBucket"}, {"ListObjectsV2", "s3:ListBucket"}, {"HeadBucket", "s3:ListBucket"},
      {"ListObjectVersions", "s3:ListBucketVersions"}, {"ListMultipartUploads", "s3:ListBucketMultipartUploads"},
      {"ListBuckets", "s3:ListAllMyBuckets"}, {"DeleteBucketTagging", "s3:PutBucketTagging"},
      {"DeleteBucketCors", "s3:PutBucketCORS"}, {"GetBucketCors", "s3:GetBucketCORS"}, {"PutBucketCors", "s3:PutBucketCORS"},
      {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"}, {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
      {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
      {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
      {"GetBucketNotificationConfiguration", "s3:GetBucketNotification"},
      {"PutBucketNotificationConfiguration", "s3:PutBucketNotification"},
      {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
      {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
      {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
      {"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
      {"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"},
  };
  for (const auto& e : table)
    if (e.op == op) {
      if (version && e.action == "s3:GetObject") return "s3:GetObjectVersion";
      if (version && e.action == "s3:DeleteObject" && op == "DeleteObject") return "s3:DeleteObjectVersion";
      return std::string(e.action);
    }
  // Everything else is named as its operation (GetBucketAcl, PutObjectTagging, RestoreObject, ...).
  return "s3:" + std::string(op);
}

// The ACL permission an operation needs: reads of objects and listings need READ; writes of
// objects need WRITE on the bucket; ACL reads and writes need READ_ACP / WRITE_ACP.
std::string_view acl_permission(std::string_view action, bool& on_object) {
  on_object = false;
  if (action == "s3:GetObject" || action == "s3:GetObjectVersion") return on_object = true, "READ";
  if (action == "s3:GetObjectAcl") return on_object = true, "READ_ACP";
  if (action == "s3:PutObjectAcl") return on_object = true, "WRITE_ACP";
  if (action == "s3:ListBucket" || action == "s3:ListBucketVersions" || action == "s3:ListBucketMultipartUploads")
    return "READ";
  if (action == "s3:PutObject" || action == "s3:DeleteObject" || action == "s3:DeleteObjectVersion" ||
      action == "s3:AbortMultipartUpload")
    return "WRITE";
  if (action == "s3:GetBucketAcl") return "READ_ACP";
  if (action == "s3:PutBucketAcl") return "WRITE_ACP";
  return {};
}

bool acl_grants(std::string_view stored, std::string_view permission, const caller& who, bool ignore_public) {
  for (const auto& g : load_acl(stored).grants) {
    if (g.permission != permission && g.permission != "FULL_CONTROL") continue;
    if (g.type != acl_grant::kind::group) continue;  // one account: user grants name its owner
    if (ignore_public) continue;
    if (g.value == all_users_uri) return true;
    if (g.value == authenticated_users_uri && !who.anonymous) return true;
  }
  return false;
}

}  // namespace

result<void> authorize(engine& e, const call& c, std::string_view operation) {
  if (!e.opts.evaluate_access || operation == "OptionsObject") return {};
  auto who = caller_of(c.req);
  const bool owner = !who.anonymous && who.account == e.opts.owner_account;
  if (c.addr.bucket.empty()) {
    if (who.anonymous) return fail(errc::access_denied);
    return {};
  }
  auto b = e.cached_bucket(c.addr.bucket);
  if (!b.ok()) return b.err();
  // A missing bucket: the operation answers it (NoSuchBucket; CreateBucket makes it). Anonymous
  // callers may not create buckets.
  if (!*b) {
    if (who.anonymous && operation == "CreateBucket") return fail(errc::access_denied);
    return {};
  }
  const auto& bucket = **b;
  policy_request pr;
  pr.action = action_of(operation, c.req);
  pr.resource = "arn:aws:s3:::" + c.addr.bucket + (c.addr.key.empty() ? "" : "/" + c.addr.key);
  pr.account = who.account;
  pr.arn = who.arn;
  pr.secure_transport = false;  // hayloft serves plain HTTP
  pr.source_ip = c.req.remote;
  for (auto key : {"prefix", "delimiter", "max-keys", "versionId"})
    if (auto v = c.req.param(key)) pr.context.emplace_back("s3:" + core::to_lower(key), std::string(*v));
  for (auto h : {"x-amz-acl", "x-amz-server-side-encryption", "x-amz-storage-class", "x-amz-copy-source",
                 "x-amz-metadata-directive", "x-amz-content-sha256"})
    if (auto v = c.req.headers.get(h)) pr.context.emplace_back(std::string("s3:") + h, std::string(*v));
  public_access_block pab;
  if (const auto& stored = bucket.doc(bucket_doc::public_access_block); !stored.empty()) {
    auto p = parse_public_access_block(stored);
    if (p.ok()) pab = *p;
  }
  auto decision = policy_decision::none;
  if (const auto& text = bucket.doc(bucket_doc::policy); !text.empty()) {
    auto policy = parse_bucket_policy(text, c.addr.bucket);
    if (policy.ok()) {
      decision = evaluate_policy(*policy, pr);
      // RestrictPublicBuckets: a public policy grants nothing to anyone outside the owner's account.
      if (decision == policy_decision::allow && !owner && pab.restrict_public_buckets && policy_is_public(*policy))
        decision = policy_decision::none;
    }
  }
  if (decision == policy_decision::deny) return fail(errc::access_denied);
  if (owner || decision == policy_decision::allow) return {};
  // ACLs, unless the bucket disabled them.
  if (bucket.doc(bucket_doc::ownership) == "BucketOwnerEnforced") return fail(errc::access_denied);
  bool on_object = false;
  auto permission = acl_permission(pr.action, on_object);
  if (permission.empty()) return fail(errc::access_denied);
  if (!on_object) {
    if (acl_grants(bucket.acl, permission, who, pab.ignore_public_acls)) return {};
    return fail(errc::access_denied);
  }
  auto version = version_param(c.req);
  if (!version.ok()) return version.err();
  auto reader = e.store.reader();
  auto row = *version ? find_object_version(*reader, c.addr.bucket, c.addr.key, **version, false)
                      : find_object(*reader, c.addr.bucket, c.addr.key, false);
  if (!row.ok()) return row.err();
  // S3 answers AccessDenied, not NoSuchKey, to a caller who may not list the bucket.
  if (!*row || (*row)->delete_marker) {
    if (acl_grants(bucket.acl, "READ", who, pab.ignore_public_acls)) return {};
    return fail(errc::access_denied);
  }
  if (acl_grants((*row)->acl, permission, who, pab.ignore_public_acls)) return {};
  return fail(errc::access_denied);
}

}  // namespace hayloft::s3::detail
