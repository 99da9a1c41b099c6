#pragma once
// Shared by the SQS fuzz targets: requests built from fuzz bytes the way each wire protocol
// carries them, and the checks every rendered answer must pass.
//
// Input layout for the protocol targets: byte 0 picks the operation (an index into
// kOperations), the rest is the body (JSON for AmazonSQS.<Op>, a url-encoded form for query).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "emulator/core/http_message.h"

namespace hayloft::sqs::fuzz {

inline constexpr std::array<std::string_view, 24> kOperations{
    "CreateQueue",       "GetQueueUrl",          "ListQueues",
    "DeleteQueue",       "PurgeQueue",           "GetQueueAttributes",
    "SetQueueAttributes", "TagQueue",            "UntagQueue",
    "ListQueueTags",     "SendMessage",          "SendMessageBatch",
    "ReceiveMessage",    "DeleteMessage",        "DeleteMessageBatch",
    "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "ListDeadLetterSourceQueues",
    "StartMessageMoveTask", "ListMessageMoveTasks", "CancelMessageMoveTask",
    "AddPermission",     "RemovePermission",     "NoSuchOperation",
};

inline std::string_view operation(std::uint8_t b) { return kOperations[b % kOperations.size()]; }

inline core::request json_request(std::string_view op, std::string_view body) {
  core::request req;
  req.method = "POST";
  req.target = "/";
  core::parse_target("/", req);
  req.headers.add("Host", "localhost:4566");
  req.headers.add("X-Amz-Target", "AmazonSQS." + std::string(op));
  req.headers.add("Content-Type", "application/x-amz-json-1.0");
  req.host = "localhost";
  req.request_id = "fuzz";
  req.body = std::string(body);
  req.body_size = req.body.size();
  return req;
}

// `prefix` goes first (Action=...&Version=...&), then the fuzz bytes.
inline core::request query_request(std::string_view op, std::string_view body, std::string_view extra = {}) {
  core::request req;
  req.method = "POST";
  req.target = "/";
  core::parse_target("/", req);
  req.headers.add("Host", "localhost:4566");
  req.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.host = "localhost";
  req.request_id = "fuzz";
  req.body = "Action=" + std::string(op) + "&Version=2012-11-05&" + std::string(extra) + std::string(body);
  req.body_size = req.body.size();
  return req;
}

// Every answer is a well-formed document of its protocol, whatever the request held.
inline void check_rendered(const core::response& r, bool json) {
  if (json) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) std::abort();
    if (r.status != 200 && !j.contains("__type")) std::abort();
    return;
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(r.body.data(), r.body.size())) std::abort();
  if (r.status != 200 && !doc.child("ErrorResponse")) std::abort();
}

}  // namespace hayloft::sqs::fuzz
