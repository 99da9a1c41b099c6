#include "sqs/api/parse.h"

#include <array>

#include "sqs/api/errors.h"
#include "sqs/api/input.h"

namespace hayloft::sqs::api {
namespace {

constexpr std::array<std::pair<op, std::string_view>, 23> kNames{{
    {op::create_queue, "CreateQueue"},
    {op::get_queue_url, "GetQueueUrl"},
    {op::list_queues, "ListQueues"},
    {op::delete_queue, "DeleteQueue"},
    {op::purge_queue, "PurgeQueue"},
    {op::get_queue_attributes, "GetQueueAttributes"},
    {op::set_queue_attributes, "SetQueueAttributes"},
    {op::tag_queue, "TagQueue"},
    {op::untag_queue, "UntagQueue"},
    {op::list_queue_tags, "ListQueueTags"},
    {op::send_message, "SendMessage"},
    {op::send_message_batch, "SendMessageBatch"},
    {op::receive_message, "ReceiveMessage"},
    {op::delete_message, "DeleteMessage"},
    {op::delete_message_batch, "DeleteMessageBatch"},
    {op::change_message_visibility, "ChangeMessageVisibility"},
    {op::change_message_visibility_batch, "ChangeMessageVisibilityBatch"},
    {op::list_dead_letter_source_queues, "ListDeadLetterSourceQueues"},
    {op::start_message_move_task, "StartMessageMoveTask"},
    {op::list_message_move_tasks, "ListMessageMoveTasks"},
    {op::cancel_message_move_task, "CancelMessageMoveTask"},
    {op::add_permission, "AddPermission"},
    {op::remove_permission, "RemovePermission"},
}};

bool is_form(const core::request& req) {
  auto ct = req.headers.value_or("content-type", "");
  return ct.find("application/x-www-form-urlencoded") != std::string_view::npos;
}

// Query string parameters first, then form body parameters; the first occurrence wins. The
// parameters are counted before any is decoded.
result<std::map<std::string, std::string>> query_params(const core::request& req) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : req.query) out.emplace(k, v);
  if (is_form(req)) {
    const auto body = req.body_text();
    std::size_t count = req.query.size() + 1;
    for (char c : body) count += c == '&';
    if (count > max_query_parameters)
      return make_error(errc::malformed_request, "The request has more than " + std::to_string(max_query_parameters) +
                                                     " parameters.");
    core::query_params form;
    if (core::parse_query(body, form, true))
      for (auto& [k, v] : form) out.emplace(std::move(k), std::move(v));
  } else if (out.size() > max_query_parameters) {
    return make_error(errc::malformed_request,
                      "The request has more than " + std::to_string(max_query_parameters) + " parameters.");
  }
  return out;
}

hayloft::error missing(std::string_view name) {
  return make_error(errc::missing_parameter, "The request must contain the parameter " + std::string(name) + ".");
}

// Reads a required string member; records nothing when present.
std::string required(input& in, std::string_view name, std::optional<hayloft::error>& err) {
  auto v = in.string(name);
  if (!v && !err) err = missing(name);
  return v.value_or("");
}

send_entry parse_send_entry(input& in) {
  send_entry e;
  e.id = in.string("Id").value_or("");
  e.message_body = in.string("MessageBody");
  e.delay_seconds = in.integer("DelaySeconds");
  e.message_attributes = in.attributes("MessageAttributes", "MessageAttribute");
  e.message_system_attributes = in.attributes("MessageSystemAttributes", "MessageSystemAttribute");
  e.message_deduplication_id = in.string("MessageDeduplicationId");
  e.message_group_id = in.string("MessageGroupId");
  return e;
}

std::vector<batch_handle_entry> parse_handle_entries(input& in, std::string_view item) {
  std::vector<batch_handle_entry> out;
  for (auto& e : in.entries("Entries", item))
    out.push_back({e->string("Id").value_or(""), e->string("ReceiptHandle").value_or(""),
                   e->integer("VisibilityTimeout")});
  return out;
}

// The queue named by the request path ("/000000000000/name"), for query requests that carry no
// QueueUrl member but were sent to the queue URL.
std::string path_queue(const call& c) {
  if (c.path.size() > 1 && c.path != "/") return c.path;
  return {};
}

std::string queue_url(input& in, const call& c, std::optional<hayloft::error>& err) {
  if (auto v = in.string("QueueUrl")) return *v;
  if (auto p = path_queue(c); !p.empty()) return p;
  if (!err) err = missing("QueueUrl");
  return {};
}

