#pragma once
// The Kubernetes API subset the real kubectl (1.32) uses, served under /_hayloft/k8s on
// hayloft's port over the orchestrator's controller: one store of objects, two front doors (this
// and the admin API / hayloft CLI). What is served, and what is not, is listed in
// orchestrator/kube/README.md.
//
// Threading: handle() runs on the calling (HTTP I/O) thread and completes before it returns for
// everything but watches and followed logs, whose bodies are streams fed by the controller's
// loop listener and by a ticker thread this object owns (every 200 ms of real time: watch
// timeouts, bookmarks, log follows). Construct before the controller starts and pass
// loop_listener() to controller::set_loop_listener; destroy before the controller.
#include <memory>
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "orchestrator/controller/controller.h"

namespace hayloft::orchestrator::kube {

class tracker;

struct api_options {
  // Real-time period of the ticker thread; zero = no thread (tests call tick()).
  std::chrono::milliseconds tick_period{200};
};

class kube_api final : public core::request_handler {
 public:
  static constexpr std::string_view prefix = "/_hayloft/k8s";

  kube_api(controller& c, core::clock& clock, api_options opts = {});
  ~kube_api() override;
  kube_api(const kube_api&) = delete;
  kube_api& operator=(const kube_api&) = delete;

  std::function<void()> loop_listener();
  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

  // One ticker step: watch timeouts and bookmarks, log follows, a re-read while watches are open.
  void tick();
  tracker& objects();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace hayloft::orchestrator::kube
