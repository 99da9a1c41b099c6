#include "emulator/dashboard/overview.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hayloft::dashboard {
namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number the manifest may spell as a string ("5") or a number (5); fallback otherwise.
std::int64_t integer(const json& j, const char* key, std::int64_t fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_string()) {
    auto s = it->get<std::string>();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return fallback;
}

const json& field(const json& j, const char* key) {
  static const json null_json;
  if (!j.is_object()) return null_json;
  auto it = j.find(key);
  return it == j.end() ? null_json : *it;
}

std::int64_t seconds_since(const std::string& iso, core::time_point now) {
  core::time_point t;
  if (!core::parse_iso8601(iso, t)) return 0;
  return std::max<std::int64_t>(0,
                                std::chrono::duration_cast<std::chrono::seconds>(now - t).count());
}

const queue_figures* find_queue(const std::vector<queue_figures>& queues, const std::string& name) {
  for (const auto& q : queues)
    if (q.name == name) return &q;
  return nullptr;
}

// The first aws-sqs-queue trigger of the ScaledObject targeting this deployment, as the
// dashboard shows it; null when none targets it.
json scaler_for(const snapshot& s, const std::string& ns, const std::string& deployment) {
  for (const auto& so : s.scaled_objects) {
    const auto& md = field(so, "metadata");
    const auto& spec = field(so, "spec");
    const auto& target = field(spec, "scaleTargetRef");
    std::string kind = str(target, "kind");
    if (str(md, "namespace") != ns || str(target, "name") != deployment ||
        (!kind.empty() && kind != "Deployment"))
      continue;
    json out{{"name", str(md, "name")},
             {"type", nullptr},
             {"queue", nullptr},
             {"queue_length", nullptr},
             {"min", integer(spec, "minReplicaCount", 0)},
             {"max", integer(spec, "maxReplicaCount", 100)}};
    const auto& triggers = field(spec, "triggers");
    if (!triggers.is_array() || triggers.empty()) return out;
    const json* chosen = &triggers.front();
    for (const auto& t : triggers)
      if (str(t, "type") == "aws-sqs-queue") {
        chosen = &t;
        break;
      }
    out["type"] = str(*chosen, "type");
    if (out["type"] != "aws-sqs-queue") return out;
    const auto& meta = field(*chosen, "metadata");
    std::string queue = queue_name_from_url(str(meta, "queueURL"));
    out["queue"] = queue;
    out["target"] = integer(meta, "queueLength", 5);
    out["activation"] = integer(meta, "activationQueueLength", 0);
    if (const auto* q = find_queue(s.queues, queue)) {
      bool in_flight = str(meta, "scaleOnInFlight") != "false";
      out["queue_length"] = q->visible + (in_flight ? q->in_flight : 0);
    }
    return out;
  }
  return nullptr;
}

// kubectl's STATUS column: Terminating, else the first container waiting/terminated reason,
// else the phase.
std::string pod_status(const json& pod) {
  if (!str(field(pod, "metadata"), "deletionTimestamp").empty()) return "Terminating";
  const auto& status = field(pod, "status");
  const auto& containers = field(status, "containerStatuses");
  if (containers.is_array())
    for (const auto& c : containers) {
      const auto& state = field(c, "state");
      std::string reason = str(field(state, "waiting"), "reason");
      if (reason.empty()) reason = str(field(state, "terminated"), "reason");
      if (!reason.empty()) return reason;
    }
  std::string phase = str(status, "phase");
  return phase.empty() ? "Unknown" : phase;
}

std::string pod_deployment(const json& pod) {
  const auto& md = field(pod, "metadata");
  std::string hash = str(field(md, "labels"), "pod-template-hash");
  const auto& owners = field(md, "ownerReferences");
  if (owners.is_array())
    for (const auto& o : owners) {
      std::string rs = str(o, "name");
      if (str(o, "kind") == "ReplicaSet" && !hash.empty() && rs.size() > hash.size() + 1 &&
          rs.ends_with("-" + hash))
        return rs.substr(0, rs.size() - hash.size() - 1);
    }
  return {};
}

