#include "s3/api/bucket_settings.h"

#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

result<pugi::xml_node> root_of(pugi::xml_document& doc, std::string_view body, std::string_view name) {
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != name) return fail(errc::malformed_xml);
  return root;
}

// Every element child of `n` has one of these local names.
bool only_children(pugi::xml_node n, std::initializer_list<std::string_view> names) {
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    bool known = false;
    for (auto name : names) known = known || local_name(c) == name;
    if (!known) return false;
  }
  return true;
}

std::string single(std::string_view root, std::string_view element, std::string_view value) {
  xml_writer w(root);
  if (!element.empty()) w.child(element, value);
  return w.str();
}

}  // namespace

result<std::string> parse_accelerate_configuration(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "AccelerateConfiguration");
  if (!root.ok()) return root.err();
  auto status = child_text(*root, "Status");
  if (!only_children(*root, {"Status"}) || (status != "Enabled" && status != "Suspended"))
    return fail(errc::malformed_xml);
  return single("AccelerateConfiguration", "Status", status);
}

std::string empty_accelerate_configuration() { return single("AccelerateConfiguration", "", ""); }

result<std::string> parse_request_payment_configuration(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "RequestPaymentConfiguration");
  if (!root.ok()) return root.err();
  auto payer = child_text(*root, "Payer");
  if (!only_children(*root, {"Payer"}) || (payer != "Requester" && payer != "BucketOwner"))
    return fail(errc::malformed_xml);
  return single("RequestPaymentConfiguration", "Payer", payer);
}

std::string default_request_payment_configuration() {
  return single("RequestPaymentConfiguration", "Payer", "BucketOwner");
}

result<std::string> parse_bucket_logging_status(std::string_view body, std::string& target_bucket) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "BucketLoggingStatus");
  if (!root.ok()) return root.err();
  target_bucket.clear();
  if (!only_children(*root, {"LoggingEnabled"})) return fail(errc::malformed_xml);
  auto enabled = find_child(*root, "LoggingEnabled");
  xml_writer w("BucketLoggingStatus");
  if (!enabled) return w.str();
  if (!only_children(enabled, {"TargetBucket", "TargetPrefix", "TargetGrants", "TargetObjectKeyFormat"}) ||
      !find_child(enabled, "TargetBucket") || !find_child(enabled, "TargetPrefix"))
    return fail(errc::malformed_xml);
  target_bucket = child_text(enabled, "TargetBucket");
  if (target_bucket.empty()) return fail(errc::malformed_xml);
  auto out = xml_writer::node(w.root(), "LoggingEnabled");
  xml_writer::child(out, "TargetBucket", target_bucket);
  xml_writer::child(out, "TargetPrefix", child_text(enabled, "TargetPrefix"));
  if (auto format = find_child(enabled, "TargetObjectKeyFormat")) {
    auto f = xml_writer::node(out, "TargetObjectKeyFormat");
    if (find_child(format, "SimplePrefix")) xml_writer::node(f, "SimplePrefix");
    if (auto p = find_child(format, "PartitionedPrefix")) {
      auto source = child_text(p, "PartitionDateSource");
      if (!source.empty() && source != "EventTime" && source != "DeliveryTime") return fail(errc::malformed_xml);
      auto pp = xml_writer::node(f, "PartitionedPrefix");
      if (!source.empty()) xml_writer::child(pp, "PartitionDateSource", source);
    }
  }
  return w.str();
}

std::string empty_bucket_logging_status() { return single("BucketLoggingStatus", "", ""); }

result<std::string> parse_encryption_configuration(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "ServerSideEncryptionConfiguration");
  if (!root.ok()) return root.err();
  int rules = 0;
  pugi::xml_node rule;
  for (auto r : root->children()) {
    if (r.type() != pugi::node_element) continue;
    if (local_name(r) != "Rule" || ++rules > 1) return fail(errc::malformed_xml);
    rule = r;
  }
  if (!rule || !only_children(rule, {"ApplyServerSideEncryptionByDefault", "BucketKeyEnabled"}))
    return fail(errc::malformed_xml);
  auto by_default = find_child(rule, "ApplyServerSideEncryptionByDefault");
  auto algorithm = by_default ? child_text(by_default, "SSEAlgorithm") : std::string();
  if (!by_default || !only_children(by_default, {"SSEAlgorithm", "KMSMasterKeyID"}) ||
      (algorithm != "AES256" && algorithm != "aws:kms" && algorithm != "aws:kms:dsse"))
    return fail(errc::malformed_xml);
  auto key = find_child(by_default, "KMSMasterKeyID");
  if (key && algorithm == "AES256")
    return fail(errc::invalid_argument,
                "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse");
  auto bucket_key = find_child(rule, "BucketKeyEnabled");
  std::string bucket_key_value = bucket_key ? bucket_key.child_value() : "";
  if (bucket_key && bucket_key_value != "true" && bucket_key_value != "false") return fail(errc::malformed_xml);
  xml_writer w("ServerSideEncryptionConfiguration");
  auto r = xml_writer::node(w.root(), "Rule");
  auto d = xml_writer::node(r, "ApplyServerSideEncryptionByDefault");
  xml_writer::child(d, "SSEAlgorithm", algorithm);
  if (key) xml_writer::child(d, "KMSMasterKeyID", key.child_value());
  xml_writer::child(r, "BucketKeyEnabled", bucket_key_value.empty() ? "false" : bucket_key_value);
  return w.str();
}

