#pragma once
// Bucket settings S3 stores and returns but hayloft has nothing to emulate for (no CDN, no
// billing, no log delivery, no second region) or only stores for now: accelerate, request payment,
// logging, default encryption, website and replication configurations. Each parser validates as
// S3 does and returns the canonical document that is stored and returned. Pure; any thread.
// Documents go through parse_xml (bounded, no DTD); the caller bounds the byte size.
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::s3 {

// <AccelerateConfiguration><Status>Enabled|Suspended</Status>; MalformedXML otherwise.
result<std::string> parse_accelerate_configuration(std::string_view body);
// What GetBucketAccelerateConfiguration answers for a bucket that never set one.
std::string empty_accelerate_configuration();

// <RequestPaymentConfiguration><Payer>Requester|BucketOwner</Payer>; MalformedXML otherwise.
result<std::string> parse_request_payment_configuration(std::string_view body);
std::string default_request_payment_configuration();  // Payer BucketOwner

// <BucketLoggingStatus>[<LoggingEnabled><TargetBucket/><TargetPrefix/>[<TargetGrants/>]
// [<TargetObjectKeyFormat/>]</LoggingEnabled>]. `target_bucket` receives the TargetBucket (empty
// when logging is disabled) for the caller to check (InvalidTargetBucketForLogging).
result<std::string> parse_bucket_logging_status(std::string_view body, std::string& target_bucket);
std::string empty_bucket_logging_status();

// ServerSideEncryptionConfiguration: one Rule, ApplyServerSideEncryptionByDefault with
// SSEAlgorithm AES256, aws:kms or aws:kms:dsse (MalformedXML otherwise), KMSMasterKeyID only
// with a KMS algorithm (InvalidArgument), optional BucketKeyEnabled true/false.
result<std::string> parse_encryption_configuration(std::string_view body);
// Every bucket's default since January 2023: SSE-S3 (AES256), BucketKeyEnabled false.
std::string default_encryption_configuration();

// WebsiteConfiguration: RedirectAllRequestsTo (HostName, optional Protocol http|https) alone, or
// IndexDocument/Suffix (required, non-empty, no '/'), optional ErrorDocument/Key and
// RoutingRules (each a Redirect, optional Condition with KeyPrefixEquals or
// HttpErrorCodeReturnedEquals). InvalidArgument / MalformedXML with S3's messages.
result<std::string> parse_website_configuration(std::string_view body);

// ReplicationConfiguration: a Role and 1-1000 Rules, each with Status Enabled|Disabled and a
// Destination with a Bucket ARN. MalformedXML otherwise. (Versioning must be Enabled: the
// service checks that.)
result<std::string> parse_replication_configuration(std::string_view body);

}  // namespace hayloft::s3
