#pragma once
// S3 error codes and the one table that maps each to its HTTP status, AWS code and default
// message (Ceph RGW style). Renders S3's XML <Error> document. Pure functions; any thread.
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

enum class errc {
  ok = 0,
  access_denied,
  bad_digest,
  bucket_already_exists,
  bucket_already_owned_by_you,
  bucket_not_empty,
  entity_too_large,
  entity_too_small,
  incomplete_body,
  internal_error,
  invalid_argument,
  invalid_bucket_name,
  invalid_digest,
  invalid_location_constraint,
  invalid_part,
  invalid_part_number,
  invalid_part_order,
  invalid_range,
  invalid_request,
  invalid_storage_class,
  invalid_uri,
  key_too_long,
  malformed_acl,
  malformed_xml,
  max_message_length_exceeded,
  metadata_too_large,
  method_not_allowed,
  missing_content_length,
  no_such_bucket,
  no_such_key,
  no_such_upload,
  not_implemented,
  precondition_failed,
  content_sha256_mismatch,
  no_such_version,
  invalid_object_state,
  object_lock_configuration_not_found,
  no_such_object_lock_configuration,
  no_such_lifecycle_configuration,
  restore_already_in_progress,
  invalid_bucket_state,
  illegal_versioning_configuration,
  bad_request,
  invalid_tag,
  no_such_tag_set,
  access_control_list_not_supported,
  invalid_bucket_acl_with_object_ownership,
  ownership_controls_not_found,
  no_such_public_access_block_configuration,
  unresolvable_grant_by_email_address,
  access_forbidden,
  no_such_cors_configuration,
  malformed_policy,
  no_such_bucket_policy,
  no_such_website_configuration,
  replication_configuration_not_found,
  invalid_target_bucket_for_logging,
  no_such_configuration,
  too_many_configurations,
  count_,  // number of entries; not an error
};

struct error_entry {
  unsigned status;
  std::string_view code;
  std::string_view message;
};

// The table entry for e (internal_error for out-of-range values).
const error_entry& describe(errc e);
const std::error_category& s3_category();
std::error_code make_error_code(errc e);
// The S3 error for any error code: s3 codes map to themselves, everything else (SQLite, I/O)
// becomes internal_error.
errc to_errc(std::error_code c);

// Shorthand for returning an S3 failure from a result<T> function.
inline hayloft::error fail(errc e, std::string message = {}) { return {make_error_code(e), std::move(message)}; }

// Extra child elements of <Error> (BucketName, Key, UploadId, ...), in order.
using error_fields = std::vector<std::pair<std::string, std::string>>;

// <?xml ...?><Error><Code/><Message/>[fields]<Resource/><RequestId/><HostId/></Error>
std::string render_error_xml(std::string_view code, std::string_view message, const error_fields& fields,
                             std::string_view resource, std::string_view request_id, std::string_view host_id);

}  // namespace hayloft::s3

template <>
struct std::is_error_code_enum<hayloft::s3::errc> : std::true_type {};