result<request_body> parse_input(op o, input& in, const call& c) {
  std::optional<hayloft::error> err;
  request_body body;
  switch (o) {
    case op::create_queue:
      body = create_queue_request{required(in, "QueueName", err),
                                  in.map("Attributes", "Attribute", "Name", "Value"),
                                  in.map("tags", "Tag", "Key", "Value")};
      break;
    case op::get_queue_url:
      body = get_queue_url_request{required(in, "QueueName", err), in.string("QueueOwnerAWSAccountId").value_or("")};
      break;
    case op::list_queues:
      body = list_queues_request{in.string("QueueNamePrefix").value_or(""), in.integer("MaxResults"),
                                 in.string("NextToken").value_or("")};
      break;
    case op::delete_queue:
    case op::purge_queue:
    case op::list_queue_tags:
      body = queue_request{queue_url(in, c, err)};
      break;
    case op::get_queue_attributes:
      body = get_queue_attributes_request{queue_url(in, c, err), in.string_list("AttributeNames", "AttributeName")};
      break;
    case op::set_queue_attributes:
      body = set_queue_attributes_request{queue_url(in, c, err), in.map("Attributes", "Attribute", "Name", "Value")};
      break;
    case op::tag_queue:
      body = tag_queue_request{queue_url(in, c, err), in.map("Tags", "Tag", "Key", "Value")};
      break;
    case op::untag_queue:
      body = untag_queue_request{queue_url(in, c, err), in.string_list("TagKeys", "TagKey")};
      break;
    case op::send_message: {
      auto url = queue_url(in, c, err);
      body = send_message_request{std::move(url), parse_send_entry(in)};
      break;
    }
    case op::send_message_batch: {
      send_message_batch_request r{queue_url(in, c, err), {}};
      for (auto& e : in.entries("Entries", "SendMessageBatchRequestEntry")) r.entries.push_back(parse_send_entry(*e));
      body = std::move(r);
      break;
    }
    case op::receive_message: {
      receive_message_request r;
      r.queue_url = queue_url(in, c, err);
      r.attribute_names = in.string_list("AttributeNames", "AttributeName");
      for (auto& n : in.string_list("MessageSystemAttributeNames", "MessageSystemAttributeName"))
        r.attribute_names.push_back(std::move(n));
      r.message_attribute_names = in.string_list("MessageAttributeNames", "MessageAttributeName");
      r.max_number_of_messages = in.integer("MaxNumberOfMessages");
      r.visibility_timeout = in.integer("VisibilityTimeout");
      r.wait_time_seconds = in.integer("WaitTimeSeconds");
      r.receive_request_attempt_id = in.string("ReceiveRequestAttemptId").value_or("");
      body = std::move(r);
      break;
    }
    case op::delete_message: {
      auto url = queue_url(in, c, err);
      body = delete_message_request{std::move(url), required(in, "ReceiptHandle", err)};
      break;
    }
    case op::delete_message_batch: {
      auto url = queue_url(in, c, err);
      body = delete_message_batch_request{std::move(url), parse_handle_entries(in, "DeleteMessageBatchRequestEntry")};
      break;
    }
    case op::change_message_visibility: {
      change_message_visibility_request r;
      r.queue_url = queue_url(in, c, err);
      r.receipt_handle = required(in, "ReceiptHandle", err);
      r.visibility_timeout = in.integer("VisibilityTimeout");
      if (!r.visibility_timeout && !err) err = missing("VisibilityTimeout");
      body = std::move(r);
      break;
    }
    case op::change_message_visibility_batch: {
      auto url = queue_url(in, c, err);
      body = change_message_visibility_batch_request{
          std::move(url), parse_handle_entries(in, "ChangeMessageVisibilityBatchRequestEntry")};
      break;
    }
    case op::list_dead_letter_source_queues: {
      auto url = queue_url(in, c, err);
      body = list_dead_letter_source_queues_request{std::move(url), in.integer("MaxResults"),
                                                    in.string("NextToken").value_or("")};
      break;
    }
    case op::start_message_move_task:
      body = start_message_move_task_request{required(in, "SourceArn", err), in.string("DestinationArn").value_or(""),
                                             in.integer("MaxNumberOfMessagesPerSecond")};
      break;
    case op::list_message_move_tasks:
      body = list_message_move_tasks_request{required(in, "SourceArn", err), in.integer("MaxResults")};
      break;
    case op::cancel_message_move_task:
      body = cancel_message_move_task_request{required(in, "TaskHandle", err)};
      break;
    case op::add_permission: {
      add_permission_request r;
      r.queue_url = queue_url(in, c, err);
      r.label = required(in, "Label", err);
      r.aws_account_ids = in.string_list("AWSAccountIds", "AWSAccountId");
      r.actions = in.string_list("Actions", "ActionName");
      body = std::move(r);
      break;
    }
    case op::remove_permission: {
      auto url = queue_url(in, c, err);
      body = remove_permission_request{std::move(url), required(in, "Label", err)};
      break;
    }
  }
  if (in.error()) return *in.error();
  if (err) return *err;
  return body;
}

}  // namespace

