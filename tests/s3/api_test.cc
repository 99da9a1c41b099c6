// Unit tests of the S3 wire layer: error table, addressing, ranges, conditions, checksums,
// aws-chunked decoding and request documents.
#include <gtest/gtest.h>

#include "emulator/core/hash.h"
#include "s3/api/acl.h"
#include "s3/api/addressing.h"
#include "s3/api/aws_chunked.h"
#include "s3/api/checksums.h"
#include "s3/api/conditions.h"
#include "s3/api/documents.h"
#include "s3/api/errors.h"
#include "s3/api/results.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

struct error_case {
  errc code;
  unsigned status;
  std::string_view name;
};

TEST(S3Errors, EveryEntryMapsToStatusAndCode) {
  const error_case cases[] = {
      {errc::access_denied, 403, "AccessDenied"},
      {errc::bad_digest, 400, "BadDigest"},
      {errc::bucket_already_exists, 409, "BucketAlreadyExists"},
      {errc::bucket_already_owned_by_you, 409, "BucketAlreadyOwnedByYou"},
      {errc::bucket_not_empty, 409, "BucketNotEmpty"},
      {errc::entity_too_large, 400, "EntityTooLarge"},
      {errc::entity_too_small, 400, "EntityTooSmall"},
      {errc::incomplete_body, 400, "IncompleteBody"},
      {errc::internal_error, 500, "InternalError"},
      {errc::invalid_argument, 400, "InvalidArgument"},
      {errc::invalid_bucket_name, 400, "InvalidBucketName"},
      {errc::invalid_digest, 400, "InvalidDigest"},
      {errc::invalid_location_constraint, 400, "InvalidLocationConstraint"},
      {errc::invalid_part, 400, "InvalidPart"},
      {errc::invalid_part_number, 400, "InvalidArgument"},
      {errc::invalid_part_order, 400, "InvalidPartOrder"},
      {errc::invalid_range, 416, "InvalidRange"},
      {errc::invalid_request, 400, "InvalidRequest"},
      {errc::invalid_storage_class, 400, "InvalidStorageClass"},
      {errc::invalid_uri, 400, "InvalidURI"},
      {errc::key_too_long, 400, "KeyTooLongError"},
      {errc::malformed_acl, 400, "MalformedACLError"},
      {errc::malformed_xml, 400, "MalformedXML"},
      {errc::max_message_length_exceeded, 400, "MaxMessageLengthExceeded"},
      {errc::metadata_too_large, 400, "MetadataTooLarge"},
      {errc::method_not_allowed, 405, "MethodNotAllowed"},
      {errc::missing_content_length, 411, "MissingContentLength"},
      {errc::no_such_bucket, 404, "NoSuchBucket"},
      {errc::no_such_key, 404, "NoSuchKey"},
      {errc::no_such_upload, 404, "NoSuchUpload"},
      {errc::not_implemented, 501, "NotImplemented"},
      {errc::precondition_failed, 412, "PreconditionFailed"},
      {errc::content_sha256_mismatch, 400, "XAmzContentSHA256Mismatch"},
      {errc::no_such_version, 404, "NoSuchVersion"},
      {errc::invalid_object_state, 403, "InvalidObjectState"},
      {errc::object_lock_configuration_not_found, 404, "ObjectLockConfigurationNotFoundError"},
      {errc::no_such_object_lock_configuration, 404, "NoSuchObjectLockConfiguration"},
      {errc::no_such_lifecycle_configuration, 404, "NoSuchLifecycleConfiguration"},
      {errc::restore_already_in_progress, 409, "RestoreAlreadyInProgress"},
      {errc::invalid_bucket_state, 409, "InvalidBucketState"},
      {errc::illegal_versioning_configuration, 400, "IllegalVersioningConfigurationException"},
      {errc::bad_request, 400, "BadRequest"},
      {errc::invalid_tag, 400, "InvalidTag"},
      {errc::no_such_tag_set, 404, "NoSuchTagSet"},
      {errc::access_control_list_not_supported, 400, "AccessControlListNotSupported"},
      {errc::invalid_bucket_acl_with_object_ownership, 400, "InvalidBucketAclWithObjectOwnership"},
      {errc::ownership_controls_not_found, 404, "OwnershipControlsNotFoundError"},
      {errc::no_such_public_access_block_configuration, 404, "NoSuchPublicAccessBlockConfiguration"},
      {errc::unresolvable_grant_by_email_address, 400, "UnresolvableGrantByEmailAddress"},
      {errc::access_forbidden, 403, "AccessForbidden"},
      {errc::no_such_cors_configuration, 404, "NoSuchCORSConfiguration"},
      {errc::malformed_policy, 400, "MalformedPolicy"},
      {errc::no_such_bucket_policy, 404, "NoSuchBucketPolicy"},
      {errc::no_such_website_configuration, 404, "NoSuchWebsiteConfiguration"},
      {errc::replication_configuration_not_found, 404, "ReplicationConfigurationNotFoundError"},
      {errc::invalid_target_bucket_for_logging, 400, "InvalidTargetBucketForLogging"},
      {errc::no_such_configuration, 404, "NoSuchConfiguration"},
      {errc::too_many_configurations, 400, "TooManyConfigurations"},
  };
  EXPECT_EQ(std::size(cases), static_cast<std::size_t>(errc::count_) - 1);
  for (const auto& c : cases) {
    const auto& e = describe(c.code);
    EXPECT_EQ(e.status, c.status) << c.name;
    EXPECT_EQ(e.code, c.name);
    EXPECT_FALSE(e.message.empty()) << c.name;
    EXPECT_EQ(to_errc(make_error_code(c.code)), c.code);
  }
}

