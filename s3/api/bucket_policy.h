#pragma once
// Bucket policies: the JSON document of PutBucketPolicy, validated as S3 validates it
// (MalformedPolicy naming the problem), whether it is public (GetBucketPolicyStatus, the public
// access block), and IAM's evaluation of its statements for one request (explicit Deny wins over
// Allow; nothing matching is no decision). Pure; any thread. The text is bounded (20 KiB, S3's
// limit) and its nesting (32) before nlohmann sees it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::s3 {

inline constexpr std::size_t max_policy_bytes = 20 * 1024;

struct policy_condition {
  std::string op;   // as written, e.g. "StringLike", "NotIpAddress", "BoolIfExists"
  std::string key;  // lower-cased, e.g. "aws:sourceip", "s3:prefix"
  std::vector<std::string> values;
};

struct policy_statement {
  std::string sid;
  bool allow = true;
  bool not_principal = false;
  std::vector<std::string> principals;  // "*", an account id, an ARN, a canonical user id
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased, "s3:getobject", "s3:get*", "*"
  bool not_resource = false;
  std::vector<std::string> resources;
  std::vector<policy_condition> conditions;
};

struct bucket_policy {
  std::string version;
  std::vector<policy_statement> statements;
};

// `bucket` is the bucket the policy is put on: every Resource must name it. MalformedPolicy for
// text that is not JSON ("Policies must be valid JSON and the first byte must be '{'"), an unknown
// Version, a missing Statement/Effect/Principal/Action/Resource, an unknown field, an invalid
// principal, action or resource, an action no resource of its statement can apply to, an unknown
// condition operator or a value that is not a string, number or boolean.
result<bucket_policy> parse_bucket_policy(std::string_view text, std::string_view bucket);

// Public as S3 defines it: some Allow statement grants a wildcard principal ("*" or {"AWS":"*"})
// without a condition that fixes the caller (aws:SourceIp, aws:SourceArn, aws:SourceVpc,
// aws:SourceVpce, aws:SourceAccount, aws:PrincipalOrgID, aws:PrincipalAccount, s3:DataAccessPointArn).
bool policy_is_public(const bucket_policy& p);

// The facts about one request that a policy can ask about.
struct policy_request {
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key"
  // The caller: empty for anonymous; else the account id and the caller's ARN.
  std::string account;
  std::string arn;
  bool secure_transport = false;
  std::string source_ip;
  // Request-specific keys (lower-case name -> value), e.g. "s3:prefix", "s3:x-amz-acl".
  std::vector<std::pair<std::string, std::string>> context;
};

enum class policy_decision { none, allow, deny };
policy_decision evaluate_policy(const bucket_policy& p, const policy_request& r);

// IAM's wildcard match: '*' any run, '?' one character; case-insensitive when asked.
bool iam_match(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace hayloft::s3