std::string default_encryption_configuration() {
  xml_writer w("ServerSideEncryptionConfiguration");
  auto r = xml_writer::node(w.root(), "Rule");
  auto d = xml_writer::node(r, "ApplyServerSideEncryptionByDefault");
  xml_writer::child(d, "SSEAlgorithm", "AES256");
  xml_writer::child(r, "BucketKeyEnabled", "false");
  return w.str();
}

result<std::string> parse_website_configuration(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "WebsiteConfiguration");
  if (!root.ok()) return root.err();
  if (!only_children(*root, {"IndexDocument", "ErrorDocument", "RedirectAllRequestsTo", "RoutingRules"}))
    return fail(errc::malformed_xml);
  auto redirect_all = find_child(*root, "RedirectAllRequestsTo");
  auto index = find_child(*root, "IndexDocument");
  if (redirect_all) {
    if (index || find_child(*root, "ErrorDocument") || find_child(*root, "RoutingRules"))
      return fail(errc::invalid_argument, "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.");
    if (child_text(redirect_all, "HostName").empty()) return fail(errc::malformed_xml);
    auto protocol = find_child(redirect_all, "Protocol");
    if (protocol && std::string_view(protocol.child_value()) != "http" && std::string_view(protocol.child_value()) != "https")
      return fail(errc::invalid_argument, "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.");
    return save_xml(doc);
  }
  if (!index) return fail(errc::invalid_argument, "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
  auto suffix = child_text(index, "Suffix");
  if (suffix.empty() || suffix.find('/') != std::string::npos)
    return fail(errc::invalid_argument, "The IndexDocument Suffix is not well formed");
  if (auto error = find_child(*root, "ErrorDocument"); error && child_text(error, "Key").empty())
    return fail(errc::invalid_argument, "The ErrorDocument Key is not well formed");
  if (auto rules = find_child(*root, "RoutingRules")) {
    for (auto r : rules.children()) {
      if (r.type() != pugi::node_element) continue;
      if (local_name(r) != "RoutingRule" || !find_child(r, "Redirect")) return fail(errc::malformed_xml);
      auto redirect = find_child(r, "Redirect");
      if (find_child(redirect, "ReplaceKeyPrefixWith") && find_child(redirect, "ReplaceKeyWith"))
        return fail(errc::invalid_argument, "You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
      auto code = child_text(redirect, "HttpRedirectCode");
      if (!code.empty() && (code.size() != 3 || code[0] != '3'))
        return fail(errc::invalid_argument, "The provided HTTP redirect code (" + code + ") is not valid. Valid codes are 3XX except 300.");
    }
  }
  return save_xml(doc);
}

result<std::string> parse_replication_configuration(std::string_view body) {
  pugi::xml_document doc;
  auto root = root_of(doc, body, "ReplicationConfiguration");
  if (!root.ok()) return root.err();
  if (child_text(*root, "Role").empty() || !only_children(*root, {"Role", "Rule"})) return fail(errc::malformed_xml);
  int rules = 0;
  for (auto r : root->children()) {
    if (r.type() != pugi::node_element || local_name(r) != "Rule") continue;
    if (++rules > 1000) return fail(errc::malformed_xml);
    auto status = child_text(r, "Status");
    auto destination = find_child(r, "Destination");
    if ((status != "Enabled" && status != "Disabled") || !destination ||
        !std::string_view(child_text(destination, "Bucket")).starts_with("arn:aws:s3:::"))
      return fail(errc::malformed_xml);
  }
  if (rules == 0) return fail(errc::malformed_xml);
  return save_xml(doc);
}

}  // namespace hayloft::s3
