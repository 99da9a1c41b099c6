#include "s3/api/documents.h"

#include <charconv>

#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {
bool all_space(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}
}  // namespace

result<std::optional<std::string>> parse_create_bucket(std::string_view body) {
  if (all_space(body)) return std::optional<std::string>{};
  pugi::xml_document doc;
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != "CreateBucketConfiguration") return fail(errc::malformed_xml);
  auto lc = find_child(root, "LocationConstraint");
  if (!lc) return std::optional<std::string>{};
  std::string region = lc.child_value();
  if (region.empty()) return fail(errc::malformed_xml);
  return std::optional<std::string>(std::move(region));
}

result<delete_request> parse_delete(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != "Delete") return fail(errc::malformed_xml);
  delete_request out;
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = local_name(c);
    if (name == "Quiet") {
      std::string_view v = c.child_value();
      out.quiet = v == "true" || v == "True" || v == "TRUE";
    } else if (name == "Object") {
      // S3 takes at most 1000 keys per request and answers MalformedXML beyond that.
      if (out.keys.size() == max_delete_keys) return fail(errc::malformed_xml);
      auto key = find_child(c, "Key");
      if (!key) return fail(errc::malformed_xml);
      out.keys.emplace_back(key.child_value());
      auto version = find_child(c, "VersionId");
      out.version_ids.emplace_back(version ? version.child_value() : "");
      if (version && out.version_ids.back().empty()) return fail(errc::malformed_xml);
    }
  }
  if (out.keys.empty()) return fail(errc::malformed_xml);
  return out;
}

result<std::vector<completed_part>> parse_complete_multipart(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != "CompleteMultipartUpload") return fail(errc::malformed_xml);
  std::vector<completed_part> parts;
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element || local_name(c) != "Part") continue;
    completed_part p;
    std::string num = child_text(c, "PartNumber");
    auto r = std::from_chars(num.data(), num.data() + num.size(), p.number);
    if (num.empty() || r.ec != std::errc{} || r.ptr != num.data() + num.size()) return fail(errc::malformed_xml);
    if (!find_child(c, "ETag")) return fail(errc::malformed_xml);
    p.etag = child_text(c, "ETag");
    for (auto a : {checksum_algorithm::crc32, checksum_algorithm::crc32c, checksum_algorithm::crc64nvme,
                   checksum_algorithm::sha1, checksum_algorithm::sha256}) {
      auto n = find_child(c, "Checksum" + std::string(algorithm_name(a)));
      if (n) {
        p.checksum_alg = a;
        p.checksum = n.child_value();
      }
    }
    parts.push_back(std::move(p));
  }
  if (parts.empty()) return fail(errc::malformed_xml, "The XML you provided was not well-formed or did not validate against our published schema");
  return parts;
}

result<versioning_configuration> parse_versioning_configuration(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "VersioningConfiguration")
    return fail(errc::malformed_xml);
  auto root = doc.document_element();
  versioning_configuration out;
  if (auto st = find_child(root, "Status")) {
    out.status = st.child_value();
    if (out.status != "Enabled" && out.status != "Suspended")
      return fail(errc::illegal_versioning_configuration, "The versioning configuration specified in the request is invalid.");
  }
  if (auto mfa = find_child(root, "MfaDelete")) {
    out.mfa_delete = mfa.child_value();
    if (out.mfa_delete != "Enabled" && out.mfa_delete != "Disabled")
      return fail(errc::illegal_versioning_configuration, "The versioning configuration specified in the request is invalid.");
  }
  return out;
}

}  // namespace hayloft::s3
