#pragma once
// Binds the orchestrator's Services to the Service proxy (orchestrator/services): listeners follow
// the Services and their Ready endpoints after every controller loop iteration and every second
// (readiness can change between iterations), and `GET /_hayloft/port-forward` opens a listener
// that lives as long as that streaming response (what `hayloft port-forward` holds open).
//
// Threads: sync() may be called from any thread (the controller's worker calls it through the
// loop listener, without the controller's mutex); a ticker thread calls it every second.
#include <memory>

#include "emulator/core/http_message.h"
#include "emulator/core/metrics.h"
#include "orchestrator/controller/controller.h"

namespace hayloft::app {

class services_binding {
 public:
  services_binding(orchestrator::controller& ctl, core::metrics_registry& metrics);
  ~services_binding();
  services_binding(const services_binding&) = delete;
  services_binding& operator=(const services_binding&) = delete;

  // Starts the ticker (after the controller has started).
  void start();
  void sync();
  // POST /_hayloft/reset: closes every listener and port-forward.
  void reset();
  // Closes everything and stops the proxy's thread. Idempotent.
  void stop();
  // GET /_hayloft/port-forward?target=svc/web&ports=8080:80,:81&namespace=ns&address=127.0.0.1
  void handle_port_forward(core::request req, core::completion done);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace hayloft::app
