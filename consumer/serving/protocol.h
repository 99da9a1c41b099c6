#pragma once
// The KServe v2 / Open Inference Protocol (the REST API Triton speaks) for one sentence-embedding
// model, as pure functions from request values to reply values. The socket binding and the
// inference queue live in emulator/app/serving_workload.*; this file never blocks.
//
// The model: input `text` (BYTES, shape [-1]: one sentence per element), output `embedding`
// (FP32, shape [-1, dimension]: one L2-normalised row per sentence, flat row-major `data`).
//
// Routes (classify()):
//   GET  /v2                                  server metadata
//   GET  /v2/health/live | /v2/health/ready   200 (ready: once the model is loaded, else 400)
//   GET  /v2/models/M[/versions/V]            model metadata
//   GET  /v2/models/M[/versions/V]/ready      200 once loaded, else 400
//   POST /v2/models/M[/versions/V]/infer      inference
//   GET  /metrics                             Prometheus text (served by the binding)
// Errors are Triton's: a JSON body {"error": "..."}; 400 for bad input, 404 for an unknown
// model or version or path, 405 for a wrong method, 503 when the queue is full.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::serving {

struct model_info {
  std::string name = "use-lite";
  std::string version = "1";  // the only version served
  std::size_t dimension = 512;
  std::string platform = "hayloft_embedder";
  std::string input_name = "text";
  std::string output_name = "embedding";
};

// Server metadata (GET /v2).
inline constexpr std::string_view server_name = "hayloft";

struct reply {
  unsigned status = 200;
  std::string body;  // JSON, or empty (health)
};
// {"error": message} with `status`.
reply error_reply(unsigned status, std::string_view message);

enum class route_kind {
  server_metadata,
  live,
  ready,
  model_metadata,
  model_ready,
  infer,
  metrics,
  not_found,           // 404 {"error": "Not Found"}
  method_not_allowed,  // 405
};

struct route {
  route_kind kind = route_kind::not_found;
  std::string model;    // for model routes
  std::string version;  // empty: the default (latest) version
};

// Which endpoint `method` + `path` (percent-decoded, no query) addresses.
route classify(std::string_view method, std::string_view path);

// For model routes: nullopt when `r` names this model (and, if given, its version); otherwise
// Triton's 404 ("Request for unknown model: 'x' is not found", "... version 3 is not found").
std::optional<reply> check_model(const model_info& m, const route& r);

std::string server_metadata_json(std::string_view version);
std::string model_metadata_json(const model_info& m);

// A parsed POST .../infer body.
struct infer_request {
  std::optional<std::string> id;  // echoed in the reply
  std::vector<std::string> texts;  // the `text` input's elements, in order
};

// Parses and validates an infer body: JSON object; `inputs` exactly one entry named
// m.input_name with datatype BYTES, a `shape` whose element count equals the number of strings
// in `data` (flat, or nested as the shape says; [n] or [n, 1]); optional `id` (string);
// optional `outputs` naming only m.output_name (binary_data true is refused); `parameters`
// ignored. `binary_header` is the value of Inference-Header-Content-Length, when present: the
// binary tensor extension is refused with a 400 saying so. On error the reply is set.
struct parsed_infer {
  std::optional<infer_request> request;
  reply error;
};
parsed_infer parse_infer(const model_info& m, std::string_view body, std::optional<std::string_view> binary_header);

// The reply to a parsed request: {"model_name", "model_version", "id"?, "outputs": [{"name",
// "datatype": "FP32", "shape": [n, dim], "data": [...]}]}. rows[i] belongs to texts[i].
std::string infer_response_json(const model_info& m, const infer_request& req, std::span<const std::vector<float>> rows);

}  // namespace hayloft::serving
