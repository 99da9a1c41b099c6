#include "sqs/api/render.h"

#include "emulator/core/hash.h"
#include "sqs/api/errors.h"

namespace hayloft::sqs::api {
namespace {

shape text(std::string s) { return shape::of_text(std::move(s)); }

shape urls(const std::vector<std::string>& v) {
  auto l = shape::list("QueueUrl");
  for (const auto& u : v) l.items.push_back(text(u));
  return l;
}

shape errors(const std::vector<batch_error_entry>& failed) {
  auto l = shape::list("BatchResultErrorEntry");
  for (const auto& f : failed) {
    shape e;
    e.add("Id", text(f.id)).add("SenderFault", shape::of_bool(f.sender_fault)).add("Code", text(f.code));
    if (!f.message.empty()) e.add("Message", text(f.message));
    l.items.push_back(std::move(e));
  }
  return l;
}

shape send_entry_shape(const send_result& r, bool with_id) {
  shape s;
  if (with_id) s.add("Id", text(r.id));
  s.add("MessageId", text(r.message_id)).add("MD5OfMessageBody", text(r.md5_of_message_body));
  if (!r.md5_of_message_attributes.empty()) s.add("MD5OfMessageAttributes", text(r.md5_of_message_attributes));
  if (!r.md5_of_message_system_attributes.empty())
    s.add("MD5OfMessageSystemAttributes", text(r.md5_of_message_system_attributes));
  if (!r.sequence_number.empty()) s.add("SequenceNumber", text(r.sequence_number));
  return s;
}

shape message_shape(const received_message& m) {
  shape s;
  s.add("MessageId", text(m.message_id))
      .add("ReceiptHandle", text(m.receipt_handle))
      .add("MD5OfBody", text(m.md5_of_body))
      .add("Body", text(m.body));
  if (!m.attributes.empty()) {
    auto a = shape::map("Attribute");
    for (const auto& [k, v] : m.attributes) a.add(k, text(v));
    s.add("Attributes", std::move(a));
  }
  if (!m.md5_of_message_attributes.empty()) s.add("MD5OfMessageAttributes", text(m.md5_of_message_attributes));
  if (!m.message_attributes.empty()) {
    auto a = shape::map("MessageAttribute");
    for (const auto& ma : m.message_attributes) {
      shape v;
      if (ma.is_binary())
        v.add("BinaryValue", text(core::base64_encode(ma.binary_value)));
      else
        v.add("StringValue", text(ma.string_value));
      v.add("DataType", text(ma.data_type));
      a.add(ma.name, std::move(v));
    }
    s.add("MessageAttributes", std::move(a));
  }
  return s;
}

struct shape_visitor {
  shape operator()(const empty_result&) const { return {}; }
  shape operator()(const queue_url_result& r) const { return shape{}.add("QueueUrl", text(r.queue_url)); }
  shape operator()(const queue_urls_result& r) const {
    shape s;
    if (!r.queue_urls.empty()) s.add("QueueUrls", urls(r.queue_urls));
    if (!r.next_token.empty()) s.add("NextToken", text(r.next_token));
    return s;
  }
  shape operator()(const attributes_result& r) const {
    shape s;
    if (r.attributes.empty()) return s;
    auto a = shape::map("Attribute");
    for (const auto& [k, v] : r.attributes) a.add(k, text(v));
    return s.add("Attributes", std::move(a));
  }
  shape operator()(const tags_result& r) const {
    shape s;
    if (r.tags.empty()) return s;
    auto t = shape::map("Tag", "Key", "Value");
    for (const auto& [k, v] : r.tags) t.add(k, text(v));
    return s.add("Tags", std::move(t));
  }
  shape operator()(const send_result& r) const { return send_entry_shape(r, false); }
  shape operator()(const send_batch_result& r) const {
    auto ok = shape::list("SendMessageBatchResultEntry");
    for (const auto& e : r.successful) ok.items.push_back(send_entry_shape(e, true));
    shape s;
    return s.add("Successful", std::move(ok)).add("Failed", errors(r.failed));
  }
  shape operator()(const receive_result& r) const {
    shape s;
    if (r.messages.empty()) return s;
    auto l = shape::list("Message");
    for (const auto& m : r.messages) l.items.push_back(message_shape(m));
    return s.add("Messages", std::move(l));
  }
  shape operator()(const id_batch_result& r) const {
    // The entry element names differ per operation; render() fixes them up for XML.
    auto ok = shape::list("");
    for (const auto& id : r.successful) ok.items.push_back(shape{}.add("Id", text(id)));
    shape s;
    return s.add("Successful", std::move(ok)).add("Failed", errors(r.failed));
  }
  shape operator()(const task_handle_result& r) const { return shape{}.add("TaskHandle", text(r.task_handle)); }
  shape operator()(const move_tasks_result& r) const {
    auto l = shape::list("Results");
    for (const auto& t : r.results) {
      shape e;
      if (!t.task_handle.empty()) e.add("TaskHandle", text(t.task_handle));
      e.add("Status", text(t.status)).add("SourceArn", text(t.source_arn));
      if (!t.destination_arn.empty()) e.add("DestinationArn", text(t.destination_arn));
      if (t.max_number_of_messages_per_second)
        e.add("MaxNumberOfMessagesPerSecond", shape::of_number(*t.max_number_of_messages_per_second));
      e.add("ApproximateNumberOfMessagesMoved", shape::of_number(t.approximate_number_of_messages_moved));
      if (t.approximate_number_of_messages_to_move)
        e.add("ApproximateNumberOfMessagesToMove", shape::of_number(*t.approximate_number_of_messages_to_move));
      if (!t.failure_reason.empty()) e.add("FailureReason", text(t.failure_reason));
      e.add("StartedTimestamp", shape::of_number(t.started_timestamp));
      l.items.push_back(std::move(e));
    }
    shape s;
    return s.add("Results", std::move(l));
  }
  shape operator()(const cancel_move_task_result& r) const {
    return shape{}.add("ApproximateNumberOfMessagesMoved", shape::of_number(r.approximate_number_of_messages_moved));
  }
};

void common_headers(core::response& r, protocol p, std::string_view request_id) {
  r.headers.set("Content-Type", p == protocol::json ? "application/x-amz-json-1.0" : "text/xml");
  r.headers.set("x-amzn-RequestId", std::string(request_id));
}

std::string xml_document(std::string_view root, const std::string& inner, std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\"?><";
  out += root;
  out += " xmlns=\"";
  out += xml_namespace;
  out += "\">";
  out += inner;
  out += "<ResponseMetadata><RequestId>" + xml_escape(request_id) + "</RequestId></ResponseMetadata></";
  out += root;
  out += '>';
  return out;
}

core::response error_response(protocol p, unsigned status, std::string_view json_type, std::string_view code,
                              bool sender, std::string_view message, std::string_view request_id) {
  core::response r;
  r.status = status;
  common_headers(r, p, request_id);
  const char* fault = sender ? "Sender" : "Receiver";
  if (p == protocol::json) {
    r.headers.set("x-amzn-query-error", std::string(code) + ";" + fault);
    shape s;
    s.add("__type", text(std::string(json_type))).add("message", text(std::string(message)));
    r.body = to_json(s);
    return r;
  }
  r.body = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + std::string(xml_namespace) + "\"><Error><Type>" + fault +
           "</Type><Code>" + xml_escape(code) + "</Code><Message>" + xml_escape(message) +
           "</Message><Detail/></Error><RequestId>" + xml_escape(request_id) + "</RequestId></ErrorResponse>";
  return r;
}

}  // namespace

shape to_shape(const result_body& r) { return std::visit(shape_visitor{}, r); }

core::response render(protocol p, op o, const result_body& r, std::string_view request_id) {
  core::response out;
  common_headers(out, p, request_id);
  auto s = to_shape(r);
  if (o == op::list_dead_letter_source_queues) {
    // The one lower-case member of the SQS model, and a required one.
    shape fixed;
    fixed.add("queueUrls", shape::list("QueueUrl"));
    for (auto& [name, v] : s.members) {
      if (name == "QueueUrls")
        fixed.members[0].second = std::move(v);
      else
        fixed.add(name, std::move(v));
    }
    s = std::move(fixed);
  }
  if (o == op::delete_message_batch || o == op::change_message_visibility_batch) {
    for (auto& [name, v] : s.members)
      if (name == "Successful")
        v.item = o == op::delete_message_batch ? "DeleteMessageBatchResultEntry" : "ChangeMessageVisibilityBatchResultEntry";
  }
  if (p == protocol::json) {
    out.body = to_json(s);
    return out;
  }
  auto name = std::string(op_name(o));
  std::string inner;
  if (!std::holds_alternative<empty_result>(r)) inner = "<" + name + "Result>" + to_xml(s) + "</" + name + "Result>";
  out.body = xml_document(name + "Response", inner, request_id);
  return out;
}

core::response render_error(protocol p, const hayloft::error& e, std::string_view request_id) {
  const auto& w = wire(e.code);
  std::string message = e.message;
  if (&w == &wire(make_error_code(errc::internal_error)) && e.code.category() != sqs_category())
    message = "Internal error: " + e.message;
  return error_response(p, w.status, w.json_type, w.query_code, w.sender_fault, message, request_id);
}

core::response render_error(protocol p, const core::aws_error& e, std::string_view request_id) {
  return error_response(p, e.status, e.code, e.code, e.status < 500, e.message, request_id);
}

}  // namespace hayloft::sqs::api
