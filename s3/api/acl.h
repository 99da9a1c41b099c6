#pragma once
// Access control lists: canned ACLs (x-amz-acl), grant headers (x-amz-grant-*) and the
// AccessControlPolicy document, validated as S3 validates them, in one value type; and the
// questions ownership controls and the public access block ask of an ACL. Pure; any thread.
// Documents go through parse_xml (bounded, no DTD); the caller bounds the byte size.
//
// Stored form (the acl column of buckets, objects and uploads): a canned ACL's name, or the
// canonical rendered AccessControlPolicy (starts with '<').
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

inline constexpr std::string_view all_users_uri = "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr std::string_view authenticated_users_uri = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
inline constexpr std::string_view log_delivery_uri = "http://acs.amazonaws.com/groups/s3/LogDelivery";
inline constexpr std::size_t max_acl_grants = 100;

struct acl_grant {
  enum class kind { canonical_user, group, email };
  kind type = kind::canonical_user;
  std::string value;         // ID, URI or EmailAddress
  std::string display_name;  // CanonicalUser only, as given
  std::string permission;    // FULL_CONTROL, WRITE, WRITE_ACP, READ, READ_ACP
};

struct access_control_policy {
  std::string owner_id;
  std::string owner_display_name;
  std::vector<acl_grant> grants;
};

// The grants a canned ACL stands for (owner FULL_CONTROL first).
access_control_policy canned_policy(std::string_view canned);
// A full AccessControlPolicy: MalformedACLError when it is not one (no Owner/ID, no
// AccessControlList, a Grant without Grantee or Permission, a Grantee without xsi:type, an unknown
// permission or grantee type, more than 100 grants); AccessDenied when the Owner is not
// hayloft's account; InvalidArgument "Invalid id" for a CanonicalUser ID that is not 64
// lowercase hex digits, "Invalid group uri" for an unknown group.
result<access_control_policy> parse_access_control_policy(std::string_view body);
// The ACL a request asks for through x-amz-acl or x-amz-grant-* (nullopt: neither).
// InvalidRequest "Specifying both Canned ACLs and Header Grants is not allowed"; InvalidArgument
// for an unknown canned ACL or a malformed grant list (`id="..."`, `uri="..."`,
// `emailAddress="..."`, comma-separated). `bucket`: x-amz-grant-write is allowed.
result<std::optional<std::string>> acl_from_headers(const core::header_map& headers, bool bucket);
std::string render_access_control_policy(const access_control_policy& p);
// The stored form of a parsed policy.
inline std::string store_acl(const access_control_policy& p) { return render_access_control_policy(p); }
// The policy a stored form stands for.
access_control_policy load_acl(std::string_view stored);
// Whether an ACL grants nothing beyond the owner's FULL_CONTROL (what a bucket with
// BucketOwnerEnforced accepts: private, bucket-owner-full-control, or the same as a document).
bool owner_only(std::string_view stored);
// Whether an ACL grants anything to AllUsers or AuthenticatedUsers (public, for the public access
// block).
bool grants_public(std::string_view stored);

}  // namespace hayloft::s3
