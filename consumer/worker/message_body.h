#pragma once
// What a queue message asks the consumer to index: the reference app sends the S3 key as the
// body; an S3 event notification carries Records[].s3.bucket.name and .object.key (URL-encoded,
// '+' for spaces). An s3:TestEvent asks for nothing. Pure functions.
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::consumer {

struct object_ref {
  std::string bucket;
  std::string key;
  bool removed = false;  // an ObjectRemoved:* event: drop the object's documents
};

// Parses a message body. A body that is not JSON (or JSON without Records) is a key in
// `default_bucket`. Errors: an event record without bucket or key, or an empty body.
result<std::vector<object_ref>> parse_message_body(std::string_view body, const std::string& default_bucket);

}  // namespace hayloft::consumer
