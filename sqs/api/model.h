#pragma once
// The SQS API as plain C++ values: one request struct per operation (what the two wire
// protocols parse into, and what in-process callers build directly) and one result struct per
// operation (what the renderers turn back into JSON or XML). Member names follow the AWS API
// reference (API_<Op>.html) so the mapping to the wire is obvious.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hayloft::sqs {
class receive_canceller;  // sqs/service/receive_canceller.h
}

namespace hayloft::sqs::api {

using string_map = std::map<std::string, std::string>;

// A message (user) attribute or message system attribute. Binary values hold raw bytes.
struct message_attribute {
  std::string name;
  std::string data_type;  // "String", "Number", "Binary", optionally ".<custom>"
  std::string string_value;
  std::string binary_value;
  bool is_binary() const { return data_type.starts_with("Binary"); }
  bool operator==(const message_attribute&) const = default;
};

// Requests ---------------------------------------------------------------------------------------

struct create_queue_request {
  std::string queue_name;
  string_map attributes;
  string_map tags;
};
struct get_queue_url_request {
  std::string queue_name;
  std::string queue_owner_account;
};
struct list_queues_request {
  std::string queue_name_prefix;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
// DeleteQueue, PurgeQueue, ListQueueTags.
struct queue_request {
  std::string queue_url;
};
struct get_queue_attributes_request {
  std::string queue_url;
  std::vector<std::string> attribute_names;
};
struct set_queue_attributes_request {
  std::string queue_url;
  string_map attributes;
};
struct tag_queue_request {
  std::string queue_url;
  string_map tags;
};
struct untag_queue_request {
  std::string queue_url;
  std::vector<std::string> tag_keys;
};
struct send_entry {
  std::string id;  // batch entries only
  std::optional<std::string> message_body;
  std::optional<std::int64_t> delay_seconds;
  std::vector<message_attribute> message_attributes;
  std::vector<message_attribute> message_system_attributes;
  std::optional<std::string> message_deduplication_id;
  std::optional<std::string> message_group_id;
};
struct send_message_request {
  std::string queue_url;
  send_entry entry;
};
struct send_message_batch_request {
  std::string queue_url;
  std::vector<send_entry> entries;
};
struct receive_message_request {
  std::string queue_url;
  // In-process callers only (never parsed from the wire): withdraws a pending long poll.
  std::shared_ptr<receive_canceller> canceller;
  std::vector<std::string> attribute_names;  // AttributeNames and MessageSystemAttributeNames
  std::vector<std::string> message_attribute_names;
  std::optional<std::int64_t> max_number_of_messages;
  std::optional<std::int64_t> visibility_timeout;
  std::optional<std::int64_t> wait_time_seconds;
  std::string receive_request_attempt_id;
};
struct delete_message_request {
  std::string queue_url;
  std::string receipt_handle;
};
struct batch_handle_entry {
  std::string id;
  std::string receipt_handle;
  std::optional<std::int64_t> visibility_timeout;  // ChangeMessageVisibilityBatch only
};
struct delete_message_batch_request {
  std::string queue_url;
  std::vector<batch_handle_entry> entries;
};
struct change_message_visibility_request {
  std::string queue_url;
  std::string receipt_handle;
  std::optional<std::int64_t> visibility_timeout;
};
struct change_message_visibility_batch_request {
  std::string queue_url;
  std::vector<batch_handle_entry> entries;
};
struct list_dead_letter_source_queues_request {
  std::string queue_url;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct start_message_move_task_request {
  std::string source_arn;
  std::string destination_arn;
  std::optional<std::int64_t> max_number_of_messages_per_second;
};
struct list_message_move_tasks_request {
  std::string source_arn;
  std::optional<std::int64_t> max_results;
};
struct cancel_message_move_task_request {
  std::string task_handle;
};
struct add_permission_request {
  std::string queue_url;
  std::string label;
  std::vector<std::string> aws_account_ids;
  std::vector<std::string> actions;
};
struct remove_permission_request {
  std::string queue_url;
  std::string label;
};

// Results ----------------------------------------------------------------------------------------

struct empty_result {};
struct queue_url_result {  // CreateQueue, GetQueueUrl
  std::string queue_url;
};
struct queue_urls_result {  // ListQueues, ListDeadLetterSourceQueues
  std::vector<std::string> queue_urls;
  std::string next_token;
};
struct attributes_result {  // GetQueueAttributes
  std::vector<std::pair<std::string, std::string>> attributes;
};
struct tags_result {
  string_map tags;
};
struct send_result {
  std::string id;  // batch entry id
  std::string message_id;
  std::string md5_of_message_body;
  std::string md5_of_message_attributes;         // empty: omitted
  std::string md5_of_message_system_attributes;  // empty: omitted
  std::string sequence_number;                   // FIFO only
};
struct batch_error_entry {
  std::string id;
  bool sender_fault = true;
  std::string code;
  std::string message;
};
struct send_batch_result {
  std::vector<send_result> successful;
  std::vector<batch_error_entry> failed;
};
struct received_message {
  std::string message_id;
  std::string receipt_handle;
  std::string md5_of_body;
  std::string body;
  std::vector<std::pair<std::string, std::string>> attributes;  // system attributes
  std::string md5_of_message_attributes;                        // empty: omitted
  std::vector<message_attribute> message_attributes;
};
struct receive_result {
  std::vector<received_message> messages;
};
struct id_batch_result {  // DeleteMessageBatch, ChangeMessageVisibilityBatch
  std::vector<std::string> successful;
  std::vector<batch_error_entry> failed;
};
struct task_handle_result {
  std::string task_handle;
};
struct move_task_entry {
  std::string task_handle;  // only while RUNNING
  std::string status;
  std::string source_arn;
  std::string destination_arn;
  std::optional<std::int64_t> max_number_of_messages_per_second;
  std::int64_t approximate_number_of_messages_moved = 0;
  std::optional<std::int64_t> approximate_number_of_messages_to_move;
  std::string failure_reason;
  std::int64_t started_timestamp = 0;
};
struct move_tasks_result {
  std::vector<move_task_entry> results;
};
struct cancel_move_task_result {
  std::int64_t approximate_number_of_messages_moved = 0;
};

// Operations -------------------------------------------------------------------------------------

enum class op {
  create_queue,
  get_queue_url,
  list_queues,
  delete_queue,
  purge_queue,
  get_queue_attributes,
  set_queue_attributes,
  tag_queue,
  untag_queue,
  list_queue_tags,
  send_message,
  send_message_batch,
  receive_message,
  delete_message,
  delete_message_batch,
  change_message_visibility,
  change_message_visibility_batch,
  list_dead_letter_source_queues,
  start_message_move_task,
  list_message_move_tasks,
  cancel_message_move_task,
  add_permission,
  remove_permission,
};
// "CreateQueue" <-> op::create_queue.
std::string_view op_name(op o);
std::optional<op> op_from_name(std::string_view name);

using request_body =
    std::variant<create_queue_request, get_queue_url_request, list_queues_request, queue_request,
                 get_queue_attributes_request, set_queue_attributes_request, tag_queue_request,
                 untag_queue_request, send_message_request, send_message_batch_request,
                 receive_message_request, delete_message_request, delete_message_batch_request,
                 change_message_visibility_request, change_message_visibility_batch_request,
                 list_dead_letter_source_queues_request, start_message_move_task_request,
                 list_message_move_tasks_request, cancel_message_move_task_request,
                 add_permission_request, remove_permission_request>;

using result_body =
    std::variant<empty_result, queue_url_result, queue_urls_result, attributes_result, tags_result,
                 send_result, send_batch_result, receive_result, id_batch_result, task_handle_result,
                 move_tasks_result, cancel_move_task_result>;

enum class protocol { json, query };

// A parsed request: which operation, its input, and the request context the service needs.
struct call {
  op operation;
  request_body input;
  protocol proto = protocol::json;
  std::string host;        // Host header as sent (with port): queue URLs are built from it
  std::string region;      // from the SigV4 credential scope, empty when absent
  std::string path;        // request path: a query request on "/{account}/{queue}" names the queue
  std::string trace_header;  // X-Amzn-Trace-Id
};

}  // namespace hayloft::sqs::api
