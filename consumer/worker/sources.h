#pragma once
// What the indexing consumer needs from a queue and an object store. The app binds these to the
// in-process SQS and S3 services (no loop-back HTTP); `hayloft consume` binds them to an HTTP
// client with SigV4 signing, so the same consumer runs against any endpoint, real AWS included.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::consumer {

struct queue_message {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 1;
};

class message_source {
 public:
  virtual ~message_source() = default;
  using receive_done = std::function<void(result<std::vector<queue_message>>)>;
  // Long-polls `queue` for up to `wait` and up to `max` messages. `done` runs exactly once, on
  // any thread. Returns a token for cancel().
  virtual std::uint64_t receive(const std::string& queue, int max, std::chrono::seconds wait, receive_done done) = 0;
  // Ends a pending receive early (done then runs with no messages). Unknown tokens are ignored.
  virtual void cancel(std::uint64_t token) = 0;
  // DeleteMessage; blocking (call from a pipeline thread, never an I/O thread).
  virtual result<void> remove(const std::string& queue, const std::string& receipt_handle) = 0;
};

struct object_data {
  std::string bytes;
  std::string etag;  // without quotes
  std::string content_type;
  std::int64_t last_modified_ms = 0;  // LastModified as Unix ms (0 = unknown)
};

class object_source {
 public:
  virtual ~object_source() = default;
  // GetObject; blocking. Error code/message say why (no such key, no such bucket, too large).
  virtual result<object_data> get(const std::string& bucket, const std::string& key) = 0;
};

}  // namespace hayloft::consumer
