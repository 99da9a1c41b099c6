#include "s3/api/bucket_documents.h"

#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

// The document's root, when it has this local name.
result<pugi::xml_node> root_of(pugi::xml_document& doc, std::string_view body, std::string_view name) {
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != name) return fail(errc::malformed_xml);
  return root;
}

}  // namespace

bool valid_object_ownership(std::string_view v) {
  return v == "BucketOwnerEnforced" || v == "BucketOwnerPreferred" || v == "ObjectWriter";
}

result<std::string> parse_ownership_controls(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "OwnershipControls");
  if (!root.ok()) return root.err();
  std::string ownership;
  int rules = 0;
  for (auto r : root->children()) {
    if (r.type() != pugi::node_element) continue;
    if (local_name(r) != "Rule" || ++rules > 1) return fail(errc::malformed_xml);
    ownership = child_text(r, "ObjectOwnership");
  }
  if (!valid_object_ownership(ownership)) return fail(errc::malformed_xml);
  return ownership;
}

std::string render_ownership_controls(std::string_view ownership) {
  xml_writer w("OwnershipControls");
  auto rule = xml_writer::node(w.root(), "Rule");
  xml_writer::child(rule, "ObjectOwnership", ownership);
  return w.str();
}

result<public_access_block> parse_public_access_block(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "PublicAccessBlockConfiguration");
  if (!root.ok()) return root.err();
  public_access_block p;
  for (auto c : root->children()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view v = c.child_value();
    if (v != "true" && v != "false") return fail(errc::malformed_xml);
    bool on = v == "true";
    auto name = local_name(c);
    if (name == "BlockPublicAcls") p.block_public_acls = on;
    else if (name == "IgnorePublicAcls") p.ignore_public_acls = on;
    else if (name == "BlockPublicPolicy") p.block_public_policy = on;
    else if (name == "RestrictPublicBuckets") p.restrict_public_buckets = on;
    else return fail(errc::malformed_xml);
  }
  return p;
}

std::string render_public_access_block(const public_access_block& p) {
  xml_writer w("PublicAccessBlockConfiguration");
  w.child("BlockPublicAcls", p.block_public_acls ? "true" : "false");
  w.child("IgnorePublicAcls", p.ignore_public_acls ? "true" : "false");
  w.child("BlockPublicPolicy", p.block_public_policy ? "true" : "false");
  w.child("RestrictPublicBuckets", p.restrict_public_buckets ? "true" : "false");
  return w.str();
}

}  // namespace hayloft::s3
