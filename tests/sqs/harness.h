#pragma once
// Test harness for sqs::service: a service over a state_store in a temporary directory and a
// manual clock, driven with request values in either wire protocol.
//
// Parameters are written once, in the JSON protocol's shape ({"QueueUrl": ..., "Entries":
// [...]}); for the query protocol they are flattened the way botocore's query serializer does
// (Attribute.1.Name, SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue, ...).
// Replies of both protocols are normalised into one JSON value whose scalars are all strings
// and whose empty lists/maps are dropped, so one assertion checks both renderings.
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "emulator/store/state_store.h"
#include "sqs/api/model.h"
#include "sqs/service/service.h"

namespace hayloft::sqs::testing {

struct reply {
  unsigned status = 0;
  std::string code;     // query code (XML <Code>, or the x-amzn-query-error header)
  std::string type;     // JSON __type (empty for query)
  std::string message;
  std::string fault;    // Sender / Receiver
  nlohmann::json body;  // normalised result
  core::response raw;
  bool ok() const { return status == 200; }
};

// The request value a client of `proto` would send.
core::request make_request(api::protocol proto, const std::string& op, const nlohmann::json& params,
                           const std::string& path = "/");
reply normalise(api::protocol proto, const std::string& op, const core::response& r);

struct temp_dir {
  std::filesystem::path path;
  temp_dir();
  ~temp_dir();
};

class harness {
 public:
  explicit harness(sqs::options opts = {}, bool durable = false);
  ~harness();

  // Calls and waits (up to 10 s of real time) for the completion.
  reply call(api::protocol proto, const std::string& op, const nlohmann::json& params = nlohmann::json::object(),
             const std::string& path = "/");
  // Calls without waiting: for long polls, completed later by a send or by advance().
  std::shared_future<reply> start(api::protocol proto, const std::string& op,
                                  const nlohmann::json& params = nlohmann::json::object());

  // Convenience wrappers (JSON protocol, expecting success).
  std::string create_queue(const std::string& name, const nlohmann::json& attributes = nlohmann::json::object());
  std::string send(const std::string& url, const std::string& body, nlohmann::json extra = nlohmann::json::object());
  nlohmann::json receive(const std::string& url, nlohmann::json extra = nlohmann::json::object());
  sqs::message_counts counts(const std::string& queue);

  // Moves the manual clock, then waits for the writes that timers started (flush()).
  void advance(std::chrono::milliseconds d);
  // Waits until every write submitted so far has committed and its completion has run.
  void flush();
  // Destroys the service and the store and opens both again on the same directory.
  void restart();

  core::clock& clock() { return *clock_; }
  sqs::service& svc() { return *service_; }
  hayloft::store::state_store& store() { return *store_; }

 private:
  void open();
  sqs::options opts_;
  bool durable_;
  temp_dir dir_;
  std::unique_ptr<core::clock> clock_;
  std::unique_ptr<hayloft::store::state_store> store_;
  std::unique_ptr<sqs::service> service_;
};

// True when the future is ready now.
bool ready(const std::shared_future<reply>& f);

}  // namespace hayloft::sqs::testing
