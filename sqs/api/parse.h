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
#include <optional>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "sqs/api/model.h"

namespace hayloft::sqs::api {

// Which protocol a request speaks, or nullopt when it is not an SQS request at all.
std::optional<protocol> detect(const core::request& req);

// The region of the SigV4 credential scope (Authorization header or X-Amz-Credential query
// parameter), or "" when the request is unsigned.
std::string signing_region(const core::request& req);

// Parses a request of either protocol. Errors carry sqs::errc codes (invalid_action,
// malformed_request, missing_parameter, invalid_parameter_value) and are rendered in the
// protocol that detect() reports.
result<call> parse(const core::request& req);

}  // namespace hayloft::sqs::api
