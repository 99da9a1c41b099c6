#pragma once
// A small blocking HTTP/1.1 client for the CLI verbs (clients of a running `hayloft up`).
// Not for use on I/O threads.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::http {

struct client_response {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class client {
 public:
  // endpoint: "http://host:port" (a path prefix is allowed and prepended to every target).
  explicit client(std::string endpoint, std::chrono::seconds timeout = std::chrono::seconds(60));
  result<client_response> request(const std::string& method, const std::string& target, const std::string& body = {},
                                  const std::vector<std::pair<std::string, std::string>>& headers = {});
  result<client_response> get(const std::string& target) { return request("GET", target); }
  result<client_response> post(const std::string& target, const std::string& body,
                               const std::string& content_type = "application/json") {
    return request("POST", target, body, {{"Content-Type", content_type}});
  }
  // Streams a response body to `on_data` as it arrives (for follow-style endpoints).
  result<unsigned> stream(const std::string& target, const std::function<bool(std::string_view)>& on_data);
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string endpoint_, host_, port_, prefix_;
  std::chrono::seconds timeout_;
};

// The endpoint the CLI talks to: --endpoint, else $HAYLOFT_ENDPOINT, else http://127.0.0.1:4566.
std::string default_endpoint(const std::string& flag);

}  // namespace hayloft::http
