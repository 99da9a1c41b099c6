#include "orchestrator/controller/events.h"

#include <algorithm>

namespace hayloft::orchestrator::controller_detail {

void event_log::add(event_record e) {
  // Fold into a recent identical event (Kubernetes' event aggregation, simplified).
  std::size_t look = std::min<std::size_t>(events_.size(), 8);
  for (auto it = events_.rbegin(); it != events_.rbegin() + static_cast<std::ptrdiff_t>(look); ++it) {
    if (it->object_kind == e.object_kind && it->namespace_name == e.namespace_name && it->object_name == e.object_name &&
        it->reason == e.reason && it->message == e.message && it->type == e.type) {
      ++it->count;
      it->last_time = e.last_time;
      return;
    }
  }
  e.id = next_id_++;
  events_.push_back(std::move(e));
  while (events_.size() > max_) events_.pop_front();
}

std::vector<event_record> event_log::list(const std::string& namespace_name, const std::string& kind,
                                          const std::string& name) const {
  std::vector<event_record> out;
  for (const auto& e : events_) {
    if (!namespace_name.empty() && namespace_name != "*" && e.namespace_name != namespace_name) continue;
    if (!kind.empty() && e.object_kind != kind) continue;
    if (!name.empty() && e.object_name != name) continue;
    out.push_back(e);
  }
  return out;
}

nlohmann::json to_json(const event_record& e) {
  nlohmann::json j{
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", e.object_name + "." + std::to_string(e.id)}, {"namespace", e.namespace_name}}},
      {"type", e.type},
      {"reason", e.reason},
      {"message", e.message},
      {"count", e.count},
      {"firstTimestamp", core::iso8601(e.first_time)},
      {"lastTimestamp", core::iso8601(e.last_time)},
      {"source", {{"component", e.source}}},
      {"involvedObject", {{"kind", e.object_kind}, {"namespace", e.namespace_name}, {"name", e.object_name}}},
  };
  if (e.from_replicas) j["hayloft"]["fromReplicas"] = *e.from_replicas;
  if (e.to_replicas) j["hayloft"]["toReplicas"] = *e.to_replicas;
  if (e.metric_value) j["hayloft"]["metricValue"] = *e.metric_value;
  if (e.extra.is_object())
    for (const auto& [k, v] : e.extra.items()) j["hayloft"][k] = v;
  return j;
}

}  // namespace hayloft::orchestrator::controller_detail
