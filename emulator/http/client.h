#pragma once
// A small blocking HTTP/1.1 client over plain TCP or TLS: the CLI verbs (clients of a running
// `hayloft up`) and the AWS client (aws_client.h) that reaches hayloft or real AWS.
//
//   http::client c("https://sqs.eu-central-1.amazonaws.com");
//   auto r = c.send({.method = "POST", .target = "/", .headers = {...}, .body = json});
//
// TLS: OpenSSL through Asio, SNI set, the peer verified against the system's default CA paths
// (which honour SSL_CERT_FILE / SSL_CERT_DIR) plus `client_options::ca_file`, and its name or IP
// address checked against the endpoint's host. `verify_peer = false` is for tests only.
//
// Threading: a client may be shared by many threads; each call blocks its caller (never call it
// on an I/O thread). Connections are kept alive and reused: a call takes an idle connection from
// the client's pool (or opens one) and gives it back after a complete keep-alive response. A
// request that fails on a reused connection before any response byte arrived is retried once
// on a fresh connection (the server may have closed the idle one).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::http {

enum class client_errc {
  bad_endpoint = 1,    // the endpoint URL cannot be parsed
  resolve_failed,      // the host name does not resolve
  connect_failed,      // no TCP connection
  tls_failed,          // TLS handshake or certificate verification failed
  io_failed,           // the connection broke while writing or reading
  timeout,             // no progress within client_options::timeout
  response_too_large,  // the response body exceeds the request's limit
  body_unreadable,     // the request's body file cannot be read
  aborted,             // abort_signal::abort() was called
};
const std::error_category& client_category();
inline std::error_code make_error_code(client_errc e) {
  return {static_cast<int>(e), client_category()};
}

using header_list = std::vector<std::pair<std::string, std::string>>;

struct client_response {
  unsigned status = 0;
  header_list headers;
  std::string body;
  // First value of a header (case-insensitive), empty when absent.
  std::string header(std::string_view name) const;
};

struct client_options {
  // Limit for each step (connect, handshake, write, read) to make progress.
  std::chrono::seconds timeout{60};
  bool verify_peer = true;  // TLS: check the certificate chain and host name
  std::string ca_file;      // TLS: extra trusted CA certificates (PEM), besides the system's
  std::size_t max_idle_connections = 8;
  std::chrono::seconds idle_lifetime{15};  // idle connections older than this are not reused
};

// One request. The body is `body`, or when `body_file` is set, `body_length` bytes of that file
// from `body_offset`, streamed from disk in small chunks (never read whole into memory).
struct client_request {
  std::string method = "GET";
  std::string target = "/";  // path and query, already encoded; the endpoint's prefix is prepended
  header_list headers;       // Host, Content-Length and User-Agent are added unless present
  std::string body;
  std::filesystem::path body_file;
  std::uint64_t body_offset = 0;
  std::uint64_t body_length = 0;
  std::uint64_t max_response_bytes = 1ull << 32;
  // Called on the calling thread with the number of body bytes just written (progress bars).
  std::function<void(std::size_t)> on_body_progress;
};

// Lets another thread abort a request in flight: the socket is closed and the request fails
// with client_errc::aborted. Use one signal per request; abort() is thread-safe and idempotent,
// and a request started with an already-aborted signal fails at once.
class abort_signal {
 public:
  void abort();
  bool aborted() const { return aborted_.load(); }

 private:
  friend class client;
  bool arm(std::function<void()> on_abort);  // false when already aborted
  void disarm();
  std::mutex hook_mutex_;  // guards on_abort_
  std::function<void()> on_abort_;
  std::atomic<bool> aborted_{false};
};

// scheme://host[:port][/prefix], split. Default ports 80 and 443.
struct endpoint_parts {
  bool tls = false;
  std::string host;  // as written (names keep their case; IPv6 without brackets)
  std::string port;
  std::string prefix;  // path prefix without a trailing '/', possibly empty
  // The Host header value: host, plus ":port" unless it is the scheme's default port.
  std::string host_header() const;
};
result<endpoint_parts> parse_endpoint(std::string_view endpoint);

class client {
 public:
  // endpoint: "http://host:port" or "https://host[:port]" (a path prefix is allowed and prepended
  // to every target). A scheme-less endpoint means http. An unparsable endpoint makes every call
  // fail with client_errc::bad_endpoint. Throws std::runtime_error only when the TLS context
  // cannot be built (bad ca_file).
  explicit client(std::string endpoint, std::chrono::seconds timeout = std::chrono::seconds(60));
  client(std::string endpoint, client_options options);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  result<client_response> send(const client_request& req, abort_signal* abort = nullptr);

  result<client_response> request(const std::string& method, const std::string& target,
                                  const std::string& body = {}, const header_list& headers = {});
  result<client_response> get(const std::string& target) { return request("GET", target); }
  result<client_response> post(const std::string& target, const std::string& body,
                               const std::string& content_type = "application/json") {
    return request("POST", target, body, {{"Content-Type", content_type}});
  }
  // Streams a response body to `on_data` as it arrives (for follow-style endpoints); stops when
  // on_data returns false. Returns the status. No timeout while waiting for body data.
  result<unsigned> stream(const std::string& target,
                          const std::function<bool(std::string_view)>& on_data);

  const std::string& endpoint() const { return endpoint_; }
  // The parsed endpoint (valid when the endpoint parsed).
  const endpoint_parts& parts() const { return parts_; }

 private:
  struct connection;
  struct tls_context;
  result<std::unique_ptr<connection>> open(abort_signal* abort);
  std::unique_ptr<connection> take_idle();
  void give_back(std::unique_ptr<connection> c);

  std::string endpoint_;
  endpoint_parts parts_;
  hayloft::error endpoint_error_;
  bool endpoint_ok_ = false;
  std::string connect_host_;  // parts_.host, with "localhost" pinned to 127.0.0.1
  client_options options_;
  std::unique_ptr<tls_context> tls_;

  std::mutex idle_mutex_;  // guards idle_
  std::vector<std::unique_ptr<connection>> idle_;
};

// The endpoint the CLI talks to: --endpoint, else $HAYLOFT_ENDPOINT, else http://127.0.0.1:4566.
std::string default_endpoint(const std::string& flag);

}  // namespace hayloft::http

template <>
struct std::is_error_code_enum<hayloft::http::client_errc> : std::true_type {};
