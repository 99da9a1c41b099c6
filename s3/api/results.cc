#include "s3/api/results.h"

#include "s3/api/acl.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

void owner(pugi::xml_node parent) {
  auto o = xml_writer::node(parent, "Owner");
  xml_writer::child(o, "ID", owner_id);
  xml_writer::child(o, "DisplayName", owner_display_name);
}

std::string enc(std::string_view s, bool url) { return url ? url_encode_key(s) : std::string(s); }

void checksum_elements(pugi::xml_node parent, checksum_algorithm alg, std::string_view checksum,
                       std::string_view type) {
  if (alg == checksum_algorithm::none || checksum.empty()) return;
  xml_writer::child(parent, "Checksum" + std::string(algorithm_name(alg)), checksum);
  if (!type.empty()) xml_writer::child(parent, "ChecksumType", type);
}

}  // namespace

std::string url_encode_key(std::string_view key) { return core::url_encode(key, true); }

std::string render_list_buckets(const std::vector<bucket_entry>& buckets, std::string_view prefix,
                                std::string_view continuation_token) {
  xml_writer w("ListAllMyBucketsResult");
  owner(w.root());
  auto list = xml_writer::node(w.root(), "Buckets");
  for (const auto& b : buckets) {
    auto n = xml_writer::node(list, "Bucket");
    xml_writer::child(n, "Name", b.name);
    xml_writer::child(n, "CreationDate", core::iso8601(b.created));
    xml_writer::child(n, "BucketRegion", b.region);
  }
  if (!prefix.empty()) w.child("Prefix", prefix);
  if (!continuation_token.empty()) w.child("ContinuationToken", continuation_token);
  return w.str();
}

std::string render_location(std::string_view region) {
  xml_writer w("LocationConstraint");
  if (region != "us-east-1") xml_writer::set_text(w.root(), region);
  return w.str();
}

std::string render_list_objects(const list_objects_result& r) {
  xml_writer w("ListBucketResult");
  bool url = r.url_encoding;
  w.child("Name", r.bucket);
  w.child("Prefix", enc(r.prefix, url));
  if (r.v2) {
    if (r.has_continuation_token) w.child("ContinuationToken", r.continuation_token);
    if (!r.next_continuation_token.empty()) w.child("NextContinuationToken", r.next_continuation_token);
    if (r.has_start_after) w.child("StartAfter", enc(r.start_after, url));
    xml_writer::child(w.root(), "KeyCount", static_cast<std::uint64_t>(r.contents.size() + r.common_prefixes.size()));
  } else {
    w.child("Marker", enc(r.marker, url));
    if (!r.next_marker.empty()) w.child("NextMarker", enc(r.next_marker, url));
  }
  xml_writer::child(w.root(), "MaxKeys", static_cast<std::uint64_t>(r.max_keys));
  if (!r.delimiter.empty()) w.child("Delimiter", enc(r.delimiter, url));
  w.child("IsTruncated", r.truncated ? "true" : "false");
  if (url) w.child("EncodingType", "url");
  for (const auto& o : r.contents) {
    auto n = xml_writer::node(w.root(), "Contents");
    xml_writer::child(n, "Key", enc(o.key, url));
    xml_writer::child(n, "LastModified", core::iso8601(o.last_modified));
    xml_writer::child(n, "ETag", o.etag);
    if (o.checksum_alg != checksum_algorithm::none) {
      xml_writer::child(n, "ChecksumAlgorithm", algorithm_name(o.checksum_alg));
      if (!o.checksum_type.empty()) xml_writer::child(n, "ChecksumType", o.checksum_type);
    }
    xml_writer::child(n, "Size", o.size);
    if (!r.v2 || r.fetch_owner) owner(n);
    xml_writer::child(n, "StorageClass", o.storage_class);
  }
  for (const auto& p : r.common_prefixes) {
    auto n = xml_writer::node(w.root(), "CommonPrefixes");
    xml_writer::child(n, "Prefix", enc(p, url));
  }
  return w.str();
}

