#pragma once
// The admin API under /_hayloft/ (JSON): health, reset, clock. Other modules add their own
// routes (orchestrator: apply/get/scale/logs; consumer: search/docs) through add_route.
// Runs on I/O threads; anything blocking is posted to the blocking task_runner.
#include <chrono>
#include <cstdint>
#include <string_view>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "emulator/core/json_text.h"
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"

namespace hayloft::app {

class admin_service final : public core::request_handler {
 public:
  admin_service(core::clock& clock, core::task_runner& blocking);

  // A handler for /_hayloft/<name>[/...]; called on an I/O thread.
  using route_handler = std::function<void(core::request, core::completion)>;
  void add_route(std::string name, route_handler h) { routes_[std::move(name)] = std::move(h); }
  // Called (on a blocking thread) by POST /_hayloft/reset, in registration order.
  void add_reset(std::string service, std::function<void()> fn) { resets_.emplace_back(std::move(service), std::move(fn)); }
  void add_service(std::string name) { services_.push_back(std::move(name)); }

  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

 private:
  core::response health() const;
  void clock_route(core::request req, core::completion done);

  core::clock& clock_;
  core::task_runner& blocking_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::map<std::string, route_handler> routes_;
  std::vector<std::pair<std::string, std::function<void()>>> resets_;
  std::vector<std::string> services_;
};

// Bounds of admin request bodies, checked before any route sees them: the Kubernetes API
// server's request body limit (MaxRequestBodyBytes, 3 MiB, k8s.io/apiserver/pkg/server/config.go),
// and a nesting depth for JSON (and YAML flow) bodies far beyond any manifest's.
inline constexpr std::uint64_t admin_body_limit = 3 * 1024 * 1024;
inline constexpr std::size_t admin_json_depth = 100;
// The admin API's JSON depth bound is checked with core's scanner.
using core::json_depth_within;

// JSON response helpers shared by admin routes. Invalid UTF-8 is replaced, never thrown on.
core::response json_response(unsigned status, const std::string& body);
core::response json_error(unsigned status, const std::string& code, const std::string& message);

}  // namespace hayloft::app