TEST(S3Errors, ForeignCodesBecomeInternalError) {
  EXPECT_EQ(to_errc(std::make_error_code(std::errc::io_error)), errc::internal_error);
  EXPECT_EQ(to_errc({}), errc::ok);
}

TEST(S3Errors, RendersErrorDocument) {
  auto xml = render_error_xml("NoSuchKey", "The specified key does not exist.", {{"Key", "a&b"}}, "/b/a%26b", "RID",
                              "HID");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does "
            "not exist.</Message><Key>a&amp;b</Key><Resource>/b/a%26b</Resource><RequestId>RID</RequestId>"
            "<HostId>HID</HostId></Error>");
}

TEST(S3Addressing, WebsiteEndpoint) {
  auto at = [](std::string host, std::string target) {
    core::request req;
    EXPECT_TRUE(core::parse_target(target, req));
    req.headers.add("Host", host);
    return resolve_address(req);
  };
  auto a = at("site.s3-website.localhost:4566", "/docs/a.html");
  EXPECT_TRUE(a.website);
  EXPECT_EQ(a.bucket, "site");
  EXPECT_EQ(a.key, "docs/a.html");
  a = at("my.site.s3-website-eu-central-1.localhost", "/");
  EXPECT_TRUE(a.website);
  EXPECT_EQ(a.bucket, "my.site");
  a = at("s3-website.localhost:4566", "/site/x");
  EXPECT_TRUE(a.website);
  EXPECT_EQ(a.bucket, "site");
  EXPECT_EQ(a.key, "x");
  EXPECT_FALSE(at("site.s3.localhost", "/x").website);
  EXPECT_FALSE(at("s3-websites.localhost", "/b/x").website);
  EXPECT_FALSE(at("localhost:4566", "/s3-website/x").website);
}