std::string render_list_versions(const list_versions_result& r) {
  xml_writer w("ListVersionsResult");
  bool url = r.url_encoding;
  w.child("Name", r.bucket);
  w.child("Prefix", enc(r.prefix, url));
  w.child("KeyMarker", enc(r.key_marker, url));
  w.child("VersionIdMarker", r.version_id_marker);
  if (r.truncated) {
    w.child("NextKeyMarker", enc(r.next_key_marker, url));
    if (!r.next_version_id_marker.empty()) w.child("NextVersionIdMarker", r.next_version_id_marker);
  }
  xml_writer::child(w.root(), "MaxKeys", static_cast<std::uint64_t>(r.max_keys));
  if (!r.delimiter.empty()) w.child("Delimiter", enc(r.delimiter, url));
  w.child("IsTruncated", r.truncated ? "true" : "false");
  if (url) w.child("EncodingType", "url");
  for (const auto& o : r.versions) {
    auto n = xml_writer::node(w.root(), o.delete_marker ? "DeleteMarker" : "Version");
    xml_writer::child(n, "Key", enc(o.key, url));
    xml_writer::child(n, "VersionId", o.version_id);
    xml_writer::child(n, "IsLatest", o.latest ? "true" : "false");
    xml_writer::child(n, "LastModified", core::iso8601(o.last_modified));
    if (o.delete_marker) {
      owner(n);
      continue;
    }
    xml_writer::child(n, "ETag", o.etag);
    if (o.checksum_alg != checksum_algorithm::none) {
      xml_writer::child(n, "ChecksumAlgorithm", algorithm_name(o.checksum_alg));
      if (!o.checksum_type.empty()) xml_writer::child(n, "ChecksumType", o.checksum_type);
    }
    xml_writer::child(n, "Size", o.size);
    owner(n);
    xml_writer::child(n, "StorageClass", o.storage_class);
  }
  for (const auto& p : r.common_prefixes) {
    auto n = xml_writer::node(w.root(), "CommonPrefixes");
    xml_writer::child(n, "Prefix", enc(p, url));
  }
  return w.str();
}

std::string render_versioning_configuration(std::string_view status, std::string_view mfa_delete) {
  xml_writer w("VersioningConfiguration");
  if (!status.empty()) w.child("Status", status);
  if (!mfa_delete.empty()) w.child("MfaDelete", mfa_delete);
  return w.str();
}

std::string render_initiate_multipart(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  xml_writer w("InitiateMultipartUploadResult");
  w.child("Bucket", bucket);
  w.child("Key", key);
  w.child("UploadId", upload_id);
  return w.str();
}

std::string render_complete_multipart(std::string_view location, std::string_view bucket, std::string_view key,
                                      std::string_view etag, checksum_algorithm alg, std::string_view checksum,
                                      std::string_view checksum_type) {
  xml_writer w("CompleteMultipartUploadResult");
  w.child("Location", location);
  w.child("Bucket", bucket);
  w.child("Key", key);
  w.child("ETag", etag);
  checksum_elements(w.root(), alg, checksum, checksum_type);
  return w.str();
}

std::string render_copy_result(std::string_view root, std::string_view etag, core::time_point last_modified,
                               checksum_algorithm alg, std::string_view checksum) {
  xml_writer w(root);
  w.child("LastModified", core::iso8601(last_modified));
  w.child("ETag", etag);
  checksum_elements(w.root(), alg, checksum, "");
  return w.str();
}

