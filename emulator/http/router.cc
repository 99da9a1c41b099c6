#include "emulator/http/router.h"

namespace hayloft::http {
namespace {

bool signed_request(const core::request& req) {
  return req.headers.has("authorization") || req.has_param("X-Amz-Signature") || req.has_param("Signature");
}

// "/" or "/{account id}/{queue name}" (also LocalStack's "/queue/{region}/{account}/{name}").
bool queue_path(std::string_view p) {
  if (p == "/" || p.empty()) return true;
  if (p.starts_with("/queue/")) return true;
  if (p.size() < 3 || p[0] != '/') return false;
  auto slash = p.find('/', 1);
  if (slash == std::string_view::npos) return false;
  auto account = p.substr(1, slash - 1);
  if (account.empty()) return false;
  for (char c : account)
    if (c < '0' || c > '9') return false;
  auto name = p.substr(slash + 1);
  return !name.empty() && name.find('/') == std::string_view::npos;
}

bool form_has_action(const core::request& req) {
  auto ct = req.headers.value_or("content-type", "");
  if (ct.find("application/x-www-form-urlencoded") == std::string_view::npos) return false;
  // A form body the edge spilled to a file (an SQS message near 1 MiB, percent-encoded) is not
  // read here: on a queue path only SQS takes url-encoded forms (S3's POST uploads are
  // multipart), and SQS reads and checks it.
  if (req.body_in_file()) return true;
  std::string_view body = req.body;
  return body.starts_with("Action=") || body.find("&Action=") != std::string_view::npos;
}

}  // namespace

route classify(const core::request& req) {
  if (auto target = req.headers.get("x-amz-target"); target && target->starts_with("AmazonSQS.")) return route::sqs;
  const std::string_view path = req.path;
  if (path.starts_with("/_hayloft/k8s/") || path == "/_hayloft/k8s") return route::k8s;
  if (path.starts_with("/_hayloft/") || path == "/_hayloft") return route::admin;
  // LocalStack's health endpoint, polled by existing wait-for-ready scripts.
  if (path.starts_with("/_localstack/")) return route::admin;
  if (queue_path(path)) {
    if (req.has_param("Action")) return route::sqs;
    if (req.method == "POST" && form_has_action(req)) return route::sqs;
  }
  if (!signed_request(req)) {
    if (path == "/metrics") return route::metrics;
    if (path.starts_with("/api/v1/")) return route::prometheus;
  }
  return route::s3;
}

}  // namespace hayloft::http
