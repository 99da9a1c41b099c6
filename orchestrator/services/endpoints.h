#pragma once
// The backends of one proxied port and the least-outstanding-requests choice among them.
// Thread-safe: update() from the thread that syncs Services, pick() from the proxy's I/O thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hayloft::orchestrator::services {

// A Ready pod listening on 127.0.0.1:port.
struct endpoint {
  std::string pod;
  std::uint16_t port = 0;
  bool operator==(const endpoint&) const = default;
};

class endpoint_set {
 public:
  // An endpoint chosen for one request; counts as outstanding until destroyed.
  class lease {
   public:
    lease(endpoint e, std::shared_ptr<std::atomic<int>> n) : ep_(std::move(e)), n_(std::move(n)) { ++*n_; }
    lease(lease&& o) noexcept : ep_(std::move(o.ep_)), n_(std::move(o.n_)) {}
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    ~lease() {
      if (n_) --*n_;
    }
    const endpoint& ep() const { return ep_; }

   private:
    endpoint ep_;
    std::shared_ptr<std::atomic<int>> n_;
  };

  // Replaces the backends; an endpoint that stays keeps its outstanding count.
  void update(std::vector<endpoint> eps);
  // The endpoint with the fewest outstanding requests, skipping the ports in `tried` (ties go
  // round-robin); nullopt when none is left.
  std::optional<lease> pick(const std::set<std::uint16_t>& tried = {});
  std::size_t size() const;
  std::vector<endpoint> list() const;
  // Outstanding requests per endpoint (tests, metrics).
  int outstanding(std::uint16_t port) const;

 private:
  struct slot {
    endpoint ep;
    std::shared_ptr<std::atomic<int>> outstanding;
  };
  mutable std::mutex mutex_;  // guards slots_, next_
  std::vector<slot> slots_;
  std::size_t next_ = 0;
};

}  // namespace hayloft::orchestrator::services