std::string render_list_parts(const list_parts_result& r) {
  xml_writer w("ListPartsResult");
  w.child("Bucket", r.bucket);
  w.child("Key", r.key);
  w.child("UploadId", r.upload_id);
  xml_writer::child(w.root(), "PartNumberMarker", static_cast<std::uint64_t>(r.part_number_marker));
  xml_writer::child(w.root(), "NextPartNumberMarker", static_cast<std::uint64_t>(r.next_part_number_marker));
  xml_writer::child(w.root(), "MaxParts", static_cast<std::uint64_t>(r.max_parts));
  w.child("IsTruncated", r.truncated ? "true" : "false");
  auto initiator = xml_writer::node(w.root(), "Initiator");
  xml_writer::child(initiator, "ID", owner_id);
  xml_writer::child(initiator, "DisplayName", owner_display_name);
  owner(w.root());
  w.child("StorageClass", "STANDARD");
  if (r.checksum_alg != checksum_algorithm::none) w.child("ChecksumAlgorithm", algorithm_name(r.checksum_alg));
  for (const auto& p : r.parts) {
    auto n = xml_writer::node(w.root(), "Part");
    xml_writer::child(n, "PartNumber", static_cast<std::uint64_t>(p.number));
    xml_writer::child(n, "LastModified", core::iso8601(p.last_modified));
    xml_writer::child(n, "ETag", p.etag);
    xml_writer::child(n, "Size", p.size);
    checksum_elements(n, r.checksum_alg, p.checksum, "");
  }
  return w.str();
}

std::string render_list_uploads(const list_uploads_result& r) {
  xml_writer w("ListMultipartUploadsResult");
  bool url = r.url_encoding;
  w.child("Bucket", r.bucket);
  w.child("KeyMarker", enc(r.key_marker, url));
  w.child("UploadIdMarker", r.upload_id_marker);
  w.child("NextKeyMarker", enc(r.next_key_marker, url));
  w.child("NextUploadIdMarker", r.next_upload_id_marker);
  if (!r.prefix.empty()) w.child("Prefix", enc(r.prefix, url));
  if (!r.delimiter.empty()) w.child("Delimiter", enc(r.delimiter, url));
  xml_writer::child(w.root(), "MaxUploads", static_cast<std::uint64_t>(r.max_uploads));
  w.child("IsTruncated", r.truncated ? "true" : "false");
  if (url) w.child("EncodingType", "url");
  for (const auto& u : r.uploads) {
    auto n = xml_writer::node(w.root(), "Upload");
    xml_writer::child(n, "Key", enc(u.key, url));
    xml_writer::child(n, "UploadId", u.upload_id);
    auto initiator = xml_writer::node(n, "Initiator");
    xml_writer::child(initiator, "ID", owner_id);
    xml_writer::child(initiator, "DisplayName", owner_display_name);
    owner(n);
    xml_writer::child(n, "StorageClass", "STANDARD");
    xml_writer::child(n, "Initiated", core::iso8601(u.initiated));
    if (u.checksum_alg != checksum_algorithm::none) xml_writer::child(n, "ChecksumAlgorithm", algorithm_name(u.checksum_alg));
  }
  for (const auto& p : r.common_prefixes) {
    auto n = xml_writer::node(w.root(), "CommonPrefixes");
    xml_writer::child(n, "Prefix", enc(p, url));
  }
  return w.str();
}

std::string render_delete_result(const std::vector<deleted_entry>& deleted, const std::vector<delete_error>& errors) {
  xml_writer w("DeleteResult");
  for (const auto& d : deleted) {
    auto n = xml_writer::node(w.root(), "Deleted");
    xml_writer::child(n, "Key", d.key);
    if (!d.version_id.empty()) xml_writer::child(n, "VersionId", d.version_id);
    if (d.delete_marker) {
      xml_writer::child(n, "DeleteMarker", "true");
      xml_writer::child(n, "DeleteMarkerVersionId", d.delete_marker_version_id);
    }
  }
  for (const auto& e : errors) {
    auto n = xml_writer::node(w.root(), "Error");
    xml_writer::child(n, "Key", e.key);
    if (!e.version_id.empty()) xml_writer::child(n, "VersionId", e.version_id);
    xml_writer::child(n, "Code", e.code);
    xml_writer::child(n, "Message", e.message);
  }
  return w.str();
}

bool valid_canned_acl(std::string_view acl) {
  for (auto a : {"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
                 "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"})
    if (acl == a) return true;
  return false;
}

std::string render_acl(std::string_view acl) { return render_access_control_policy(load_acl(acl)); }

}  // namespace hayloft::s3
