#pragma once
// The controller's event log: what `describe` and `get events` show, one record per scaling
// decision, pod lifecycle step or error, like Kubernetes Events (identical consecutive events on
// one object are folded into one with a count). Bounded; not persisted (Kubernetes expires
// events after an hour). Guarded by the controller's mutex.
#include <nlohmann/json.hpp>

#include <deque>
#include <optional>
#include <string>

#include "emulator/core/clock.h"

namespace hayloft::orchestrator::controller_detail {

struct event_record {
  std::uint64_t id = 0;
  core::time_point first_time;
  core::time_point last_time;
  int count = 1;
  std::string type;  // Normal | Warning
  std::string reason;
  std::string object_kind;
  std::string namespace_name;
  std::string object_name;
  std::string source;  // keda-operator, horizontal-pod-autoscaler, deployment-controller, kubelet
  std::string message;
  // Scaling decisions carry these (the issue asks for from/to and the metric value).
  std::optional<std::int32_t> from_replicas;
  std::optional<std::int32_t> to_replicas;
  std::optional<double> metric_value;
  // More hayloft fields for the event's "hayloft" block (KEDA's cooldown: lastActiveTime,
  // cooldownEnds).
  nlohmann::json extra = nlohmann::json::object();
};

class event_log {
 public:
  explicit event_log(std::size_t max) : max_(max) {}
  void add(event_record e);
  // Oldest first. Empty filters match everything.
  std::vector<event_record> list(const std::string& namespace_name, const std::string& kind,
                                 const std::string& name) const;
  void clear() { events_.clear(); }

 private:
  std::size_t max_;
  std::uint64_t next_id_ = 1;
  std::deque<event_record> events_;
};

nlohmann::json to_json(const event_record& e);

}  // namespace hayloft::orchestrator::controller_detail
