#pragma once
// Parsers for S3 request bodies (XML). Malformed documents are MalformedXML, as S3 answers. Every
// parser goes through parse_xml (xml_writer.h): strict XML 1.0, no DTD, bounded markup count and
// depth; the caller bounds the byte size first (service: xml_body, 4 MiB).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "s3/api/checksums.h"

namespace hayloft::s3 {

// CreateBucketConfiguration: the LocationConstraint, or nullopt for an empty body.
result<std::optional<std::string>> parse_create_bucket(std::string_view body);

inline constexpr std::size_t max_delete_keys = 1000;

struct delete_request {
  bool quiet = false;
  std::vector<std::string> keys;
  std::vector<std::string> version_ids;  // one per key; empty when the Object names no VersionId
};
// <Delete><Quiet/><Object><Key/>[<VersionId/>]</Object>...</Delete>, at most 1000 objects.
result<delete_request> parse_delete(std::string_view body);

struct completed_part {
  int number = 0;
  std::string etag;  // as sent (quotes optional)
  checksum_algorithm checksum_alg = checksum_algorithm::none;
  std::string checksum;  // base64, when the client sent Checksum{ALG}
};
// <CompleteMultipartUpload><Part><PartNumber/><ETag/>[<ChecksumCRC32/>...]</Part>...</...>
result<std::vector<completed_part>> parse_complete_multipart(std::string_view body);

// A PutBucketVersioning body: Status (Enabled/Suspended) and MfaDelete (Enabled/Disabled), each
// empty when absent. MalformedXML for a document that is not a VersioningConfiguration,
// IllegalVersioningConfigurationException for other values.
struct versioning_configuration {
  std::string status;
  std::string mfa_delete;
};
result<versioning_configuration> parse_versioning_configuration(std::string_view body);

}  // namespace hayloft::s3
