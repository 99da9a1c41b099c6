#include "s3/api/errors.h"

#include <array>

#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

// Messages as Amazon S3 sends them (S3 API reference "Error responses"; BadDigest/InvalidDigest
// wording as observed from S3 by LocalStack's parity tests).
constexpr std::array<error_entry, static_cast<std::size_t>(errc::count_)> table{{
    {200, "OK", ""},
    {403, "AccessDenied", "Access Denied"},
    {400, "BadDigest", "The Content-MD5 you specified did not match what we received."},
    {409, "BucketAlreadyExists",
     "The requested bucket name is not available. The bucket namespace is shared by all users of the system. "
     "Please select a different name and try again."},
    {409, "BucketAlreadyOwnedByYou",
     "Your previous request to create the named bucket succeeded and you already own it."},
    {409, "BucketNotEmpty", "The bucket you tried to delete is not empty"},
    {400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"},
    {400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"},
    {400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header"},
    {500, "InternalError", "We encountered an internal error. Please try again."},
    {400, "InvalidArgument", "Invalid Argument"},
    {400, "InvalidBucketName", "The specified bucket is not valid."},
    {400, "InvalidDigest", "The Content-MD5 you specified was invalid."},
    {400, "InvalidLocationConstraint", "The specified location-constraint is not valid"},
    {400, "InvalidPart",
     "One or more of the specified parts could not be found.  The part may not have been uploaded, or the "
     "specified entity tag may not match the part's entity tag."},
    {400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"},
    {400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number."},
    {416, "InvalidRange", "The requested range is not satisfiable"},
    {400, "InvalidRequest", "Invalid Request"},
    {400, "InvalidStorageClass", "The storage class you specified is not valid"},
    {400, "InvalidURI", "Couldn't parse the specified URI."},
    {400, "KeyTooLongError", "Your key is too long"},
    {400, "MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema"},
    {400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
    {400, "MaxMessageLengthExceeded", "Your request was too big."},
    {400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size."},
    {405, "MethodNotAllowed", "The specified method is not allowed against this resource."},
    {411, "MissingContentLength", "You must provide the Content-Length HTTP header."},
    {404, "NoSuchBucket", "The specified bucket does not exist"},
    {404, "NoSuchKey", "The specified key does not exist."},
    {404, "NoSuchUpload",
     "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or "
     "completed."},
    {501, "NotImplemented", "A header you provided implies functionality that is not implemented"},
    {412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"},
    {400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."},
    {404, "NoSuchVersion", "The specified version does not exist."},
    {403, "InvalidObjectState", "The operation is not valid for the object's storage class"},
    {404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"},
    {404, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration"},
    {404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"},
    {409, "RestoreAlreadyInProgress", "Object restore is already in progress"},
    {409, "InvalidBucketState", "The request is not valid with the current state of the bucket."},
    {400, "IllegalVersioningConfigurationException",
     "The Versioning element must be specified"},
    {400, "BadRequest", "Bad Request"},
    {400, "InvalidTag", "The TagKey you have provided is invalid"},
    {404, "NoSuchTagSet", "The TagSet does not exist"},
    {400, "AccessControlListNotSupported", "The bucket does not allow ACLs"},
    {400, "InvalidBucketAclWithObjectOwnership",
     "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"},
    {404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found"},
    {404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"},
    {400, "UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account on record."},
    {403, "AccessForbidden", "CORSResponse: This CORS request is not allowed."},
    {404, "NoSuchCORSConfiguration", "The CORS configuration does not exist"},
    {400, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"},
    {404, "NoSuchBucketPolicy", "The bucket policy does not exist"},
    {404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"},
    {404, "ReplicationConfigurationNotFoundError", "The replication configuration was not found"},
    {400, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist"},
    {404, "NoSuchConfiguration", "The specified configuration does not exist."},
    {400, "TooManyConfigurations",
     "You are attempting to create a new configuration but have already reached the 1,000-configuration limit."},
}};

class category : public std::error_category {
 public:
  const char* name() const noexcept override { return "s3"; }
  std::string message(int ev) const override { return std::string(describe(static_cast<errc>(ev)).code); }
};

}  // namespace

const error_entry& describe(errc e) {
  auto i = static_cast<std::size_t>(e);
  if (i >= table.size()) return table[static_cast<std::size_t>(errc::internal_error)];
  return table[i];
}

const std::error_category& s3_category() {
  static const category c;
  return c;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), s3_category()}; }

errc to_errc(std::error_code c) {
  if (!c) return errc::ok;
  if (c.category() == s3_category() && c.value() > 0 && c.value() < static_cast<int>(errc::count_))
    return static_cast<errc>(c.value());
  return errc::internal_error;
}

std::string render_error_xml(std::string_view code, std::string_view message, const error_fields& fields,
                             std::string_view resource, std::string_view request_id, std::string_view host_id) {
  xml_writer w("Error", false);
  w.child("Code", code);
  w.child("Message", message);
  for (const auto& [name, value] : fields) w.child(name, value);
  if (!resource.empty()) w.child("Resource", resource);
  w.child("RequestId", request_id);
  w.child("HostId", host_id);
  return w.str();
}

}  // namespace hayloft::s3
