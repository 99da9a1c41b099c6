#pragma once
// The HTTP/1.1 edge: one listener on one port, Beast sessions as C++20 coroutines, each on its
// own strand of the shared io_context. Parses requests into core::request values, routes them,
// and writes core::response values back (streaming file-backed bodies).
//
// Every session is bounded, as Beast's advanced_server bounds its sessions:
//   - header: `header_limit` bytes and `max_header_fields` fields, else 431; a request line or
//     header Beast cannot parse gets 400; a malformed chunked body gets 400 (then the close).
//   - time: `idle_timeout` for the first byte of a next request, `header_timeout` from there to
//     the end of the header, then per body read `body_timeout` without a byte (the connection is
//     closed, as nginx closes it) and, once `body_timeout` has passed, at least `body_min_rate`
//     bytes/s on average (else S3's `400 RequestTimeout` in the service's format). Responses are
//     not timed while a handler works: long polls and watches are slow on the response side.
//   - connections: at most `max_connections` open at once. At the cap the listener stops
//     accepting (one warning per episode) and new clients wait in the kernel's listen backlog
//     until a connection closes, as nginx (worker_connections) and HAProxy (maxconn) do.
//   - memory: request bodies up to `body_small` bytes stay in memory; beyond that a body stays
//     in memory only while every in-memory body of this server together fits in
//     `body_memory_budget`, and up to `spill_threshold`; otherwise it is streamed to a temp file
//     in `spill_dir`. Read buffers are allocated per request and shrunk between requests, so an
//     idle connection costs a few KiB.
// `Expect: 100-continue` is answered before the body is read. Pipelined requests are answered
// in order. A handler that throws, or drops its completion without calling it, is logged and
// that request alone gets `500 InternalError` in its service's format.
//
// Thread model: any number of threads may run the io_context. A handler's completion may be
// invoked on any thread; the session resumes on its own strand.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/core/http_message.h"

namespace hayloft::http {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;  // 0 picks a free port
  std::size_t header_limit = 64 * 1024;
  std::size_t max_header_fields = 100;  // Apache's LimitRequestFields
  std::uint64_t body_limit = 5ull * 1024 * 1024 * 1024;  // S3's single-PUT maximum
  std::size_t spill_threshold = 1024 * 1024;
  std::size_t body_small = 64 * 1024;
  std::uint64_t body_memory_budget = 64ull * 1024 * 1024;
  std::filesystem::path spill_dir;  // where spilled bodies go (same fs as blobs)
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds header_timeout{20000};  // Apache mod_reqtimeout's header=20
  std::chrono::milliseconds body_timeout{20000};
  std::uint64_t body_min_rate = 1024;                 // bytes/s, after body_timeout has passed
  std::chrono::milliseconds read_timeout{300000};     // each write of a response
  std::size_t max_connections = 10000;                // lowered to the open-file limit at listen()
};

// What the edge knows of an answered request, for metrics and the request log.
struct request_outcome {
  unsigned status = 0;
  std::string_view error_code;  // the service's error code of an error response ("NoSuchKey")
  double seconds = 0;
};
// Called once the response is written (or the connection failed while writing it).
using finish_fn = std::function<void(const request_outcome&)>;

// The handler that answers a request (nullptr: no such route, 404) and the function to call
// when it is answered (may be empty). Called on the I/O thread once per request, after its body
// is read, and for a request refused before its body is read (EntityTooLarge, RequestTimeout)
// with the body still empty.
struct dispatch {
  core::request_handler* handler = nullptr;
  finish_fn finish;
};
using dispatch_fn = std::function<dispatch(const core::request&)>;

// The older two-step form: a route, then a metrics hook.
using route_fn = std::function<core::request_handler*(const core::request&)>;
using observe_fn = std::function<finish_fn(const core::request&)>;

class server {
 public:
  server(boost::asio::io_context& ioc, server_options opts, dispatch_fn dispatch);
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
  // Bytes of request bodies held in memory right now (bounded by body_memory_budget plus
  // body_small per connection).
  std::uint64_t body_memory() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hayloft::http
