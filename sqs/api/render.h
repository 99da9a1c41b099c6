#pragma once
// Rendering results and errors in the protocol of the request.
//
//   JSON 1.0: 200, `Content-Type: application/x-amz-json-1.0`, the output structure as JSON;
//             errors: {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": ...} with
//             `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`.
//   query:    200, `Content-Type: text/xml`,
//             <OpResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><OpResult>...
//             </OpResult><ResponseMetadata><RequestId>..</RequestId></ResponseMetadata>;
//             errors: <ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..
//             </Message><Detail/></Error><RequestId>..</RequestId></ErrorResponse>.
// Both carry `x-amzn-RequestId`. Pure functions: any thread.
#include <string_view>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "sqs/api/model.h"
#include "sqs/api/shape.h"

namespace hayloft::sqs::api {

inline constexpr std::string_view xml_namespace = "http://queue.amazonaws.com/doc/2012-11-05/";

// The output tree of a result (exposed for tests).
shape to_shape(const result_body& r);

core::response render(protocol p, op o, const result_body& r, std::string_view request_id);
// `e.code` is an sqs::errc; anything else renders as InternalError.
core::response render_error(protocol p, const hayloft::error& e, std::string_view request_id);
// An error raised outside the service (the edge's auth and limit checks), code as given.
core::response render_error(protocol p, const core::aws_error& e, std::string_view request_id);

}  // namespace hayloft::sqs::api
