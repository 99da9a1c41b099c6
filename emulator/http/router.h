#pragma once
// Decides which service answers a request (DESIGN.md, "One process, one port"):
//   X-Amz-Target: AmazonSQS.*                          -> sqs (JSON 1.0)
//   Action=... in the query, or in a form POST body (a form body spilled to a file counts),
//     on "/" or "/{account}/{queue}"                    -> sqs (query protocol)
//   /_hayloft/k8s/...                                   -> k8s
//   /_hayloft/...                                       -> admin
//   /metrics, /api/v1/... without AWS credentials       -> metrics / prometheus
//   everything else                                     -> s3
// A bucket can never be named "_hayloft" (S3 bucket names cannot contain '_'). "/metrics" and
// "/api/v1/..." only go to hayloft when the request carries no AWS signature, so a bucket named
// "metrics" or "api" still works for signed S3 clients.
#include <array>

#include "emulator/core/http_message.h"

namespace hayloft::http {

enum class route { s3, sqs, admin, k8s, metrics, prometheus, count };

route classify(const core::request& req);

class router {
 public:
  void set(route r, core::request_handler* h) { handlers_[static_cast<std::size_t>(r)] = h; }
  core::request_handler* find(const core::request& req) const { return get(classify(req)); }
  core::request_handler* get(route r) const { return handlers_[static_cast<std::size_t>(r)]; }

 private:
  std::array<core::request_handler*, static_cast<std::size_t>(route::count)> handlers_{};
};

}  // namespace hayloft::http