std::string_view op_name(op o) {
  for (const auto& [k, n] : kNames)
    if (k == o) return n;
  return "";
}

std::optional<op> op_from_name(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

std::optional<protocol> detect(const core::request& req) {
  if (auto t = req.header("x-amz-target"); t && t->starts_with("AmazonSQS.")) return protocol::json;
  if (req.has_param("Action")) return protocol::query;
  if (is_form(req)) {
    // A spilled form body (larger than the edge keeps in memory) reached SQS because its path
    // and content type are SQS's (http/router.cc); parse() reads it after its size check.
    if (req.body_in_file()) return protocol::query;
    std::string_view body = req.body;
    if (body.starts_with("Action=") || body.find("&Action=") != std::string_view::npos) return protocol::query;
  }
  return std::nullopt;
}

std::string signing_region(const core::request& req) {
  std::string_view cred;
  std::string param;
  if (auto auth = req.header("authorization")) {
    auto p = auth->find("Credential=");
    if (p != std::string_view::npos) cred = auth->substr(p + 11);
  } else if (auto c = req.param("X-Amz-Credential")) {
    param = std::string(*c);
    cred = param;
  }
  // AKID/20260101/eu-central-1/sqs/aws4_request
  for (int i = 0; i < 2; ++i) {
    auto slash = cred.find('/');
    if (slash == std::string_view::npos) return {};
    cred.remove_prefix(slash + 1);
  }
  auto end = cred.find('/');
  if (end == std::string_view::npos) return {};
  return std::string(cred.substr(0, end));
}

result<call> parse(const core::request& req) {
  auto proto = detect(req);
  if (!proto) return make_error(errc::invalid_action, "The request is not an SQS request.");
  if (req.body_size > max_request_bytes || req.body.size() > max_request_bytes)
    return make_error(errc::invalid_parameter_value,
                      "The request body is longer than " + std::to_string(max_request_bytes) + " bytes.");
  call c;
  c.proto = *proto;
  c.host = std::string(req.headers.value_or("host", ""));
  if (c.host.empty()) c.host = req.host;
  c.region = signing_region(req);
  c.path = req.path;
  c.trace_header = std::string(req.headers.value_or("x-amzn-trace-id", ""));

  if (*proto == protocol::json) {
    auto target = *req.header("x-amz-target");
    target.remove_prefix(std::string_view("AmazonSQS.").size());
    auto o = op_from_name(target);
    if (!o) return make_error(errc::invalid_action, "The action " + std::string(target) + " is not valid for this endpoint.");
    c.operation = *o;
    auto text = req.body_text();
    if (!json_depth_within(text, max_json_depth))
      return make_error(errc::malformed_request,
                        "The request body nests deeper than " + std::to_string(max_json_depth) + " levels.");
    auto body = text.empty() ? nlohmann::json::object() : nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return make_error(errc::malformed_request, "The request body is not valid JSON.");
    auto in = make_json_input(body);
    auto parsed = parse_input(*o, *in, c);
    if (!parsed.ok()) return parsed.err();
    c.input = std::move(parsed).value();
    return c;
  }

  auto parsed_params = query_params(req);
  if (!parsed_params.ok()) return parsed_params.err();
  const auto& params = *parsed_params;
  auto action = params.find("Action");
  if (action == params.end()) return make_error(errc::missing_parameter, "The request must contain the parameter Action.");
  auto o = op_from_name(action->second);
  if (!o) return make_error(errc::invalid_action, "The action " + action->second + " is not valid for this endpoint.");
  c.operation = *o;
  auto in = make_query_input(params);
  auto parsed = parse_input(*o, *in, c);
  if (!parsed.ok()) return parsed.err();
  c.input = std::move(parsed).value();
  return c;
}

}  // namespace hayloft::sqs::api
