#include "orchestrator/services/endpoints.h"

namespace hayloft::orchestrator::services {

void endpoint_set::update(std::vector<endpoint> eps) {
  std::lock_guard lock(mutex_);
  std::vector<slot> next;
  for (auto& e : eps) {
    std::shared_ptr<std::atomic<int>> n;
    for (const auto& s : slots_)
      if (s.ep == e) n = s.outstanding;
    if (!n) n = std::make_shared<std::atomic<int>>(0);
    next.push_back({std::move(e), std::move(n)});
  }
  slots_ = std::move(next);
}

std::optional<endpoint_set::lease> endpoint_set::pick(const std::set<std::uint16_t>& tried) {
  std::lock_guard lock(mutex_);
  const std::size_t n = slots_.size();
  const slot* best = nullptr;
  int best_load = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const slot& s = slots_[(next_ + i) % n];
    if (tried.count(s.ep.port)) continue;
    int load = s.outstanding->load();
    if (!best || load < best_load) {
      best = &s;
      best_load = load;
    }
  }
  if (!best) return std::nullopt;
  ++next_;
  return lease(best->ep, best->outstanding);
}

std::size_t endpoint_set::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

std::vector<endpoint> endpoint_set::list() const {
  std::lock_guard lock(mutex_);
  std::vector<endpoint> out;
  for (const auto& s : slots_) out.push_back(s.ep);
  return out;
}

int endpoint_set::outstanding(std::uint16_t port) const {
  std::lock_guard lock(mutex_);
  for (const auto& s : slots_)
    if (s.ep.port == port) return s.outstanding->load();
  return 0;
}

}  // namespace hayloft::orchestrator::services
