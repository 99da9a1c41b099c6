#pragma once
// hayloft inside a C++ test process: the whole stack (S3, SQS, the orchestrator, the consumer)
// started in-process on a free 127.0.0.1 port, on a manual clock by default, with clients for it.
//
//   hayloft::testing::stack hl;                         // ready when the constructor returns
//   hl.aws().sqs_call("CreateQueue", {{"QueueName", "q"}});
//   hl.advance("30s");                                  // every loop due in the span has run
//   hl.reset();                                         // between tests
//
// One stack per process at a time (it owns the process-wide logger's level). Its state lives in
// a private in-memory directory removed by the destructor. All members may be called from any
// thread but the stack's own; each call blocks until hayloft has answered.
// For GoogleTest, `emulator/testing/gtest.h` wraps it in a ::testing::Environment.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::http {
class aws_client;
}

namespace hayloft::testing {

struct stack_options {
  bool manual_clock = true;          // else the system clock
  std::string embedder = "hash";     // "use" needs the model (scripts/fetch-model)
  std::vector<std::string> apply;    // manifest files or folders applied at start
  std::string apply_namespace;       // as `apply -n`
  std::string config_file;           // the `--config` YAML (image map, pipeline)
  std::string log_level = "warn";
  std::string region = "us-east-1";  // the clients' region
  std::string snapshot;              // start from this snapshot folder (as `up --snapshot PATH`)
};

class stack {
 public:
  // Starts the stack; throws std::runtime_error (with hayloft's reason) when it cannot.
  explicit stack(stack_options opts = {});
  ~stack();
  stack(const stack&) = delete;
  stack& operator=(const stack&) = delete;

  const std::string& endpoint() const;  // "http://127.0.0.1:PORT"
  std::uint16_t port() const;

  // The admin API: JSON in and out; throws std::runtime_error on a transport error or a reply
  // of 400 or more (the message is hayloft's).
  nlohmann::json admin(std::string_view method, std::string_view target, const std::string& body = {});
  // Empties everything (POST /_hayloft/reset).
  void reset();
  // Saves the whole state as snapshot `name` (replacing one of that name); returns its
  // description (POST /_hayloft/snapshots).
  nlohmann::json snapshot(std::string_view name);
  // Brings back snapshot `name` atomically: requests see
  // the state before or after it. Returns {"restored", "ms", ...}. Throws when there is no such
  // snapshot or it was taken by an incompatible hayloft.
  nlohmann::json restore(std::string_view name);
  // Moves the manual clock ("30s", "5m", "1h30m") and returns once every loop due has run.
  void advance(std::string_view duration);
  // Applies manifests (YAML text), as `hayloft apply -f` with `-n namespace` when given.
  nlohmann::json apply(const std::string& yaml, std::string_view ns = {});
  // spec.replicas of a Deployment, as KEDA or the HPA left it.
  int replicas(std::string_view deployment, std::string_view ns = "default");

  // S3 and SQS, signed with SigV4 and the test credentials (see emulator/http/aws_client.h).
  http::aws_client& aws();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hayloft::testing
