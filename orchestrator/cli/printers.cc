#include "orchestrator/cli/printers.h"

#include <algorithm>
#include <cctype>

#include "orchestrator/objects/quantity.h"

namespace hayloft::orchestrator::cli {
namespace {

std::string str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
const json& sub(const json& j, const char* key) {
  static const json null;
  return j.is_object() && j.contains(key) ? j[key] : null;
}
std::string num(const json& j, const char* key) {
  const json& v = sub(j, key);
  return v.is_number() ? std::to_string(v.get<long long>()) : std::string();
}
long long num_or(const json& j, const char* key, long long fallback) {
  const json& v = sub(j, key);
  return v.is_number() ? v.get<long long>() : fallback;
}
std::string name_of(const json& o) { return str(sub(o, "metadata"), "name"); }
std::string age_of(const json& o, core::time_point now) { return age(str(sub(o, "metadata"), "creationTimestamp"), now); }

std::string canonical(const json& q) {
  if (q.is_null()) return "<unknown>";
  if (auto m = objects::quantity_milli(q)) return objects::format_milli(*m);
  return q.is_string() ? q.get<std::string>() : q.dump();
}

std::string condition(const json& o, const char* type) {
  for (const auto& c : sub(sub(o, "status"), "conditions"))
    if (str(c, "type") == type) return str(c, "status");
  return "";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string labels_selector(const json& m) {
  std::vector<std::string> parts;
  if (m.is_object())
    for (const auto& [k, v] : m.items()) parts.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
  return parts.empty() ? "<none>" : join(parts, ",");
}

}  // namespace

std::string pod_status(const json& pod) {
  const json& st = sub(pod, "status");
  std::string reason = str(st, "phase");
  if (!str(st, "reason").empty()) reason = str(st, "reason");
  bool has_running = false;
  const json& cs = sub(st, "containerStatuses");
  if (cs.is_array()) {
    for (auto it = cs.rbegin(); it != cs.rend(); ++it) {
      const json& state = sub(*it, "state");
      const json& waiting = sub(state, "waiting");
      const json& terminated = sub(state, "terminated");
      if (waiting.is_object() && !str(waiting, "reason").empty()) {
        reason = str(waiting, "reason");
      } else if (terminated.is_object() && !str(terminated, "reason").empty()) {
        reason = str(terminated, "reason");
      } else if (terminated.is_object()) {
        reason = num_or(terminated, "signal", 0) != 0 ? "Signal:" + num(terminated, "signal")
                                                      : "ExitCode:" + num(terminated, "exitCode");
      } else if (sub(*it, "ready").is_boolean() && sub(*it, "ready").get<bool>() && sub(state, "running").is_object()) {
        has_running = true;
      }
    }
  }
  if (reason == "Completed" && has_running) reason = condition(pod, "Ready") == "True" ? "Running" : "NotReady";
  if (sub(sub(pod, "metadata"), "deletionTimestamp").is_string()) reason = "Terminating";
  return reason;
}

std::string pod_ready(const json& pod) {
  const json& cs = sub(sub(pod, "status"), "containerStatuses");
  std::size_t total = sub(sub(pod, "spec"), "containers").size(), ready = 0;
  if (cs.is_array())
    for (const auto& c : cs)
      if (sub(c, "ready").is_boolean() && sub(c, "ready").get<bool>() && sub(sub(c, "state"), "running").is_object()) ++ready;
  return std::to_string(ready) + "/" + std::to_string(total);
}

std::string pod_restarts(const json& pod, core::time_point now) {
  long long restarts = 0;
  std::string last;
  core::time_point last_t{};
  for (const auto& c : sub(sub(pod, "status"), "containerStatuses")) {
    restarts += num_or(c, "restartCount", 0);
    std::string finished = str(sub(sub(c, "lastState"), "terminated"), "finishedAt");
    core::time_point t;
    if (!finished.empty() && core::parse_iso8601(finished, t) && (last.empty() || t > last_t)) {
      last = finished;
      last_t = t;
    }
  }
  std::string out = std::to_string(restarts);
  if (restarts > 0 && !last.empty()) out += " (" + age(last, now) + " ago)";
  return out;
}

std::string hpa_targets(const json& hpa) {
  const json& specs = sub(sub(hpa, "spec"), "metrics");
  const json& statuses = sub(sub(hpa, "status"), "currentMetrics");
  if (!specs.is_array() || specs.empty()) return "<none>";
  std::vector<std::string> list;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const json& spec = specs[i];
    const json status = statuses.is_array() && i < statuses.size() ? statuses[i] : json();
    std::string type = str(spec, "type");
    if (type == "External") {
      const json& target = sub(sub(spec, "external"), "target");
      const json& current = sub(sub(sub(status, "external"), "current"), target.contains("averageValue") ? "averageValue" : "value");
      std::string cur = current.is_null() ? "<unknown>" : canonical(current);
      if (target.contains("averageValue"))
        list.push_back(cur + "/" + canonical(target["averageValue"]) + " (avg)");
      else
        list.push_back(cur + "/" + canonical(sub(target, "value")));
    } else if (type == "Pods") {
      const json& current = sub(sub(sub(status, "pods"), "current"), "averageValue");
      list.push_back((current.is_null() ? "<unknown>" : canonical(current)) + "/" +
                     canonical(sub(sub(sub(spec, "pods"), "target"), "averageValue")));
    } else if (type == "Resource") {
      const json& r = sub(spec, "resource");
      const json& target = sub(r, "target");
      const json& current = sub(sub(status, "resource"), "current");
      if (target.contains("averageValue")) {
        const json& cur = sub(current, "averageValue");
        list.push_back(str(r, "name") + ": " + (cur.is_null() ? "<unknown>" : canonical(cur)) + "/" +
                       canonical(target["averageValue"]));
      } else {
        const json& cur = sub(current, "averageUtilization");
        std::string t = target.contains("averageUtilization") ? num(target, "averageUtilization") + "%" : "<auto>";
        list.push_back(str(r, "name") + ": " + (cur.is_number() ? std::to_string(cur.get<long long>()) + "%" : "<unknown>") +
                       "/" + t);
      }
    } else {
      list.push_back("<unknown>/<unknown>");
    }
  }
  if (list.size() > 2) {
    std::size_t more = list.size() - 2;
    list.resize(2);
    return join(list, ", ") + " + " + std::to_string(more) + " more...";
  }
  return join(list, ", ");
}

std::string service_external_ip(const json& svc) {
  // kubectl's getServiceExternalIP (pkg/printers/internalversion/printers.go).
  const json& spec = sub(svc, "spec");
  std::string type = str(spec, "type");
  std::vector<std::string> external;
  for (const auto& ip : sub(spec, "externalIPs"))
    if (ip.is_string()) external.push_back(ip.get<std::string>());
  if (type == "ExternalName") return str(spec, "externalName");
  if (type == "LoadBalancer") {
    std::vector<std::string> lb;
    for (const auto& in : sub(sub(sub(svc, "status"), "loadBalancer"), "ingress")) {
      if (!str(in, "ip").empty()) lb.push_back(str(in, "ip"));
      else if (!str(in, "hostname").empty()) lb.push_back(str(in, "hostname"));
    }
    lb.insert(lb.end(), external.begin(), external.end());
    return lb.empty() ? "<pending>" : join(lb, ",");
  }
  return external.empty() ? "<none>" : join(external, ",");
}

std::string service_ports(const json& svc) {
  // makePortString: "80/TCP", "80:31234/TCP" with a nodePort.
  std::vector<std::string> parts;
  for (const auto& p : sub(sub(svc, "spec"), "ports")) {
    std::string proto = str(p, "protocol").empty() ? "TCP" : str(p, "protocol");
    long long np = num_or(p, "nodePort", 0);
    parts.push_back(num(p, "port") + (np > 0 ? ":" + std::to_string(np) : "") + "/" + proto);
  }
  return parts.empty() ? "<none>" : join(parts, ",");
}

std::string endpoints_text(const json& ep) {
  // formatEndpoints: ip:port for each subset, port and ready address; at most 3, then "+ N more...".
  std::vector<std::string> list;
  std::size_t count = 0;
  for (const auto& s : sub(ep, "subsets")) {
    for (const auto& p : sub(s, "ports"))
      for (const auto& a : sub(s, "addresses")) {
        ++count;
        if (list.size() < 3) list.push_back(str(a, "ip") + ":" + num(p, "port"));
      }
  }
  if (count == 0) return "<none>";
  std::string out = join(list, ",");
  if (count > list.size()) out += " + " + std::to_string(count - list.size()) + " more...";
  return out;
}

std::vector<std::vector<std::string>> table_rows(const std::string& kind, const json& items, const printer_options& o) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  auto row_for = [&](const json& it) -> std::vector<std::string> {
    const json& md = sub(it, "metadata");
    const json& spec = sub(it, "spec");
    const json& st = sub(it, "status");
    if (kind == "Pod") {
      std::vector<std::string> r{name_of(it), pod_ready(it), pod_status(it), pod_restarts(it, o.now), age_of(it, o.now)};
      if (o.wide) {
        r.push_back(str(st, "podIP").empty() ? "<none>" : str(st, "podIP"));
        r.push_back(str(spec, "nodeName").empty() ? "<none>" : str(spec, "nodeName"));
        r.push_back("<none>");
        r.push_back("<none>");
      }
      return r;
    }
    if (kind == "Deployment") {
      std::vector<std::string> r{name_of(it), std::to_string(num_or(st, "readyReplicas", 0)) + "/" + std::to_string(num_or(spec, "replicas", 1)),
                                 std::to_string(num_or(st, "updatedReplicas", 0)), std::to_string(num_or(st, "availableReplicas", 0)),
                                 age_of(it, o.now)};
      if (o.wide) {
        std::vector<std::string> names, images;
        for (const auto& c : sub(sub(sub(spec, "template"), "spec"), "containers")) {
          names.push_back(str(c, "name"));
          images.push_back(str(c, "image"));
        }
        r.push_back(join(names, ","));
        r.push_back(join(images, ","));
        r.push_back(labels_selector(sub(sub(spec, "selector"), "matchLabels")));
      }
      return r;
    }
    if (kind == "ReplicaSet")
      return {name_of(it), num(spec, "replicas"), std::to_string(num_or(st, "replicas", 0)),
              std::to_string(num_or(st, "readyReplicas", 0)), age_of(it, o.now)};
    if (kind == "HorizontalPodAutoscaler") {
      const json& ref = sub(spec, "scaleTargetRef");
      return {name_of(it), str(ref, "kind") + "/" + str(ref, "name"), hpa_targets(it),
              std::to_string(num_or(spec, "minReplicas", 1)), num(spec, "maxReplicas"),
              std::to_string(num_or(st, "currentReplicas", 0)), age_of(it, o.now)};
    }
    if (kind == "ScaledObject") {
      std::vector<std::string> types, auths;
      for (const auto& t : sub(spec, "triggers")) {
        types.push_back(str(t, "type"));
        if (sub(t, "authenticationRef").is_object()) auths.push_back(str(t["authenticationRef"], "name"));
      }
      return {name_of(it), str(st, "scaleTargetKind"), str(sub(spec, "scaleTargetRef"), "name"), num(spec, "minReplicaCount"),
              num(spec, "maxReplicaCount"), join(types, ","), join(auths, ","), condition(it, "Ready"),
              condition(it, "Active"), condition(it, "Fallback"), condition(it, "Paused"), age_of(it, o.now)};
    }
    if (kind == "TriggerAuthentication") {
      std::vector<std::string> secrets, env;
      for (const auto& s : sub(spec, "secretTargetRef")) secrets.push_back(str(s, "name"));
      for (const auto& e : sub(spec, "env")) env.push_back(str(e, "name"));
      return {name_of(it), str(sub(spec, "podIdentity"), "provider"), join(secrets, ","), join(env, ","),
              str(sub(spec, "hashiCorpVault"), "address"), age_of(it, o.now)};
    }
    if (kind == "Service") {
      std::vector<std::string> r{name_of(it), str(spec, "type").empty() ? "ClusterIP" : str(spec, "type"),
                                 str(spec, "clusterIP").empty() ? "<none>" : str(spec, "clusterIP"), service_external_ip(it),
                                 service_ports(it), age_of(it, o.now)};
      if (o.wide) r.push_back(labels_selector(sub(spec, "selector")));
      return r;
    }
    if (kind == "Endpoints") return {name_of(it), endpoints_text(it), age_of(it, o.now)};
    if (kind == "Secret")
      return {name_of(it), str(it, "type").empty() ? "Opaque" : str(it, "type"), std::to_string(sub(it, "data").size()),
              age_of(it, o.now)};
    if (kind == "ConfigMap") return {name_of(it), std::to_string(sub(it, "data").size()), age_of(it, o.now)};
    if (kind == "Namespace") return {name_of(it), str(st, "phase").empty() ? "Active" : str(st, "phase"), age_of(it, o.now)};
    if (kind == "Event") {
      const json& obj = sub(it, "involvedObject");
      std::string k = str(obj, "kind");
      std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return {age(str(it, "lastTimestamp"), o.now), str(it, "type"), str(it, "reason"), k + "/" + str(obj, "name"),
              str(it, "message")};
    }
    (void)md;
    return {name_of(it), age_of(it, o.now)};
  };
  if (kind == "Pod") {
    header = {"NAME", "READY", "STATUS", "RESTARTS", "AGE"};
    if (o.wide) header.insert(header.end(), {"IP", "NODE", "NOMINATED NODE", "READINESS GATES"});
  } else if (kind == "Deployment") {
    header = {"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"};
    if (o.wide) header.insert(header.end(), {"CONTAINERS", "IMAGES", "SELECTOR"});
  } else if (kind == "ReplicaSet") {
    header = {"NAME", "DESIRED", "CURRENT", "READY", "AGE"};
  } else if (kind == "HorizontalPodAutoscaler") {
    header = {"NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"};
  } else if (kind == "ScaledObject") {
    header = {"NAME", "SCALETARGETKIND", "SCALETARGETNAME", "MIN", "MAX", "TRIGGERS", "AUTHENTICATION",
              "READY", "ACTIVE", "FALLBACK", "PAUSED", "AGE"};
  } else if (kind == "TriggerAuthentication") {
    header = {"NAME", "PODIDENTITY", "SECRET", "ENV", "VAULTADDRESS", "AGE"};
  } else if (kind == "Service") {
    header = {"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"};
    if (o.wide) header.push_back("SELECTOR");
  } else if (kind == "Endpoints") {
    header = {"NAME", "ENDPOINTS", "AGE"};
  } else if (kind == "Secret") {
    header = {"NAME", "TYPE", "DATA", "AGE"};
  } else if (kind == "ConfigMap") {
    header = {"NAME", "DATA", "AGE"};
  } else if (kind == "Namespace") {
    header = {"NAME", "STATUS", "AGE"};
  } else if (kind == "Event") {
    header = {"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"};
  } else {
    header = {"NAME", "AGE"};
  }
  if (o.with_namespace) header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  for (const auto& it : items) {
    auto r = row_for(it);
    if (o.with_namespace) r.insert(r.begin(), str(sub(it, "metadata"), "namespace"));
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace hayloft::orchestrator::cli
