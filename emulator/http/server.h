#pragma once
// The HTTP/1.1 edge: one listener on one port, Beast sessions as C++20 coroutines, each on its
// own strand of the shared io_context. Parses requests into core::request values, routes them,
// and writes core::response values back (streaming file-backed bodies).
//
// Every session is bounded: header size, body size, idle timeout between requests. Bodies above
// `spill_threshold` are streamed to a temp file (never held in memory). `Expect: 100-continue`
// is answered before the body is read. Pipelined requests are answered in order.
//
// Thread model: any number of threads may run the io_context. A handler's completion may be
// invoked on any thread; the session resumes on its own strand.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "emulator/core/http_message.h"

namespace hayloft::http {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;  // 0 picks a free port
  std::size_t header_limit = 64 * 1024;
  std::uint64_t body_limit = 5ull * 1024 * 1024 * 1024;  // S3's single-PUT maximum
  std::size_t spill_threshold = 1024 * 1024;
  std::filesystem::path spill_dir;  // where spilled bodies go (same fs as blobs)
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds read_timeout{300};
};

// Chooses the handler for a parsed request; returns nullptr for "no such route" (404).
using route_fn = std::function<core::request_handler*(const core::request&)>;
// Metrics hook: called with each request just before its handler gets it (the body included
// when held in memory), on the I/O thread; the function it returns (may be empty) is called once
// the response is written, with the status and the seconds the request took.
using finish_fn = std::function<void(unsigned status, double seconds)>;
using observe_fn = std::function<finish_fn(const core::request&)>;

class server {
 public:
  server(boost::asio::io_context& ioc, server_options opts, route_fn route, observe_fn observe = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts accepting; returns the bound port. Throws std::system_error on bind failure.
  std::uint16_t listen();
  // Stops accepting and closes idle connections; requests in flight finish and are answered.
  void shutdown();
  // Connections currently handling a request.
  std::size_t busy() const;
  std::size_t connections() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hayloft::http
