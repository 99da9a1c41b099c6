#include "orchestrator/cli/describe.h"

#include <algorithm>
#include <cctype>

#include "emulator/core/hash.h"
#include "orchestrator/cli/printers.h"
#include "orchestrator/objects/quantity.h"

namespace hayloft::orchestrator::cli {
namespace {

const json& sub(const json& j, const char* key) {
  static const json null;
  return j.is_object() && j.contains(key) ? j[key] : null;
}
std::string str(const json& j, const char* key) {
  const json& v = sub(j, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Lines with "Key:" and a value; consecutive lines at the same indentation are aligned like
// kubectl's tabwriter (two spaces after the longest key).
class doc {
 public:
  void kv(int indent, const std::string& key, const std::string& value) { lines_.push_back({indent, key + ":", value, true}); }
  void line(int indent, const std::string& text) { lines_.push_back({indent, text, "", false}); }
  void table(int indent, const std::vector<std::vector<std::string>>& rows) {
    std::string t = render_table_narrow(rows);
    std::size_t pos = 0;
    while (pos < t.size()) {
      auto nl = t.find('\n', pos);
      line(indent, t.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  std::string str() const {
    std::string out;
    for (std::size_t i = 0; i < lines_.size();) {
      std::size_t j = i, width = 0;
      while (j < lines_.size() && lines_[j].kv && lines_[j].indent == lines_[i].indent) width = std::max(width, lines_[j++].key.size());
      if (j == i) {
        out += std::string(static_cast<std::size_t>(lines_[i].indent), ' ') + lines_[i].key + "\n";
        ++i;
        continue;
      }
      for (; i < j; ++i) {
        const auto& l = lines_[i];
        std::string s = std::string(static_cast<std::size_t>(l.indent), ' ') + l.key;
        if (!l.value.empty()) s += std::string(width - l.key.size() + 2, ' ') + l.value;
        out += s + "\n";
      }
    }
    return out;
  }

 private:
  static std::string render_table_narrow(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
      for (std::size_t i = 0; i + 1 < r.size(); ++i) {
        if (width.size() <= i) width.resize(i + 1, 0);
        width[i] = std::max(width[i], r[i].size());
      }
    std::string out;
    for (const auto& r : rows) {
      std::string s;
      for (std::size_t i = 0; i < r.size(); ++i) {
        s += r[i];
        if (i + 1 < r.size()) s.append(width[i] + 2 - r[i].size(), ' ');
      }
      out += s + "\n";
    }
    return out;
  }
  struct entry {
    int indent;
    std::string key, value;
    bool kv;
  };
  std::vector<entry> lines_;
};

std::string rfc1123z(const std::string& iso) {
  core::time_point t;
  if (!core::parse_iso8601(iso, t)) return iso;
  std::string s = core::http_date(t);
  if (s.size() > 4 && s.compare(s.size() - 4, 4, " GMT") == 0) s.replace(s.size() - 4, 4, " +0000");
  return s;
}

std::string map_text(const json& m, const char* sep = "=") {
  if (!m.is_object() || m.empty()) return "<none>";
  std::string out;
  for (const auto& [k, v] : m.items()) out += (out.empty() ? "" : "\n") + k + sep + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

void multiline_kv(doc& d, int indent, const std::string& key, const std::string& value) {
  std::size_t nl = value.find('\n');
  d.kv(indent, key, value.substr(0, nl));
  while (nl != std::string::npos) {
    std::size_t next = value.find('\n', nl + 1);
    // Continuation lines sit under the value column; approximate with the key's width.
    d.line(indent + static_cast<int>(key.size()) + 3, value.substr(nl + 1, next - nl - 1));
    nl = next;
  }
}

void meta(doc& d, const json& obj, bool namespaced) {
  const json& md = sub(obj, "metadata");
  d.kv(0, "Name", str(md, "name"));
  if (namespaced) d.kv(0, "Namespace", str(md, "namespace"));
  multiline_kv(d, 0, "Labels", map_text(sub(md, "labels")));
  multiline_kv(d, 0, "Annotations", map_text(sub(md, "annotations"), ": "));
}

void events(doc& d, const json& evs, core::time_point now) {
  if (!evs.is_array() || evs.empty()) {
    d.kv(0, "Events", "<none>");
    return;
  }
  d.line(0, "Events:");
  std::vector<std::vector<std::string>> rows{{"Type", "Reason", "Age", "From", "Message"},
                                             {"----", "------", "----", "----", "-------"}};
  for (const auto& e : evs) {
    std::string a = age(str(e, "lastTimestamp"), now);
    if (sub(e, "count").is_number() && e["count"].get<int>() > 1)
      a += " (x" + std::to_string(e["count"].get<int>()) + " over " + age(str(e, "firstTimestamp"), now) + ")";
    rows.push_back({str(e, "type"), str(e, "reason"), a, str(sub(e, "source"), "component"), str(e, "message")});
  }
  d.table(2, rows);
}

// hayloft's view of KEDA's scale loop (kubectl prints nothing like it: the operator keeps it in
// memory): when it polls, the last active poll, and when an inactive target may be scaled in.
void scale_loop(doc& d, const json& loop, core::time_point now) {
  if (!loop.is_object()) return;
  auto when = [&](const char* key) {
    std::string t = str(loop, key);
    if (t.empty()) return std::string("<none>");
    core::time_point at;
    if (!core::parse_iso8601(t, at)) return t;
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(at - now);
    if (secs.count() > 0) return t + " (in " + human_duration(secs) + ")";
    if (secs.count() < 0) return t + " (" + human_duration(-secs) + " ago)";
    return t + " (now)";
  };
  d.line(0, "Scale Loop (hayloft):");
  d.kv(2, "Polling Interval", str(loop, "pollingInterval") + "s");
  d.kv(2, "Last Poll", when("lastPoll"));
  d.kv(2, "Next Poll", when("nextPoll"));
  const bool never_active = str(loop, "lastActiveTime").empty();
  d.kv(2, "Last Active Poll", never_active ? "<none> (no trigger active since creation)" : when("lastActiveTime"));
  d.kv(2, "Cooldown Ends", when("cooldownEnds") + (never_active ? ", creationTimestamp + initialCooldownPeriod " +
                                                                      str(loop, "initialCooldownPeriod") + "s"
                                                                : ", lastActiveTime + cooldownPeriod " +
                                                                      str(loop, "cooldownPeriod") + "s"));
  std::string state = str(loop, "activeReason");
  if (state == "ScalerCooldown") state += ": an inactive target is scaled in at the first poll from Cooldown Ends";
  d.kv(2, "Active", str(loop, "active") + (state.empty() ? "" : " (" + state + ")"));
}

// camelCase -> "Camel Case", as kubectl labels unstructured fields.
std::string smart_label(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (i == 0) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      continue;
    }
    bool upper = std::isupper(static_cast<unsigned char>(c));
    bool prev_lower = std::islower(static_cast<unsigned char>(key[i - 1]));
    bool next_lower = i + 1 < key.size() && std::islower(static_cast<unsigned char>(key[i + 1]));
    if (upper && (prev_lower || (next_lower && std::isupper(static_cast<unsigned char>(key[i - 1]))))) out.push_back(' ');
    out.push_back(c);
  }
  return out;
}

void unstructured(doc& d, int indent, const json& v) {
  if (v.is_object()) {
    for (const auto& [k, val] : v.items()) {
      if (val.is_object() || val.is_array()) {
        d.line(indent, smart_label(k) + ":");
        unstructured(d, indent + 2, val);
      } else {
        d.kv(indent, smart_label(k), val.is_string() ? val.get<std::string>() : val.dump());
      }
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_object()) {
        unstructured(d, indent + 2, item);
      } else {
        d.line(indent + 2, item.is_string() ? item.get<std::string>() : item.dump());
      }
    }
  }
}

// kubectl's DescribeProbe: "http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3".
std::string probe_text(const json& p) {
  auto num = [&](const char* k) { return sub(p, k).is_number() ? p[k].dump() : std::string("0"); };
  auto port = [](const json& x) { return x.is_string() ? x.get<std::string>() : x.dump(); };
  std::string attrs = "delay=" + num("initialDelaySeconds") + "s timeout=" + num("timeoutSeconds") + "s period=" +
                      num("periodSeconds") + "s #success=" + num("successThreshold") + " #failure=" +
                      num("failureThreshold");
  if (sub(p, "exec").is_object()) {
    std::string cmd;
    for (const auto& a : sub(p["exec"], "command")) cmd += (cmd.empty() ? "" : " ") + a.get<std::string>();
    return "exec [" + cmd + "] " + attrs;
  }
  if (sub(p, "httpGet").is_object()) {
    const json& h = p["httpGet"];
    std::string scheme = str(h, "scheme");
    for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return "http-get " + scheme + "://" + str(h, "host") + ":" + port(sub(h, "port")) + str(h, "path") + " " + attrs;
  }
  if (sub(p, "tcpSocket").is_object())
    return "tcp-socket " + str(p["tcpSocket"], "host") + ":" + port(sub(p["tcpSocket"], "port")) + " " + attrs;
  if (sub(p, "grpc").is_object()) return "grpc <pod>:" + port(sub(p["grpc"], "port")) + "  " + attrs;
  return "unknown " + attrs;
}

void container_lines(doc& d, const json& c, const json& status, core::time_point now) {
  d.line(3, str(c, "name") + ":");
  d.kv(4, "Image", str(c, "image"));
  if (sub(c, "ports").is_array() && !c["ports"].empty()) {
    // kubectl's Port/Ports line, with the 127.0.0.1 port hayloft bound each one to.
    const json& bound = sub(sub(status, "hayloft"), "ports");
    std::string text;
    for (const auto& p : c["ports"]) {
      std::string one = sub(p, "containerPort").dump() + "/" + str(p, "protocol");
      for (const auto& b : bound)
        if (sub(b, "containerPort") == sub(p, "containerPort"))
          one += " -> " + str(b, "hostIP") + ":" + sub(b, "hostPort").dump();
      text += (text.empty() ? "" : ", ") + one;
    }
    d.kv(4, c["ports"].size() == 1 ? "Port" : "Ports", text);
  }
  if (sub(c, "command").is_array()) {
    d.line(4, "Command:");
    for (const auto& a : c["command"]) d.line(6, a.get<std::string>());
  }
  if (sub(c, "args").is_array()) {
    d.line(4, "Args:");
    for (const auto& a : c["args"]) d.line(6, a.get<std::string>());
  }
  if (status.is_object()) {
    const json& state = sub(status, "state");
    auto state_lines = [&](const char* key, const json& s) {
      if (sub(s, "running").is_object()) {
        d.kv(4, key, "Running");
        d.kv(6, "Started", rfc1123z(str(s["running"], "startedAt")));
      } else if (sub(s, "waiting").is_object()) {
        d.kv(4, key, "Waiting");
        d.kv(6, "Reason", str(s["waiting"], "reason"));
        if (!str(s["waiting"], "message").empty()) d.kv(6, "Message", str(s["waiting"], "message"));
      } else if (sub(s, "terminated").is_object()) {
        const json& t = s["terminated"];
        d.kv(4, key, "Terminated");
        d.kv(6, "Reason", str(t, "reason"));
        if (!str(t, "message").empty()) d.kv(6, "Message", str(t, "message"));
        d.kv(6, "Exit Code", str(t, "exitCode"));
        d.kv(6, "Started", rfc1123z(str(t, "startedAt")));
        d.kv(6, "Finished", rfc1123z(str(t, "finishedAt")));
      } else {
        d.kv(4, key, "");
      }
    };
    state_lines("State", state);
    if (sub(status, "lastState").is_object() && !status["lastState"].empty()) state_lines("Last State", status["lastState"]);
    d.kv(4, "Ready", sub(status, "ready").is_boolean() && status["ready"].get<bool>() ? "True" : "False");
    d.kv(4, "Restart Count", str(status, "restartCount"));
    for (const auto& [key, label] : {std::pair{"livenessProbe", "Liveness"}, std::pair{"readinessProbe", "Readiness"},
                                     std::pair{"startupProbe", "Startup"}})
      if (sub(c, key).is_object()) d.kv(4, label, probe_text(c[key]));
    const json& rt = sub(status, "hayloft");
    d.kv(4, "Runtime", str(rt, "kind") + (str(rt, "workload").empty() ? "" : " (" + str(rt, "workload") + ")") +
                           (sub(rt, "pid").is_number() ? ", pid " + str(rt, "pid") : ""));
  }
  const json& env = sub(c, "env");
  if (env.is_array() && !env.empty()) {
    d.line(4, "Environment:");
    for (const auto& e : env) {
      std::string value = str(e, "value");
      const json& vf = sub(e, "valueFrom");
      if (sub(vf, "secretKeyRef").is_object())
        value = "<set to the key '" + str(vf["secretKeyRef"], "key") + "' in secret '" + str(vf["secretKeyRef"], "name") +
                "'>  Optional: " + (sub(vf["secretKeyRef"], "optional").is_boolean() && vf["secretKeyRef"]["optional"].get<bool>() ? "true" : "false");
      else if (sub(vf, "configMapKeyRef").is_object())
        value = "<set to the key '" + str(vf["configMapKeyRef"], "key") + "' of config map '" +
                str(vf["configMapKeyRef"], "name") + "'>";
      d.kv(6, str(e, "name"), value);
    }
  } else {
    d.kv(4, "Environment", "<none>");
  }
  (void)now;
}

}  // namespace

std::string render_describe(const json& described) {
  const json& obj = sub(described, "object");
  core::time_point now;
  core::parse_iso8601(str(described, "now"), now);
  std::string kind = str(obj, "kind");
  doc d;
  const json& md = sub(obj, "metadata");
  const json& spec = sub(obj, "spec");
  const json& st = sub(obj, "status");
  if (kind == "Pod") {
    d.kv(0, "Name", str(md, "name"));
    d.kv(0, "Namespace", str(md, "namespace"));
    d.kv(0, "Priority", "0");
    d.kv(0, "Node", str(spec, "nodeName") + "/" + str(st, "hostIP"));
    if (!str(st, "startTime").empty()) d.kv(0, "Start Time", rfc1123z(str(st, "startTime")));
    multiline_kv(d, 0, "Labels", map_text(sub(md, "labels")));
    multiline_kv(d, 0, "Annotations", map_text(sub(md, "annotations"), ": "));
    d.kv(0, "Status", sub(md, "deletionTimestamp").is_string() ? "Terminating (lasts " + age(str(md, "deletionTimestamp"), now) + ")"
                                                              : str(st, "phase"));
    d.kv(0, "IP", str(st, "podIP"));
    for (const auto& ref : sub(md, "ownerReferences")) d.kv(0, "Controlled By", str(ref, "kind") + "/" + str(ref, "name"));
    d.line(0, "Containers:");
    const json& statuses = sub(st, "containerStatuses");
    for (const auto& c : sub(spec, "containers")) {
      json status;
      for (const auto& s : statuses)
        if (str(s, "name") == str(c, "name")) status = s;
      container_lines(d, c, status, now);
    }
    d.line(0, "Conditions:");
    std::vector<std::vector<std::string>> rows{{"Type", "Status"}};
    for (const auto& c : sub(st, "conditions")) rows.push_back({str(c, "type"), str(c, "status")});
    d.table(2, rows);
  } else if (kind == "Deployment") {
    meta(d, obj, true);
    d.kv(0, "CreationTimestamp", rfc1123z(str(md, "creationTimestamp")));
    d.kv(0, "Selector", map_text(sub(sub(spec, "selector"), "matchLabels")));
    long long want = sub(spec, "replicas").is_number() ? spec["replicas"].get<long long>() : 1;
    auto n = [&](const char* k) { return sub(st, k).is_number() ? st[k].get<long long>() : 0; };
    d.kv(0, "Replicas", std::to_string(want) + " desired | " + std::to_string(n("updatedReplicas")) + " updated | " +
                            std::to_string(n("replicas")) + " total | " + std::to_string(n("availableReplicas")) +
                            " available | " + std::to_string(n("unavailableReplicas")) + " unavailable");
    d.kv(0, "StrategyType", str(sub(spec, "strategy"), "type").empty() ? "RollingUpdate" : str(spec["strategy"], "type"));
    d.line(0, "Pod Template:");
    const json& tmpl = sub(spec, "template");
    d.kv(2, "Labels", map_text(sub(sub(tmpl, "metadata"), "labels")));
    d.line(2, "Containers:");
    for (const auto& c : sub(sub(tmpl, "spec"), "containers")) container_lines(d, c, json(), now);
    d.line(0, "Conditions:");
    std::vector<std::vector<std::string>> rows{{"Type", "Status", "Reason"}, {"----", "------", "------"}};
    for (const auto& c : sub(st, "conditions")) rows.push_back({str(c, "type"), str(c, "status"), str(c, "reason")});
    d.table(2, rows);
    std::vector<std::string> pods;
    for (const auto& p : sub(described, "pods")) pods.push_back(str(sub(p, "metadata"), "name") + " (" + pod_status(p) + ")");
    std::string list;
    for (const auto& p : pods) list += (list.empty() ? "" : ", ") + p;
    d.kv(0, "Pods", list.empty() ? "<none>" : list);
  } else if (kind == "HorizontalPodAutoscaler") {
    meta(d, obj, true);
    d.kv(0, "CreationTimestamp", rfc1123z(str(md, "creationTimestamp")));
    d.kv(0, "Reference", str(sub(spec, "scaleTargetRef"), "kind") + "/" + str(sub(spec, "scaleTargetRef"), "name"));
    d.line(0, "Metrics:  ( current / target )");
    const json& metrics = sub(spec, "metrics");
    const json& current = sub(st, "currentMetrics");
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      json single = obj;
      single["spec"]["metrics"] = json::array({metrics[i]});
      single["status"]["currentMetrics"] = current.is_array() && i < current.size() ? json::array({current[i]}) : json::array();
      std::string target = hpa_targets(single);
      std::string type = str(metrics[i], "type");
      std::string label;
      if (type == "External") label = "\"" + str(sub(sub(metrics[i], "external"), "metric"), "name") + "\" (target " +
                                      (sub(sub(sub(metrics[i], "external"), "target"), "averageValue").is_null() ? "value" : "average value") + ")";
      else if (type == "Resource") label = "resource " + str(sub(metrics[i], "resource"), "name") + " on pods";
      else label = type;
      auto slash = target.find('/');
      d.kv(2, label, slash == std::string::npos ? target : target.substr(0, slash) + " / " + target.substr(slash + 1));
    }
    d.kv(0, "Min replicas", sub(spec, "minReplicas").is_number() ? str(spec, "minReplicas") : "1");
    d.kv(0, "Max replicas", str(spec, "maxReplicas"));
    if (sub(spec, "behavior").is_object()) {
      d.line(0, "Behavior:");
      unstructured(d, 2, spec["behavior"]);
    }
    d.kv(0, str(sub(spec, "scaleTargetRef"), "kind") + " pods",
         str(st, "currentReplicas") + " current / " + str(st, "desiredReplicas") + " desired");
    d.line(0, "Conditions:");
    std::vector<std::vector<std::string>> rows{{"Type", "Status", "Reason", "Message"}, {"----", "------", "------", "-------"}};
    for (const auto& c : sub(st, "conditions"))
      rows.push_back({str(c, "type"), str(c, "status"), str(c, "reason"), str(c, "message")});
    d.table(2, rows);
  } else if (kind == "Service") {
    // kubectl's describeService (pkg/describe/describe.go).
    meta(d, obj, true);
    d.kv(0, "Selector", map_text(sub(spec, "selector")));
    d.kv(0, "Type", str(spec, "type"));
    if (!str(spec, "ipFamilyPolicy").empty()) d.kv(0, "IP Family Policy", str(spec, "ipFamilyPolicy"));
    std::vector<std::string> fams;
    for (const auto& f : sub(spec, "ipFamilies")) fams.push_back(f.get<std::string>());
    if (!fams.empty()) {
      std::string f;
      for (const auto& x : fams) f += (f.empty() ? "" : ",") + x;
      d.kv(0, "IP Families", f);
    }
    if (!str(spec, "clusterIP").empty()) {
      d.kv(0, "IP", str(spec, "clusterIP"));
      d.kv(0, "IPs", str(spec, "clusterIP"));
    }
    if (str(spec, "type") == "ExternalName") d.kv(0, "External Name", str(spec, "externalName"));
    std::vector<std::string> ingress;
    for (const auto& in : sub(sub(st, "loadBalancer"), "ingress"))
      ingress.push_back(str(in, "ip") + (str(in, "ipMode").empty() ? "" : " (" + str(in, "ipMode") + ")"));
    if (!ingress.empty()) {
      std::string l;
      for (const auto& x : ingress) l += (l.empty() ? "" : ", ") + x;
      d.kv(0, "LoadBalancer Ingress", l);
    }
    const json& ep = sub(described, "endpoints");
    for (const auto& p : sub(spec, "ports")) {
      std::string name = str(p, "name").empty() ? "<unset>" : str(p, "name");
      std::string proto = str(p, "protocol").empty() ? "TCP" : str(p, "protocol");
      d.kv(0, "Port", name + "  " + std::to_string(sub(p, "port").get<long long>()) + "/" + proto);
      const json& tp = sub(p, "targetPort");
      d.kv(0, "TargetPort", (tp.is_string() ? tp.get<std::string>() : std::to_string(tp.is_number() ? tp.get<long long>() : 0)) + "/" + proto);
      if (sub(p, "nodePort").is_number())
        d.kv(0, "NodePort", name + "  " + std::to_string(p["nodePort"].get<long long>()) + "/" + proto);
      // formatEndpoints restricted to this port's name.
      std::vector<std::string> addrs;
      for (const auto& s : sub(ep, "subsets"))
        for (const auto& sp : sub(s, "ports"))
          if (str(sp, "name") == str(p, "name"))
            for (const auto& a : sub(s, "addresses")) addrs.push_back(str(a, "ip") + ":" + std::to_string(sp["port"].get<long long>()));
      std::string e;
      for (const auto& x : addrs) e += (e.empty() ? "" : ",") + x;
      if (str(spec, "type") != "ExternalName") d.kv(0, "Endpoints", e);
    }
    d.kv(0, "Session Affinity", str(spec, "sessionAffinity").empty() ? "None" : str(spec, "sessionAffinity"));
    if (!str(spec, "externalTrafficPolicy").empty()) d.kv(0, "External Traffic Policy", str(spec, "externalTrafficPolicy"));
    if (!str(spec, "internalTrafficPolicy").empty()) d.kv(0, "Internal Traffic Policy", str(spec, "internalTrafficPolicy"));
  } else if (kind == "Secret") {
    meta(d, obj, true);
    d.line(0, "");
    d.kv(0, "Type", str(obj, "type"));
    d.line(0, "");
    d.line(0, "Data");
    d.line(0, "====");
    const json& data = sub(obj, "data");
    if (data.is_object()) {
      for (const auto& [k, v] : data.items()) {
        std::string decoded;
        core::base64_decode(v.is_string() ? v.get<std::string>() : std::string(), decoded);
        d.kv(0, k, std::to_string(decoded.size()) + " bytes");
      }
    }
  } else {
    // Unstructured objects (KEDA's CRDs, ConfigMaps, Namespaces) as kubectl prints them.
    meta(d, obj, sub(md, "namespace").is_string());
    d.kv(0, "API Version", str(obj, "apiVersion"));
    d.kv(0, "Kind", kind);
    json rest = obj;
    rest.erase("apiVersion");
    rest.erase("kind");
    json m = rest["metadata"];
    for (const char* k : {"name", "namespace", "labels", "annotations"}) m.erase(k);
    rest["metadata"] = m;
    unstructured(d, 0, rest);
  }
  if (kind == "ScaledObject") scale_loop(d, sub(described, "scaleLoop"), now);
  events(d, sub(described, "events"), now);
  return d.str();
}

}  // namespace hayloft::orchestrator::cli
