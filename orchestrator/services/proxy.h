#pragma once
// The Service proxy: an HTTP/1.1 reverse proxy per Service port (LoadBalancer: 127.0.0.1:port;
// NodePort: 127.0.0.1:nodePort) and per `port-forward`, spreading requests over the Ready pods
// with the fewest outstanding requests. See orchestrator/services/README.md.
//
// Threads: the proxy_manager owns one I/O thread running every listener, client session and
// backend connection (one thread: no strands, the connection pool needs no lock). sync(),
// open_forward() and the handles may be called from any thread; binding happens on the caller's
// thread so a port in use is reported at once.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "emulator/core/metrics.h"
#include "emulator/core/result.h"
#include "orchestrator/services/endpoints.h"

namespace hayloft::orchestrator::services {

struct proxy_options {
  std::chrono::milliseconds connect_timeout{3000};
  // Until the backend's response header has arrived (a slow model server may take long).
  std::chrono::milliseconds response_timeout{60000};
  // Idle keep-alive client connections, and a stalled body in either direction.
  std::chrono::milliseconds idle_timeout{60000};
  // Request bodies up to this size are buffered so an idempotent request can be replayed on
  // another pod; larger (or chunked) bodies stream through and are never retried.
  std::size_t replay_limit = 64 * 1024;
  int max_attempts = 3;
  // Pooled keep-alive connections per pod port: above the usual client concurrency, so a busy
  // Service does not open (and leave in TIME_WAIT) a backend connection per request.
  std::size_t idle_per_backend = 256;
};

// A port the proxy should listen on, and where its requests go.
struct listener_spec {
  std::string namespace_name;
  std::string service;
  std::string port_name;  // the Service port's name or number, for logs
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::vector<endpoint> endpoints;
};

struct bind_failure {
  listener_spec spec;
  std::string message;  // "listen tcp 127.0.0.1:80: bind: address already in use"
};

class proxy_manager {
 public:
  explicit proxy_manager(proxy_options opts = {}, core::metrics_registry* metrics = nullptr);
  ~proxy_manager();
  proxy_manager(const proxy_manager&) = delete;
  proxy_manager& operator=(const proxy_manager&) = delete;

  // Makes the Service listeners match `specs`: opens new ones, closes the ones no longer wanted
  // (their connections too), updates endpoints. Returns the listeners that newly failed to bind
  // (a port in use is retried at every sync, reported once until it binds).
  std::vector<bind_failure> sync(const std::vector<listener_spec>& specs);

  // A port-forward listener, open until the handle is destroyed (or close_all/stop).
  class forward {
   public:
    virtual ~forward() = default;
    virtual std::uint16_t port() const = 0;
    virtual void update(std::vector<endpoint> eps) = 0;
  };
  result<std::unique_ptr<forward>> open_forward(const listener_spec& spec);

  // Closes every listener and connection (POST /_hayloft/reset); sync() opens them again.
  void close_all();
  // close_all(), then stops the I/O thread. Idempotent.
  void stop();

  // The listening Service ports ("ns/name:port" -> bound port), for tests and status.
  std::map<std::string, std::uint16_t> listening() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace hayloft::orchestrator::services
