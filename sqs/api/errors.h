#pragma once
// SQS errors: one errc per error the service emits, and the one table that maps each to its
// HTTP status and its two spellings on the wire.
//
// SQS names every error twice. The JSON 1.0 protocol sends the Smithy shape name in `__type`
// ("com.amazonaws.sqs#QueueDoesNotExist") and the legacy query code in the
// `x-amzn-query-error: <code>;Sender` header; the query protocol sends the legacy code
// ("AWS.SimpleQueueService.NonExistentQueue") in <Error><Code>. The legacy codes come from the
// query-protocol model of SQS (botocore 1.29 `sqs/2012-11-05/service-2.json`, `error.code`) and
// aws-sdk-go v1 `service/sqs/errors.go`; errors that the model does not list (the "common
// errors" InvalidParameterValue, MissingParameter, ...) use the same word in both places.
#include <string>
#include <string_view>
#include <system_error>

#include "emulator/core/result.h"

namespace hayloft::sqs {

enum class errc {
  ok = 0,
  queue_does_not_exist,
  queue_name_exists,
  queue_deleted_recently,
  purge_queue_in_progress,
  batch_entry_ids_not_distinct,
  batch_request_too_long,
  empty_batch_request,
  invalid_batch_entry_id,
  too_many_entries_in_batch_request,
  invalid_attribute_name,
  invalid_attribute_value,
  invalid_message_contents,
  message_not_inflight,
  over_limit,           // a quota (policy size, actions per statement)
  receipt_handle_is_invalid,
  resource_not_found,
  invalid_parameter_value,
  missing_parameter,
  invalid_action,       // unknown operation
  malformed_request,    // body that is not JSON / not a form
  internal_error,       // SQLite failed underneath
  service_unavailable,  // the service is shutting down
};

const std::error_category& sqs_category();
std::error_code make_error_code(errc e);

// Shorthand for an error value with a message.
inline hayloft::error make_error(errc e, std::string message) { return {make_error_code(e), std::move(message)}; }

// How an errc appears on the wire.
struct wire_error {
  unsigned status;
  std::string_view json_type;   // full `__type` value
  std::string_view query_code;  // <Code> in XML, first half of x-amzn-query-error
  bool sender_fault;            // "Sender" or "Receiver"
};
// Never fails: codes from other categories map to internal_error.
const wire_error& wire(std::error_code code);

}  // namespace hayloft::sqs

template <>
struct std::is_error_code_enum<hayloft::sqs::errc> : std::true_type {};
