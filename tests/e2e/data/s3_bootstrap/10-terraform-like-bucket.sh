#!/bin/bash
# Configures a bucket the way Terraform's aws_s3_bucket_* resources do (one API call per resource,
# then the reads aws_s3_bucket performs on every refresh), written for LocalStack's awslocal.
set -euo pipefail
B=tf-assets
awslocal s3api create-bucket --bucket "$B" --create-bucket-configuration LocationConstraint=eu-central-1 \
  --object-ownership BucketOwnerEnforced
awslocal s3api put-bucket-versioning --bucket "$B" --versioning-configuration Status=Enabled
awslocal s3api put-bucket-encryption --bucket "$B" --server-side-encryption-configuration \
  '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/assets"},"BucketKeyEnabled":true}]}'
awslocal s3api put-public-access-block --bucket "$B" --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false
awslocal s3api put-bucket-ownership-controls --bucket "$B" --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
awslocal s3api put-bucket-cors --bucket "$B" --cors-configuration \
  '{"CORSRules":[{"AllowedHeaders":["*"],"AllowedMethods":["PUT","POST"],"AllowedOrigins":["https://app.example.com"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}]}'
awslocal s3api put-bucket-lifecycle-configuration --bucket "$B" --lifecycle-configuration \
  '{"Rules":[{"ID":"tmp","Status":"Enabled","Filter":{"And":{"Prefix":"tmp/","Tags":[{"Key":"class","Value":"scratch"}]}},"Expiration":{"Days":7}},{"ID":"old","Status":"Enabled","Filter":{"Prefix":""},"NoncurrentVersionExpiration":{"NoncurrentDays":30}}]}'
awslocal s3api put-bucket-policy --bucket "$B" --policy \
  '{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::tf-assets","arn:aws:s3:::tf-assets/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"aws:PrincipalAccount":"000000000000"}}}]}'
awslocal s3api put-bucket-tagging --bucket "$B" --tagging 'TagSet=[{Key=Environment,Value=dev},{Key=ManagedBy,Value=terraform}]'
awslocal s3api put-bucket-logging --bucket "$B" --bucket-logging-status '{}'
awslocal s3api put-bucket-request-payment --bucket "$B" --request-payment-configuration Payer=BucketOwner
# aws_s3_bucket's refresh reads every setting; absent ones answer their 404s.
awslocal s3api get-bucket-accelerate-configuration --bucket "$B"
awslocal s3api get-bucket-request-payment --bucket "$B"
awslocal s3api get-bucket-logging --bucket "$B"
awslocal s3api get-bucket-encryption --bucket "$B"
awslocal s3api get-bucket-acl --bucket "$B"
expect_error() {  # CODE ARGS...: the call fails with that error code
  local code=$1 out
  shift
  if out=$(awslocal s3api "$@" 2>&1); then echo "unexpected success: $*"; exit 1; fi
  grep -q "$code" <<<"$out" || { echo "expected $code: $out"; exit 1; }
}
expect_error ObjectLockConfigurationNotFoundError get-object-lock-configuration --bucket "$B"
expect_error NoSuchWebsiteConfiguration get-bucket-website --bucket "$B"
expect_error ReplicationConfigurationNotFoundError get-bucket-replication --bucket "$B"
echo "tf-assets configured"