TEST(S3Addressing, VirtualHostForms) {
  struct {
    std::string_view host;
    std::optional<std::string> bucket;
  } cases[] = {
      {"localhost:4566", std::nullopt},
      {"127.0.0.1:4566", std::nullopt},
      {"s3.localhost.localstack.cloud:4566", std::nullopt},
      {"mybucket.localhost:4566", "mybucket"},
      {"mybucket.localhost", "mybucket"},
      {"mybucket.s3.localhost:4566", "mybucket"},
      {"mybucket.s3.eu-central-1.localhost:4566", "mybucket"},
      {"my.dotted.bucket.s3.localhost", "my.dotted.bucket"},
      {"mybucket.s3.localhost.localstack.cloud:4566", "mybucket"},
      {"MyBucket.Localhost", "mybucket"},
      {"s3.us-east-1.localhost", std::nullopt},
      {"example.com", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(bucket_from_host(c.host), c.bucket) << c.host;
}

TEST(S3Addressing, PathStyleKeepsKeyVerbatim) {
  core::request req;
  ASSERT_TRUE(core::parse_target("/bucket/a//..%2F../etc/passwd", req));
  req.headers.add("Host", "localhost:4566");
  auto a = resolve_address(req);
  EXPECT_EQ(a.bucket, "bucket");
  EXPECT_EQ(a.key, "a//../../etc/passwd");
  EXPECT_FALSE(a.virtual_host);
}

TEST(S3Addressing, VirtualHostKeyIsWholePath) {
  core::request req;
  ASSERT_TRUE(core::parse_target("/dir/file.txt", req));
  req.headers.add("Host", "bkt.s3.localhost:4566");
  auto a = resolve_address(req);
  EXPECT_EQ(a.bucket, "bkt");
  EXPECT_EQ(a.key, "dir/file.txt");
}

TEST(S3Addressing, BucketNames) {
  const std::string good[] = {"abc", "my-bucket", "my.bucket.1", "a1b", std::string(63, 'a')};
  for (const auto& ok : good) EXPECT_TRUE(valid_bucket_name(ok)) << ok;
  const std::string bad[] = {"ab", "ABC", "my_bucket", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc",
                             "abc-s3alias", "a.-b", "", std::string(64, 'a')};
  for (const auto& b : bad) EXPECT_FALSE(valid_bucket_name(b)) << b;
}

TEST(S3Addressing, SigningRegion) {
  core::request req;
  req.headers.add("Authorization",
                  "AWS4-HMAC-SHA256 Credential=test/20261125/eu-central-1/s3/aws4_request, SignedHeaders=host, "
                  "Signature=abc");
  EXPECT_EQ(signing_region(req), "eu-central-1");
  EXPECT_EQ(signing_region(core::request{}), "");
}

TEST(S3Range, Forms) {
  struct {
    std::string_view header;
    std::uint64_t size;
    range_status status;
    std::uint64_t first, last;
  } cases[] = {
      {"bytes=0-9", 100, range_status::satisfiable, 0, 9},
      {"bytes=10-", 100, range_status::satisfiable, 10, 99},
      {"bytes=-10", 100, range_status::satisfiable, 90, 99},
      {"bytes=-200", 100, range_status::satisfiable, 0, 99},
      {"bytes=50-500", 100, range_status::satisfiable, 50, 99},
      {"bytes=100-", 100, range_status::unsatisfiable, 0, 0},
      {"bytes=-0", 100, range_status::unsatisfiable, 0, 0},
      {"bytes=0-", 0, range_status::unsatisfiable, 0, 0},
      {"bytes=5-1", 100, range_status::none, 0, 0},
      {"bytes=0-1,5-6", 100, range_status::none, 0, 0},
      {"items=0-1", 100, range_status::none, 0, 0},
      {"bytes=x-1", 100, range_status::none, 0, 0},
      // Numbers beyond 64 bits: a first-pos past the end is 416 as S3 answers, not the whole body.
      {"bytes=99999999999999999999-", 100, range_status::unsatisfiable, 0, 0},
      {"bytes=18446744073709551616-", 100, range_status::unsatisfiable, 0, 0},
      {"bytes=99999999999999999999-99999999999999999999", 100, range_status::unsatisfiable, 0, 0},
      {"bytes=0-99999999999999999999", 100, range_status::satisfiable, 0, 99},
      {"bytes=-99999999999999999999", 100, range_status::satisfiable, 0, 99},
      {"bytes=99999999999999999999-5", 100, range_status::none, 0, 0},
      {"bytes=99999999999999999999-99999999999999999998", 100, range_status::none, 0, 0},
      {"bytes=000000000000000000000000005-0000000000000000000000009", 100, range_status::satisfiable, 5, 9},
      {"bytes=-000", 100, range_status::unsatisfiable, 0, 0},
      {"bytes=-5", 0, range_status::unsatisfiable, 0, 0},
      {"BYTES=1-2", 100, range_status::satisfiable, 1, 2},
      // Malformed forms are ignored (200 with the whole object), as S3 does.
      {"bytes=", 100, range_status::none, 0, 0},
      {"bytes=-", 100, range_status::none, 0, 0},
      {"bytes=1", 100, range_status::none, 0, 0},
      {"bytes=--1", 100, range_status::none, 0, 0},
      {"bytes=1--2", 100, range_status::none, 0, 0},
      {"bytes=+1-2", 100, range_status::none, 0, 0},
      {"bytes=1-+2", 100, range_status::none, 0, 0},
      {"bytes=0x1-2", 100, range_status::none, 0, 0},
      {"bytes:0-1", 100, range_status::none, 0, 0},
      {"bytes", 100, range_status::none, 0, 0},
      {"", 100, range_status::none, 0, 0},
  };
  for (const auto& c : cases) {
    byte_range r;
    EXPECT_EQ(parse_range(c.header, c.size, r), c.status) << c.header;
    if (c.status == range_status::satisfiable) {
      EXPECT_EQ(r.first, c.first) << c.header;
      EXPECT_EQ(r.last, c.last) << c.header;
    }
  }
}

TEST(S3Conditions, PrecedenceFollowsRfc7232) {
  auto lm = core::from_unix_ms(1767225600000);  // 2026-01-01T00:00:00Z
  const std::string etag = "\"abc\"";
  const std::string before = "Wed, 31 Dec 2025 00:00:00 GMT", after = "Fri, 02 Jan 2026 00:00:00 GMT";
  struct {
    std::vector<std::pair<std::string, std::string>> headers;
    condition_result expected;
  } cases[] = {
      {{}, condition_result::proceed},
      {{{"If-Match", "\"abc\""}}, condition_result::proceed},
      {{{"If-Match", "abc"}}, condition_result::proceed},
      {{{"If-Match", "\"x\", \"abc\""}}, condition_result::proceed},
      {{{"If-Match", "*"}}, condition_result::proceed},
      {{{"If-Match", "\"x\""}}, condition_result::precondition_failed},
      {{{"If-Unmodified-Since", before}}, condition_result::precondition_failed},
      {{{"If-Unmodified-Since", after}}, condition_result::proceed},
      // If-Match true overrides a false If-Unmodified-Since (S3 docs).
      {{{"If-Match", "\"abc\""}, {"If-Unmodified-Since", before}}, condition_result::proceed},
      {{{"If-None-Match", "\"abc\""}}, condition_result::not_modified},
      {{{"If-None-Match", "\"x\""}}, condition_result::proceed},
      {{{"If-Modified-Since", after}}, condition_result::not_modified},
      {{{"If-Modified-Since", "Thu, 01 Jan 2026 00:00:00 GMT"}}, condition_result::not_modified},
      {{{"If-Modified-Since", before}}, condition_result::proceed},
      // If-None-Match false overrides a true If-Modified-Since... and vice versa.
      {{{"If-None-Match", "\"x\""}, {"If-Modified-Since", after}}, condition_result::proceed},
      {{{"If-None-Match", "\"abc\""}, {"If-Modified-Since", before}}, condition_result::not_modified},
      {{{"If-Match", "\"x\""}, {"If-None-Match", "\"abc\""}}, condition_result::precondition_failed},
  };
  for (const auto& c : cases) {
    core::header_map h;
    std::string desc;
    for (const auto& [k, v] : c.headers) {
      h.add(k, v);
      desc += k + ": " + v + "; ";
    }
    EXPECT_EQ(evaluate_read_conditions(h, etag, lm), c.expected) << desc;
  }
}

TEST(S3Checksums, KnownValues) {
  struct {
    checksum_algorithm alg;
    std::string_view expected;
  } cases[] = {
      {checksum_algorithm::crc32, "NhCmhg=="},  // as boto3 sends for b"hello"
      {checksum_algorithm::sha256, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
      {checksum_algorithm::sha1, "qvTGHdzF6KLavt4PO0gs2a6pQ00="},
  };
  for (const auto& c : cases) {
    checksum_hasher h(c.alg);
    h.update("hel");
    h.update("lo");
    EXPECT_EQ(h.final_base64(), c.expected) << algorithm_name(c.alg);
  }
  EXPECT_TRUE(valid_checksum_value(checksum_algorithm::crc32, "NhCmhg=="));
  EXPECT_FALSE(valid_checksum_value(checksum_algorithm::crc32, "NhCmhgAA"));
  EXPECT_FALSE(valid_checksum_value(checksum_algorithm::sha256, "NhCmhg=="));
  EXPECT_EQ(parse_algorithm("crc64nvme"), checksum_algorithm::crc64nvme);
  EXPECT_EQ(parse_algorithm("md5"), std::nullopt);
}

TEST(S3Checksums, HeaderErrors) {
  core::header_map two;
  two.add("x-amz-checksum-crc32", "NhCmhg==");
  two.add("x-amz-checksum-sha1", "qvTGHdzF6KLavt4PO0gs2a6pQ00=");
  auto r = checksum_from_headers(two);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(to_errc(r.code()), errc::invalid_request);
  core::header_map bad;
  bad.add("x-amz-checksum-crc32", "!!");
  r = checksum_from_headers(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().message, "Value for x-amz-checksum-crc32 header is invalid.");
  core::header_map trailer;
  trailer.add("x-amz-trailer", "x-amz-checksum-crc32c");
  r = checksum_from_headers(trailer);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->in_trailer);
  EXPECT_EQ(r->algorithm, checksum_algorithm::crc32c);
}

TEST(S3Checksums, CompositeIsChecksumOfPartChecksums) {
  checksum_hasher a(checksum_algorithm::crc32), b(checksum_algorithm::crc32);
  a.update("part one");
  b.update("part two");
  auto ra = a.final_raw(), rb = b.final_raw();
  checksum_hasher whole(checksum_algorithm::crc32);
  whole.update(ra + rb);
  EXPECT_EQ(composite_checksum(checksum_algorithm::crc32, {core::base64_encode(ra), core::base64_encode(rb)}),
            whole.final_base64() + "-2");
}

std::string decode_all(std::string_view encoded, std::size_t split, aws_chunked_decoder& d, bool& ok) {
  std::string out;
  auto sink = [&](std::string_view s) { out.append(s); };
  ok = true;
  for (std::size_t i = 0; i < encoded.size(); i += split) ok = ok && d.feed(encoded.substr(i, split), sink);
  return out;
}

TEST(S3AwsChunked, SignedChunksAnySplit) {
  std::string body = "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
                     std::string(65536, 'a') +
                     "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
                     std::string(1024, 'b') +
                     "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
  for (std::size_t split : {1u, 7u, 1000u, 1u << 20}) {
    aws_chunked_decoder d;
    bool ok;
    auto out = decode_all(body, split, d, ok);
    ASSERT_TRUE(ok) << split;
    EXPECT_TRUE(d.finish());
    EXPECT_EQ(out, std::string(65536, 'a') + std::string(1024, 'b'));
    EXPECT_EQ(d.decoded_size(), 66560u);
  }
}

TEST(S3AwsChunked, UnsignedTrailer) {
  std::string body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
  aws_chunked_decoder d;
  bool ok;
  EXPECT_EQ(decode_all(body, 3, d, ok), "hello");
  EXPECT_TRUE(ok);
  EXPECT_TRUE(d.finish());
  EXPECT_EQ(d.trailer("x-amz-checksum-crc32"), "NhCmhg==");
}

TEST(S3AwsChunked, RejectsMalformedAndTruncated) {
  for (std::string_view bad : {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5\r\nhello\r\n0\r\nnocolon\r\n"}) {
    aws_chunked_decoder d;
    bool ok;
    decode_all(bad, 4, d, ok);
    EXPECT_TRUE(!ok || !d.finish()) << bad;
  }
  aws_chunked_decoder d;
  bool ok;
  decode_all("5\r\nhel", 100, d, ok);
  EXPECT_TRUE(ok);
  EXPECT_FALSE(d.finish());
}

TEST(S3AwsChunked, SizeLinesAndTrailersAreBounded) {
  const std::string sig(64, 'a');
  struct {
    std::string body;
    bool ok;
  } cases[] = {
      {"5;chunk-signature=" + sig + "\r\nhello\r\n0;chunk-signature=" + sig + "\r\n\r\n", true},
      {"00000000000005\r\nhello\r\n0\r\n\r\n", true},
      // 16 hex digits could overflow a size computed from more: refused.
      {"0000000000000005\r\nhello\r\n0\r\n\r\n", false},
      {"fffffffffffffffff\r\n", false},
      {"5;chunk-signature=" + sig.substr(1) + "\r\nhello\r\n0\r\n\r\n", false},
      {"5;chunk-signature=" + sig + "0\r\nhello\r\n0\r\n\r\n", false},
      {"5;chunk-signature=" + std::string(64, 'G') + "\r\nhello\r\n0\r\n\r\n", false},
      {"5;other=1\r\nhello\r\n0\r\n\r\n", false},
      {"5" + std::string(300, ' ') + "\r\nhello\r\n0\r\n\r\n", false},
      {"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:" + std::string(5000, 'A') + "\r\n\r\n", false},
  };
  for (const auto& c : cases) {
    aws_chunked_decoder d;
    bool ok;
    auto out = decode_all(c.body, 9, d, ok);
    EXPECT_EQ(ok && d.finish(), c.ok) << c.body.substr(0, 120);
    if (c.ok) {
      EXPECT_EQ(out, "hello");
    }
  }
  // Many small trailer lines: stopped at 16 KiB of trailer.
  std::string many = "5\r\nhello\r\n0\r\n";
  for (int i = 0; i < 4000; ++i) many += "x-a:b\r\n";
  aws_chunked_decoder d;
  bool ok;
  decode_all(many + "\r\n", 64, d, ok);
  EXPECT_FALSE(ok);
}

TEST(S3AwsChunked, Detection) {
  core::header_map h;
  EXPECT_FALSE(is_aws_chunked(h));
  h.add("Content-Encoding", "gzip, aws-chunked");
  EXPECT_TRUE(is_aws_chunked(h));
  core::header_map s;
  s.add("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  EXPECT_TRUE(is_aws_chunked(s));
}

TEST(S3Documents, DeleteRequest) {
  auto r = parse_delete(
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet><Object><Key>a b</Key></Object>"
      "<Object><Key>c&amp;d</Key><VersionId>null</VersionId></Object></Delete>");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->quiet);
  EXPECT_EQ(r->keys, (std::vector<std::string>{"a b", "c&d"}));
  EXPECT_EQ(to_errc(parse_delete("<Delete>").code()), errc::malformed_xml);
  EXPECT_EQ(to_errc(parse_delete("<Delete></Delete>").code()), errc::malformed_xml);
}

TEST(S3Documents, CompleteMultipart) {
  auto r = parse_complete_multipart(
      "<CompleteMultipartUpload><Part><ETag>\"e1\"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32>"
      "</Part><Part><PartNumber>2</PartNumber><ETag>e2</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].number, 1);
  EXPECT_EQ((*r)[0].etag, "\"e1\"");
  EXPECT_EQ((*r)[0].checksum_alg, checksum_algorithm::crc32);
  EXPECT_EQ((*r)[1].etag, "e2");
  EXPECT_FALSE(parse_complete_multipart("<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag>"
                                        "</Part></CompleteMultipartUpload>").ok());
}

TEST(S3Documents, CreateBucketConfiguration) {
  auto r = parse_create_bucket("<CreateBucketConfiguration><LocationConstraint>eu-central-1</LocationConstraint>"
                               "</CreateBucketConfiguration>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "eu-central-1");
  auto empty = parse_create_bucket("  ");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
  EXPECT_EQ(to_errc(parse_create_bucket("<Nope/>").code()), errc::malformed_xml);
}

TEST(S3Results, ListObjectsUrlEncoding) {
  list_objects_result r;
  r.v2 = true;
  r.bucket = "b";
  r.url_encoding = true;
  r.contents.push_back({"a b/c+d", core::from_unix_ms(0), "\"e\"", 3});
  auto xml = render_list_objects(r);
  EXPECT_NE(xml.find("<Key>a%20b/c%2Bd</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<KeyCount>1</KeyCount>"), std::string::npos);
  EXPECT_EQ(xml.find("<Owner>"), std::string::npos);
}

TEST(S3Documents, DeleteRequestTakesAtMost1000Keys) {
  auto doc = [](int n) {
    std::string xml = "<Delete>";
    for (int i = 0; i < n; ++i) xml += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
    return xml + "</Delete>";
  };
  auto ok = parse_delete(doc(1000));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->keys.size(), 1000u);
  EXPECT_EQ(to_errc(parse_delete(doc(1001)).code()), errc::malformed_xml);
}

TEST(S3Documents, StrictXmlWithoutDtd) {
  const std::string key_doc = "<Delete><Object><Key>";
  const std::string end_doc = "</Key></Object></Delete>";
  struct {
    std::string body;
    bool ok;
  } cases[] = {
      {key_doc + "caf\xc3\xa9 \xf0\x9f\x98\x80" + end_doc, true},
      {key_doc + "a&amp;b&lt;&#65;&#x42;&#x1F600;" + end_doc, true},
      {key_doc + "<![CDATA[a & <b>]]>" + end_doc, true},
      {"<?xml version=\"1.0\"?><!-- a & b --><Delete><Object><Key>k</Key></Object></Delete>", true},
      {key_doc + "a\tb\nc\r" + end_doc, true},
      // A DTD of any kind: rejected before pugixml sees it (no entity is ever declared or expanded).
      {"<!DOCTYPE Delete [<!ENTITY x \"y\">]><Delete><Object><Key>&x;</Key></Object></Delete>", false},
      {"<!DOCTYPE Delete SYSTEM \"file:///etc/passwd\"><Delete><Object><Key>k</Key></Object></Delete>", false},
      {key_doc + "&x;" + end_doc, false},
      {key_doc + "a & b" + end_doc, false},
      {key_doc + "&#x0;" + end_doc, false},
      {key_doc + "&#1;" + end_doc, false},
      {key_doc + "&#xFFFE;" + end_doc, false},
      {key_doc + "&#x110000;" + end_doc, false},
      {key_doc + "&#x000000041;" + end_doc, false},
      {key_doc + "&#;" + end_doc, false},
      {key_doc + std::string("a\0b", 3) + end_doc, false},
      {key_doc + "a\x01" "b" + end_doc, false},
      {key_doc + "\xff" + end_doc, false},
      {key_doc + "\xc0\xaf" + end_doc, false},          // overlong '/'
      {key_doc + "\xed\xa0\x80" + end_doc, false},      // a surrogate
      {key_doc + "\xef\xbf\xbe" + end_doc, false},      // U+FFFE
      {key_doc + "\xe2\x82" + end_doc, false},          // truncated
      {"<!-- unterminated <Delete/>", false},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_delete(c.body).ok(), c.ok) << c.body;
}

TEST(S3Documents, DepthAndMarkupAreBounded) {
  pugi::xml_document doc;
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_FALSE(parse_xml(deep, doc));
  std::string nested;
  for (int i = 0; i < 33; ++i) nested += "<a>";
  for (int i = 0; i < 33; ++i) nested += "</a>";
  EXPECT_FALSE(parse_xml(nested, doc));
  nested.clear();
  for (int i = 0; i < 32; ++i) nested += "<a>";
  for (int i = 0; i < 32; ++i) nested += "</a>";
  EXPECT_TRUE(parse_xml(nested, doc));
  std::string wide = "<r>";
  for (int i = 0; i < 100000; ++i) wide += "<a/>";
  EXPECT_FALSE(parse_xml(wide + "</r>", doc));
  EXPECT_TRUE(parse_xml(wide + "</r>", doc, xml_limits{.max_markup = 200000}));
}

TEST(S3Documents, StoredAclReadsBackTheSame) {
  const std::string owner = std::string(owner_id);
  const std::string acl =
      "<AccessControlPolicy><Owner><ID>" + owner + "</ID><DisplayName>x&#xD;y &amp; z</DisplayName></Owner>"
      "<AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>"
      "<Permission>READ</Permission></Grant><Grant><Grantee xmlns:x=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "x:type=\"AmazonCustomerByEmail\"><EmailAddress>a@b.c</EmailAddress></Grantee><Permission>WRITE_ACP"
      "</Permission></Grant></AccessControlList></AccessControlPolicy>";
  auto parsed = parse_access_control_policy(acl);
  ASSERT_TRUE(parsed.ok()) << parsed.err().message;
  auto stored = store_acl(*parsed);
  // CR survives as a reference (a raw CR would read back as LF).
  EXPECT_NE(stored.find("<DisplayName>x&#xD;y &amp; z</DisplayName>"), std::string::npos) << stored;
  EXPECT_NE(stored.find("xsi:type=\"AmazonCustomerByEmail\""), std::string::npos) << stored;
  auto again = parse_access_control_policy(stored);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(store_acl(*again), stored);
  EXPECT_TRUE(grants_public(stored));
  EXPECT_FALSE(owner_only(stored));
  EXPECT_EQ(load_acl(stored).grants.size(), 2u);
}

TEST(S3Documents, AccessControlPolicyIsValidatedAsS3Does) {
  const std::string owner = std::string(owner_id);
  auto doc = [&](std::string owner_part, std::string grants) {
    return "<AccessControlPolicy>" + owner_part + "<AccessControlList>" + grants +
           "</AccessControlList></AccessControlPolicy>";
  };
  auto own = "<Owner><ID>" + owner + "</ID></Owner>";
  auto grant = [](std::string type, std::string inner, std::string permission) {
    return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" + type + "\">" +
           inner + "</Grantee><Permission>" + permission + "</Permission></Grant>";
  };
  auto code = [](const std::string& body) {
    auto r = parse_access_control_policy(body);
    return r.ok() ? errc::ok : to_errc(r.code());
  };
  EXPECT_EQ(code(doc(own, grant("CanonicalUser", "<ID>" + owner + "</ID>", "FULL_CONTROL"))), errc::ok);
  EXPECT_EQ(code(doc(own, "")), errc::ok);
  EXPECT_EQ(code(doc("", "")), errc::malformed_acl);
  EXPECT_EQ(code("<AccessControlPolicy>" + own + "</AccessControlPolicy>"), errc::malformed_acl);
  EXPECT_EQ(code(doc("<Owner><ID>" + std::string(64, 'a') + "</ID></Owner>", "")), errc::access_denied);
  EXPECT_EQ(code(doc(own, grant("CanonicalUser", "<ID>" + owner + "</ID>", "EVERYTHING"))), errc::malformed_acl);
  EXPECT_EQ(code(doc(own, grant("Robot", "<ID>" + owner + "</ID>", "READ"))), errc::malformed_acl);
  EXPECT_EQ(code(doc(own, "<Grant><Grantee><ID>" + owner + "</ID></Grantee><Permission>READ</Permission></Grant>")),
            errc::malformed_acl);
  EXPECT_EQ(code(doc(own, grant("CanonicalUser", "<ID>nope</ID>", "READ"))), errc::invalid_argument);
  EXPECT_EQ(code(doc(own, grant("Group", "<URI>http://example.com/all</URI>", "READ"))), errc::invalid_argument);
  EXPECT_EQ(code(doc(own, grant("AmazonCustomerByEmail", "<EmailAddress>nobody</EmailAddress>", "READ"))),
            errc::unresolvable_grant_by_email_address);
  std::string many;
  for (int i = 0; i < 101; ++i) many += grant("CanonicalUser", "<ID>" + owner + "</ID>", "READ");
  EXPECT_EQ(code(doc(own, many)), errc::malformed_acl);
}

TEST(S3Documents, AclFromHeaders) {
  core::header_map h;
  EXPECT_FALSE(acl_from_headers(h, false)->has_value());
  h.add("x-amz-acl", "public-read");
  EXPECT_EQ(acl_from_headers(h, false)->value(), "public-read");
  h.add("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"");
  EXPECT_EQ(to_errc(acl_from_headers(h, false).code()), errc::invalid_request);
  core::header_map g;
  g.add("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\", id=\"75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a\"");
  g.add("x-amz-grant-full-control", "emailAddress=\"a@b.c\"");
  auto acl = acl_from_headers(g, true);
  ASSERT_TRUE(acl.ok());
  auto p = load_acl(**acl);
  ASSERT_EQ(p.grants.size(), 3u);
  EXPECT_EQ(p.grants[0].permission, "FULL_CONTROL");
  EXPECT_EQ(p.grants[0].type, acl_grant::kind::email);
  EXPECT_TRUE(grants_public(**acl));
  core::header_map bad;
  bad.add("x-amz-grant-read", "id=123");
  EXPECT_EQ(to_errc(acl_from_headers(bad, false).code()), errc::invalid_argument);
  core::header_map bad_uri;
  bad_uri.add("x-amz-grant-write", "uri=\"http://x\"");
  EXPECT_EQ(to_errc(acl_from_headers(bad_uri, true).code()), errc::invalid_argument);
  EXPECT_TRUE(owner_only("private"));
  EXPECT_TRUE(owner_only("bucket-owner-full-control"));
  EXPECT_FALSE(owner_only("public-read"));
  EXPECT_TRUE(grants_public("authenticated-read"));
  EXPECT_FALSE(grants_public("log-delivery-write"));
}

TEST(S3Results, KeysXmlCannotCarryAreReferencesOrUrlEncoded) {
  list_objects_result r;
  r.v2 = true;
  r.bucket = "b";
  r.contents.push_back({std::string("a\0b\x01\x1f\r\n\t", 8), core::from_unix_ms(0), "\"e\"", 3});
  r.contents.push_back({"x\xef\xbf\xbey", core::from_unix_ms(0), "\"e\"", 3});
  r.contents.push_back({"bad\xff", core::from_unix_ms(0), "\"e\"", 3});
  // Without encoding-type, as S3: numeric references, never the raw bytes.
  auto xml = render_list_objects(r);
  EXPECT_NE(xml.find("<Key>a&#x0;b&#x1;&#x1F;&#xD;\n\t</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Key>x&#xFFFE;y</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Key>bad\xef\xbf\xbd</Key>"), std::string::npos) << xml;
  for (char c : xml) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') << xml;
  // With encoding-type=url every such byte is percent-encoded: a document any XML 1.0 parser reads.
  r.url_encoding = true;
  xml = render_list_objects(r);
  EXPECT_NE(xml.find("<Key>a%00b%01%1F%0D%0A%09</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Key>x%EF%BF%BEy</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Key>bad%FF</Key>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("&#"), std::string::npos) << xml;
  pugi::xml_document doc;
  EXPECT_TRUE(parse_xml(xml, doc)) << xml;
}

}  // namespace
}  // namespace hayloft::s3