json pod_row(const json& pod, core::time_point now) {
  const auto& md = field(pod, "metadata");
  std::int64_t ready = 0, total = 0, restarts = 0;
  const auto& containers = field(field(pod, "status"), "containerStatuses");
  if (containers.is_array())
    for (const auto& c : containers) {
      ++total;
      if (field(c, "ready") == true) ++ready;
      restarts += integer(c, "restartCount", 0);
    }
  std::string created = str(md, "creationTimestamp");
  return {{"namespace", str(md, "namespace")},
          {"name", str(md, "name")},
          {"deployment", pod_deployment(pod)},
          {"status", pod_status(pod)},
          {"ready", std::to_string(ready) + "/" + std::to_string(total)},
          {"restarts", restarts},
          {"age_seconds", seconds_since(created, now)},
          {"created", created}};
}

json event_row(const json& e) {
  const auto& obj = field(e, "involvedObject");
  std::string kind = str(obj, "kind");
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string time = str(e, "lastTimestamp");
  if (time.empty()) time = str(e, "firstTimestamp");
  return {{"time", time},
          {"namespace", str(obj, "namespace")},
          {"type", str(e, "type")},
          {"reason", str(e, "reason")},
          {"object", kind.empty() ? str(obj, "name") : kind + "/" + str(obj, "name")},
          {"message", str(e, "message")},
          {"count", integer(e, "count", 1)}};
}

}  // namespace

std::string queue_name_from_url(const std::string& url) {
  auto end = url.find_last_not_of('/');
  if (end == std::string::npos) return {};
  auto start = url.rfind('/', end);
  return url.substr(start == std::string::npos ? 0 : start + 1,
                    end - (start == std::string::npos ? 0 : start + 1) + 1);
}

nlohmann::json build_overview(const snapshot& s, core::time_point now, const overview_options& o) {
  json buckets = json::array();
  for (const auto& b : s.buckets)
    buckets.push_back({{"name", b.name},
                       {"region", b.region},
                       {"created", core::iso8601(b.created)},
                       {"objects", b.objects},
                       {"bytes", b.bytes}});
  json queues = json::array();
  for (const auto& q : s.queues)
    queues.push_back({{"name", q.name},
                      {"visible", q.visible},
                      {"in_flight", q.in_flight},
                      {"delayed", q.delayed}});

  json deployments = json::array();
  for (const auto& d : s.deployments) {
    const auto& md = field(d, "metadata");
    const auto& status = field(d, "status");
    std::string ns = str(md, "namespace"), name = str(md, "name");
    deployments.push_back({{"namespace", ns},
                           {"name", name},
                           {"desired", integer(field(d, "spec"), "replicas", 1)},
                           {"current", integer(status, "replicas", 0)},
                           {"ready", integer(status, "readyReplicas", 0)},
                           {"scaler", scaler_for(s, ns, name)}});
  }
  json pods = json::array();
  for (const auto& p : s.pods) pods.push_back(pod_row(p, now));

  std::vector<json> events;
  for (const auto& e : s.events) events.push_back(event_row(e));
  // Oldest first by last occurrence; ISO 8601 UTC strings compare as times.
  std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
    return a["time"].get<std::string>() < b["time"].get<std::string>();
  });
  if (events.size() > o.max_events)
    events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(o.max_events));

  return {{"now", core::iso8601(now)},
          {"now_ms", core::to_unix_ms(now)},
          {"buckets", std::move(buckets)},
          {"queues", std::move(queues)},
          {"deployments", std::move(deployments)},
          {"pods", std::move(pods)},
          {"events", json(std::move(events))}};
}

std::vector<deployment_point> history_points(const nlohmann::json& overview) {
  std::vector<deployment_point> out;
  const auto& deployments = field(overview, "deployments");
  if (!deployments.is_array()) return out;
  for (const auto& d : deployments) {
    deployment_point p{str(d, "namespace"), str(d, "name"), std::nullopt, integer(d, "current", 0)};
    const auto& scaler = field(d, "scaler");
    const auto& q = field(scaler, "queue_length");
    if (q.is_number_integer()) p.queue_length = q.get<std::int64_t>();
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace hayloft::dashboard
