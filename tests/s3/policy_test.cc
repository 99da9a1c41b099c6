// Bucket policies: validation (MalformedPolicy and its messages), storage, GetBucketPolicyStatus,
// the public access block's BlockPublicPolicy, and IAM's evaluation of statements and conditions.
#include "s3/api/bucket_policy.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

std::string statement(std::string body) { return R"({"Version":"2012-10-17","Statement":[)" + body + "]}"; }
const std::string public_read = statement(
    R"({"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"})");

std::string message_of(std::string_view text) {
  auto r = parse_bucket_policy(text, "bkt");
  if (r.ok()) return "ok";
  EXPECT_EQ(to_errc(r.code()), errc::malformed_policy) << text;
  return r.err().message;
}

TEST(S3PolicyDocument, IsValidatedAsS3Does) {
  EXPECT_EQ(message_of(public_read), "ok");
  EXPECT_EQ(message_of("not json"), "Policies must be valid JSON and the first byte must be '{'");
  EXPECT_EQ(message_of("[1]"), "Policies must be valid JSON and the first byte must be '{'");
  EXPECT_EQ(message_of(R"({"Version":"2012-10-17","Statement":[)"), "Policies must be valid JSON and the first byte must be '{'");
  EXPECT_EQ(message_of(R"({"Version":"2012-10-17"})"), "Missing required field Statement");
  EXPECT_EQ(message_of(R"({"Version":"2020-01-01","Statement":[]})"), "The policy must contain a valid version string");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"})")),
            "Missing required field Principal");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"})")),
            "Invalid effect: Maybe");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:Fly","Resource":"arn:aws:s3:::bkt/*"})")),
            "Policy has invalid action");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"})")),
            "Policy has invalid resource");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"})")),
            "Invalid principal in policy");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt"})")),
            "Action does not apply to any resource(s) in statement");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt/*"})")),
            "Action does not apply to any resource(s) in statement");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*",)"
                                 R"("Condition":{"StringSounds":{"s3:prefix":"a"}}})")),
            "Invalid Condition type : StringSounds");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Colour":1})")),
            "Unknown field Colour");
  EXPECT_EQ(message_of(statement(R"({"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/x"]},)"
                                 R"("Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],)"
                                 R"("Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},"Bool":{"aws:SecureTransport":false}}})")),
            "ok");
  EXPECT_EQ(message_of(std::string(20 * 1024 + 1, ' ')), "Policies cannot exceed 20 KB in size");
  std::string deep(40, '[');
  EXPECT_EQ(message_of("{\"a\":" + deep), "Policies must be valid JSON and the first byte must be '{'");
}

TEST(S3PolicyDocument, PublicMeansAWildcardPrincipalNotPinnedByACondition) {
  EXPECT_TRUE(policy_is_public(*parse_bucket_policy(public_read, "bkt")));
  EXPECT_FALSE(policy_is_public(*parse_bucket_policy(
      statement(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"})"),
      "bkt")));
  EXPECT_FALSE(policy_is_public(*parse_bucket_policy(
      statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*",)"
                R"("Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}})"),
      "bkt")));
  EXPECT_FALSE(policy_is_public(*parse_bucket_policy(
      statement(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"})"), "bkt")));
}

TEST(S3PolicyEvaluation, ExplicitDenyWinsAndConditionsDecide) {
  auto p = parse_bucket_policy(
      statement(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/public/*"},)"
                R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*",)"
                R"("Condition":{"Bool":{"aws:SecureTransport":"false"},"StringLike":{"s3:x-amz-acl":["public*"]}}},)"
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt",)"
                R"("Condition":{"StringLike":{"s3:prefix":["home/*"]},"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})"),
      "bkt");
  ASSERT_TRUE(p.ok()) << p.err().message;
  policy_request r{"s3:GetObject", "arn:aws:s3:::bkt/public/a.txt", "", "", false, "127.0.0.1", {}};
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::allow);
  r.resource = "arn:aws:s3:::bkt/private/a.txt";
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::none);
  r = {"s3:PutObject", "arn:aws:s3:::bkt/public/a.txt", "", "", false, "127.0.0.1", {{"s3:x-amz-acl", "public-read"}}};
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::deny);
  r.secure_transport = true;
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::none);
  r = {"s3:ListBucket", "arn:aws:s3:::bkt", "111122223333", "arn:aws:iam::111122223333:user/a", false, "127.0.0.1",
       {{"s3:prefix", "home/a/"}}};
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::allow);
  r.source_ip = "203.0.113.9";
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::none);
  r.source_ip = "127.0.0.1";
  r.context = {{"s3:prefix", "etc/"}};
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::none);
  r.context = {{"s3:prefix", "home/b"}};
  r.account = "999999999999";
  EXPECT_EQ(evaluate_policy(*p, r), policy_decision::none);
  EXPECT_TRUE(iam_match("s3:Get*", "s3:getobject", true));
  EXPECT_TRUE(iam_match("arn:aws:s3:::b?t/*", "arn:aws:s3:::bkt/a/b", false));
  EXPECT_FALSE(iam_match("arn:aws:s3:::bkt/a*", "arn:aws:s3:::bkt/b", false));
}

class S3PolicyTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  std::string code(const core::response& r) { return xml_text(r.body, "Code"); }
};

TEST_F(S3PolicyTest, PutGetDeleteAndStatus) {
  auto r = call("GET", "/bkt?policy");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code(r), "NoSuchBucketPolicy");
  EXPECT_EQ(code(call("GET", "/bkt?policyStatus")), "NoSuchBucketPolicy");
  ASSERT_EQ(call("PUT", "/bkt?policy", public_read).status, 204u);
  r = call("GET", "/bkt?policy");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, public_read);
  EXPECT_EQ(xml_text(call("GET", "/bkt?policyStatus").body, "IsPublic"), "true");
  r = call("PUT", "/bkt?policy", "{\"Version\":\"2012-10-17\"}");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(code(r), "MalformedPolicy");
  EXPECT_EQ(xml_text(r.body, "Message"), "Missing required field Statement");
  EXPECT_EQ(call("GET", "/bkt?policy").body, public_read);
  EXPECT_EQ(call("DELETE", "/bkt?policy").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt?policy")), "NoSuchBucketPolicy");
  EXPECT_EQ(code(call("PUT", "/none?policy", public_read)), "NoSuchBucket");
}

TEST_F(S3PolicyTest, BlockPublicPolicyRefusesPublicPolicies) {
  ASSERT_EQ(call("PUT", "/bkt?publicAccessBlock",
                 "<PublicAccessBlockConfiguration><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>")
                .status,
            200u);
  auto r = call("PUT", "/bkt?policy", public_read);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(code(r), "AccessDenied");
  EXPECT_EQ(call("PUT", "/bkt?policy",
                 statement(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"})"))
                .status,
            204u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?policyStatus").body, "IsPublic"), "false");
}

}  // namespace
}  // namespace hayloft::s3::testing
