#pragma once
// The orchestrator's admin API (JSON over HTTP), served under /_hayloft/ next to the app's own
// admin routes. Shapes are documented in orchestrator/README.md. Each call runs the controller
// operation on the calling thread (they are short: pod work happens in the controller's loop)
// and completes before handle() returns.
#include <string_view>

#include "emulator/core/http_message.h"
#include "orchestrator/controller/controller.h"

namespace hayloft::orchestrator {

class admin_api final : public core::request_handler {
 public:
  explicit admin_api(controller& c) : controller_(c) {}
  // True for the paths this handler serves: /_hayloft/{apply,delete,get,describe,scale,logs,events}.
  static bool serves(std::string_view path);
  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

  // The largest manifest body accepted.
  static constexpr std::uint64_t max_body = 8 * 1024 * 1024;

 private:
  controller& controller_;
};

// {"error": {"code": "NotFound", "status": 404, "message": "..."}} with that HTTP status.
core::response error_response(unsigned status, std::string_view code, std::string_view message);

}  // namespace hayloft::orchestrator
