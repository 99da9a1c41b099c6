#pragma once
// Logging through spdlog. One process-wide logger named "hayloft"; modules use spdlog directly.
// Output goes to stderr in batches: one write(2) per 64 KiB, at once for warn and above, and
// within 100 ms for anything else (a flusher thread), so a request line costs no system call.
//
// Two formats: text ("2026-01-01T00:00:00.000Z info  message") and JSON lines
// ({"time":...,"level":"info","msg":...}, plus the request's fields for request lines).
//
// The request log prints one line per answered request, as LocalStack does:
//   AWS s3.GetObject => 404 (NoSuchKey) 0.4ms          (info: S3 and SQS)
//   admin GET /_hayloft/health => 200 0.1ms            (debug: admin, UI, metrics, Kubernetes)
// `--log-level warn` silences it. log_request() is cheap when its level is off (one atomic
// load), and formats into a stack buffer otherwise. Thread-safe.
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>

#include <string>
#include <string_view>

namespace hayloft::core {

enum class log_format { text, json };

// "text" | "json"; false for anything else.
bool parse_log_format(std::string_view name, log_format& out);

// Configures the default logger: level name ("trace".."off"), format, output to stderr.
void init_logging(std::string_view level, log_format format = log_format::text);

// One answered request.
struct request_record {
  bool aws = false;            // an AWS API request (S3, SQS): logged at info, else at debug
  std::string_view service;    // "s3", "sqs", "admin", "k8s", "metrics", "prometheus"
  std::string_view operation;  // AWS operation ("GetObject"); for others the admin route or method
  std::string_view method;
  std::string_view path;       // the raw (still percent-encoded) path; shown for non-AWS requests
  unsigned status = 0;
  std::string_view error_code;  // empty unless the response is a service error
  double seconds = 0;
};

// The line's text, e.g. "AWS sqs.CreateQueue => 200 1.3ms".
std::string format_request(const request_record& r);
// A JSON line (without the newline) as the json format writes it; `fields` adds the request's
// service, operation, status, error and ms.
std::string format_json_line(std::string_view time, std::string_view level, std::string_view msg,
                             const request_record* fields = nullptr);
// The formatter of the json format (for a logger of one's own, as tests make).
std::unique_ptr<spdlog::formatter> make_json_formatter();
// Logs the request line at its level on the default logger.
void log_request(const request_record& r);

// `s` made safe for one log line: bytes outside printable ASCII become \xNN, and it is cut at
// `max` bytes (with "...").
std::string log_safe(std::string_view s, std::size_t max = 256);

}  // namespace hayloft::core
