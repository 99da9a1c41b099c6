#include "emulator/prom/http_fetch.h"

#include <map>
#include <memory>
#include <mutex>

#include "emulator/http/client.h"
#include "emulator/prom/errc.h"

namespace hayloft::prom {
namespace {

class client_cache {
 public:
  result<std::string> fetch(const std::string& url, std::chrono::milliseconds timeout) {
    auto scheme_end = url.find("://");
    std::size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    auto path_start = url.find('/', host_start);
    std::string endpoint = url.substr(0, path_start);
    std::string target = path_start == std::string::npos ? "/metrics" : url.substr(path_start);
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout + std::chrono::milliseconds(999));
    http::client* c = get(endpoint + "#" + std::to_string(secs.count()), endpoint, secs);
    http::client_request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1"}};
    req.max_response_bytes = 16u << 20;
    auto r = c->send(req);
    if (!r) return error{make_error_code(errc::scrape_failed), r.err().message};
    if (r->status < 200 || r->status > 299)
      return error{make_error_code(errc::scrape_failed), "server returned HTTP status " + std::to_string(r->status)};
    return std::move(r->body);
  }

 private:
  http::client* get(const std::string& key, const std::string& endpoint, std::chrono::seconds timeout) {
    std::lock_guard lock(clients_mutex_);
    auto& slot = clients_[key];
    if (!slot) {
      http::client_options o;
      o.timeout = timeout;
      o.max_idle_connections = 2;
      slot = std::make_unique<http::client>(endpoint, o);
    }
    return slot.get();
  }
  std::mutex clients_mutex_;  // guards clients_
  std::map<std::string, std::unique_ptr<http::client>> clients_;
};

}  // namespace

fetch_function make_http_fetch() {
  auto cache = std::make_shared<client_cache>();
  return [cache](const std::string& url, std::chrono::milliseconds timeout) { return cache->fetch(url, timeout); };
}

}  // namespace hayloft::prom
