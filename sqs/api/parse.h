#pragma once
// Parsing SQS requests from either wire protocol into an api::call.
//
//   JSON 1.0:  POST, `X-Amz-Target: AmazonSQS.<Op>`, body {"QueueUrl": ..., ...}
//   query:     `Action=<Op>&Version=2012-11-05&...` in the query string and/or an
//              application/x-www-form-urlencoded body, lists and maps flattened as
//              `AttributeName.1`, `Attribute.1.Name`/`Attribute.1.Value`,
//              `SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue`, ...
//              (the serialization botocore's query serializer produces).
//
// Parsing checks shapes and types only (a string where a number belongs, a missing required
// member); every semantic rule (ranges, names, sizes) is the service's. Pure functions: any
// thread.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "sqs/api/model.h"

namespace hayloft::sqs::api {

// Bounds checked before anything is parsed (sizes before content). The largest request SQS can
// accept is a SendMessageBatch whose messages total 1 MiB; escaped as JSON (\uXXXX) or
// percent-encoded it grows to a few MiB. 16 MiB leaves room to answer an oversized batch with
// BatchRequestTooLong rather than a transport error. SQS's own shapes nest 5 deep.
inline constexpr std::uint64_t max_request_bytes = 16u << 20;
inline constexpr int max_json_depth = 16;
inline constexpr std::size_t max_query_parameters = 4096;

// Which protocol a request speaks, or nullopt when it is not an SQS request at all.
std::optional<protocol> detect(const core::request& req);

// The region of the SigV4 credential scope (Authorization header or X-Amz-Credential query
// parameter), or "" when the request is unsigned.
std::string signing_region(const core::request& req);

// Parses a request of either protocol. Errors carry sqs::errc codes (invalid_action,
// malformed_request, missing_parameter, invalid_parameter_value) and are rendered in the
// protocol that detect() reports. Never throws, whatever the bytes; a body over
// max_request_bytes is refused unread.
result<call> parse(const core::request& req);

}  // namespace hayloft::sqs::api
