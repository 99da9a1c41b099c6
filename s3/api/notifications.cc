#include "s3/api/notifications.h"

#include <nlohmann/json.hpp>

#include "emulator/core/ids.h"
#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

constexpr std::string_view known_events[] = {
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*", "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject",
    "s3:Replication:*", "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold", "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:LifecycleTransition",
    "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put"};

bool known_event(std::string_view e) {
  for (auto k : known_events)
    if (k == e) return true;
  return false;
}

hayloft::error invalid(std::string message) { return fail(errc::invalid_argument, std::move(message)); }

}  // namespace

result<notification_configuration> parse_notification_configuration(std::string_view body) {
  notification_configuration out;
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "NotificationConfiguration")
    return fail(errc::malformed_xml);
  for (auto c : doc.document_element().children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = local_name(c);
    if (name == "EventBridgeConfiguration") {
      out.event_bridge = true;
      continue;
    }
    queue_configuration q;
    std::string_view element, service;
    if (name == "QueueConfiguration") {
      q.kind = destination_kind::queue, element = "Queue", service = ":sqs:";
    } else if (name == "TopicConfiguration") {
      q.kind = destination_kind::topic, element = "Topic", service = ":sns:";
    } else if (name == "CloudFunctionConfiguration") {
      q.kind = destination_kind::function, element = "CloudFunction", service = ":lambda:";
    } else {
      return fail(errc::malformed_xml);
    }
    q.id = child_text(c, "Id");
    if (q.id.empty()) q.id = core::uuid4();
    q.queue_arn = child_text(c, element);
    if (!q.queue_arn.starts_with("arn:") || q.queue_arn.find(service) == std::string::npos)
      return invalid("The ARN could not be parsed");
    for (auto e : c.children()) {
      if (e.type() != pugi::node_element || local_name(e) != "Event") continue;
      std::string ev = e.child_value();
      if (!known_event(ev)) return invalid("The event is not supported for notifications");
      q.events.push_back(std::move(ev));
    }
    if (q.events.empty()) return fail(errc::malformed_xml);
    if (auto filter = find_child(c, "Filter")) {
      auto key = find_child(filter, "S3Key");
      bool has_prefix = false, has_suffix = false;
      for (auto r : key.children()) {
        if (r.type() != pugi::node_element || local_name(r) != "FilterRule") continue;
        auto n = core::to_lower(child_text(r, "Name"));
        auto v = child_text(r, "Value");
        if (n != "prefix" && n != "suffix") return invalid("filter rule name must be either prefix or suffix");
        bool& seen = n == "prefix" ? has_prefix : has_suffix;
        if (seen) return invalid("Cannot specify more than one " + n + " rule in a filter.");
        seen = true;
        q.rules.push_back({n == "prefix" ? "Prefix" : "Suffix", std::move(v)});
      }
    }
    out.queues.push_back(std::move(q));
  }
  return out;
}

std::string render_notification_configuration(const notification_configuration& c) {
  xml_writer w("NotificationConfiguration");
  for (const auto& q : c.queues) {
    auto n = xml_writer::node(w.root(), q.kind == destination_kind::queue   ? "QueueConfiguration"
                                        : q.kind == destination_kind::topic ? "TopicConfiguration"
                                                                            : "CloudFunctionConfiguration");
    xml_writer::child(n, "Id", q.id);
    xml_writer::child(n, q.kind == destination_kind::queue   ? "Queue"
                         : q.kind == destination_kind::topic ? "Topic"
                                                             : "CloudFunction",
                      q.queue_arn);
    for (const auto& e : q.events) xml_writer::child(n, "Event", e);
    if (!q.rules.empty()) {
      auto key = xml_writer::node(xml_writer::node(n, "Filter"), "S3Key");
      for (const auto& r : q.rules) {
        auto rule = xml_writer::node(key, "FilterRule");
        xml_writer::child(rule, "Name", r.name);
        xml_writer::child(rule, "Value", r.value);
      }
    }
  }
  if (c.event_bridge) xml_writer::node(w.root(), "EventBridgeConfiguration");
  return w.str();
}

bool matches(const queue_configuration& c, std::string_view event_name, std::string_view key) {
  bool selected = false;
  for (std::string_view e : c.events) {
    if (e.starts_with("s3:")) e.remove_prefix(3);
    if (e == event_name) selected = true;
    if (e.ends_with(":*") && event_name.starts_with(e.substr(0, e.size() - 1))) selected = true;
  }
  if (!selected) return false;
  for (const auto& r : c.rules) {
    if (r.name == "Prefix" && !key.starts_with(r.value)) return false;
    if (r.name == "Suffix" && !key.ends_with(r.value)) return false;
  }
  return true;
}

std::string event_key(std::string_view key) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (unsigned char c : key) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string render_event(const event_record& e) {
  nlohmann::json object = {{"key", event_key(e.key)}, {"sequencer", e.sequencer}};
  if (!e.event_name.starts_with("ObjectRemoved")) {
    object["size"] = e.size;
    object["eTag"] = e.etag;
  }
  if (!e.version_id.empty()) object["versionId"] = e.version_id;
  nlohmann::json record = {
      {"eventVersion", "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", e.region},
      {"eventTime", core::iso8601(e.time)},
      {"eventName", e.event_name},
      {"userIdentity", {{"principalId", "AWS:000000000000"}}},
      {"requestParameters", {{"sourceIPAddress", e.source_ip.empty() ? "127.0.0.1" : e.source_ip}}},
      {"responseElements", {{"x-amz-request-id", e.request_id}, {"x-amz-id-2", e.host_id}}},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", e.configuration_id},
        {"bucket",
         {{"name", e.bucket}, {"ownerIdentity", {{"principalId", "000000000000"}}}, {"arn", "arn:aws:s3:::" + e.bucket}}},
        {"object", std::move(object)}}}};
  nlohmann::json doc = {{"Records", nlohmann::json::array({std::move(record)})}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_test_event(std::string_view bucket, core::time_point time, std::string_view request_id,
                              std::string_view host_id) {
  nlohmann::json doc = {{"Service", "Amazon S3"},
                        {"Event", "s3:TestEvent"},
                        {"Time", core::iso8601(time)},
                        {"Bucket", bucket},
                        {"RequestId", request_id},
                        {"HostId", host_id}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hayloft::s3
