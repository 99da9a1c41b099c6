#pragma once
// Plain request and response values exchanged between the HTTP edge (emulator/http, the only
// user of Beast) and the services. A service is a function from request to response, so every
// S3 and SQS operation is testable without a socket.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hayloft::core {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

// Ordered header list with case-insensitive lookup; names keep the case they were given.
class header_map {
 public:
  using entry = std::pair<std::string, std::string>;
  // First value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  std::string_view value_or(std::string_view name, std::string_view fallback) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every value of `name` with one.
  void set(std::string name, std::string value);
  void erase(std::string_view name);
  const std::vector<entry>& entries() const { return entries_; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<entry> entries_;
};

// A file that is unlinked when the owner goes away, unless release()d (e.g. renamed into place).
class temp_file {
 public:
  temp_file() = default;
  explicit temp_file(std::filesystem::path p) : path_(std::move(p)) {}
  temp_file(temp_file&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  temp_file& operator=(temp_file&& o) noexcept;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path release() { return std::exchange(path_, {}); }
  bool empty() const { return path_.empty(); }

 private:
  std::filesystem::path path_;
};

using query_params = std::vector<std::pair<std::string, std::string>>;

struct request {
  std::string method;     // "GET", "PUT", ...
  std::string target;     // request-target exactly as received
  std::string raw_path;   // path part of target, still percent-encoded
  std::string path;       // percent-decoded path ('+' is not a space here)
  std::string raw_query;  // after '?', as received
  query_params query;     // decoded query parameters in order ("a&b=1" -> {a,""},{b,"1"})
  header_map headers;
  std::string host;       // Host header without port
  std::string remote;     // peer address, for logs
  std::string request_id; // assigned by the edge, echoed in error bodies and headers

  // The body: in memory when small; spilled to body_file (owned) above the edge's threshold.
  std::string body;
  temp_file body_file;
  std::uint64_t body_size = 0;
  bool body_in_file() const { return !body_file.empty(); }

  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string_view> param(std::string_view name) const;
  bool has_param(std::string_view name) const { return param(name).has_value(); }
  // Reads the whole body into memory (from body_file if spilled). Use only for bounded bodies.
  std::string body_text() const;
};

// A response body produced over time (Kubernetes watch streams, followed logs). The edge sends
// it with chunked transfer encoding, one chunk per piece, and closes the connection after it.
class body_stream {
 public:
  virtual ~body_stream() = default;
  // Called with the next piece: a non-empty chunk, or done = true when the body is complete
  // (the chunk may then be empty or carry a last piece).
  using deliver_fn = std::function<void(std::string chunk, bool done)>;
  // Asks for the next piece. The stream calls `deliver` exactly once per call, from any thread,
  // when it has one. The edge never has two calls outstanding.
  virtual void next(deliver_fn deliver) = 0;
  // The client went away or the server is stopping: an outstanding next() and every later one
  // must deliver done promptly. May be called from any thread, more than once.
  virtual void cancel() = 0;
};

struct response {
  unsigned status = 200;
  header_map headers;
  std::string body;
  // When set, the body is bytes [offset, offset + length) of this file, streamed by the edge.
  struct file_range {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  std::optional<file_range> file;
  // For HEAD: the Content-Length to announce although no body is sent.
  std::optional<std::uint64_t> head_length;
  // When set, the body is produced by this stream (chunked); `body` and `file` are ignored.
  std::shared_ptr<body_stream> stream;
};

// Called exactly once per request with its response, from any thread.
using completion = std::function<void(response)>;

// An AWS-style error, rendered by the service that owns the protocol.
struct aws_error {
  unsigned status;
  std::string code;
  std::string message;
};

// What the edge routes requests to.
class request_handler {
 public:
  virtual ~request_handler() = default;
  virtual void handle(request req, completion done) = 0;
  // Renders an error raised by the edge (auth, limits) in this service's wire format.
  virtual response render_error(const request& req, const aws_error& err) const = 0;
};

// Percent-decoding and -encoding. decode returns false on a malformed escape.
bool url_decode(std::string_view in, std::string& out, bool plus_as_space = false);
// Encodes everything except unreserved characters (A-Z a-z 0-9 - _ . ~); keeps '/' if asked.
std::string url_encode(std::string_view in, bool keep_slash = false);
// Parses "a=1&b=%20x" (form or query encoding, '+' = space when form is true).
bool parse_query(std::string_view in, query_params& out, bool form = false);
// Splits a target into raw path and raw query and fills the decoded fields of req.
bool parse_target(std::string_view target, request& req);

}  // namespace hayloft::core
