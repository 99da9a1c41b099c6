// Container ports and probes (core/v1 Container.ports, readinessProbe, livenessProbe,
// startupProbe): the API server's defaulting (SetDefaults_Probe, SetDefaults_HTTPGetAction,
// SetDefaults_ContainerPort) and validation (validateContainerPorts, validateProbe,
// validateHandler, ValidatePortNumOrName in pkg/apis/core/validation/validation.go) with its
// messages, plus warnings for what hayloft does not run.
#include <algorithm>
#include <cctype>
#include <set>

#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {

std::vector<std::string> port_name_errors(std::string_view name) {
  // k8s.io/apimachinery/pkg/util/validation IsValidPortName (IANA_SVC_NAME).
  std::vector<std::string> out;
  if (name.size() > 15) out.push_back("must be no more than 15 characters");
  bool charset = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!charset) out.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (std::none_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    out.push_back("must contain at least one letter (a-z)");
  if (name.find("--") != std::string_view::npos) out.push_back("must not contain consecutive hyphens");
  if (!name.empty() && (name.front() == '-' || name.back() == '-')) out.push_back("must not begin or end with a hyphen");
  return out;
}

namespace {

const char* const port_range = "must be between 1 and 65535, inclusive";

// An int32 field; false (and an error) when present but not an integer.
bool get_int(const json& obj, std::string_view key, const std::string& path, std::int64_t& out, validation& v) {
  if (!obj.contains(key) || obj[key].is_null()) return false;
  const json& x = obj[key];
  if (!x.is_number_integer()) {
    v.invalid(join_path(path, key), x, "must be of type int32");
    return false;
  }
  out = x.get<std::int64_t>();
  return true;
}

// ValidatePortNumOrName: an IntOrString port.
probe_port parse_port_ref(const json& obj, const std::string& path, validation& v) {
  probe_port out;
  std::string pp = join_path(path, "port");
  if (!obj.contains("port") || obj["port"].is_null()) {
    v.required(pp);
    return out;
  }
  const json& p = obj["port"];
  if (p.is_number_integer()) {
    auto n = p.get<std::int64_t>();
    if (n < 1 || n > 65535) v.invalid(pp, p, port_range);
    else out.number = static_cast<std::int32_t>(n);
  } else if (p.is_string()) {
    std::string s = p.get<std::string>();
    auto errs = port_name_errors(s);
    for (auto& e : errs) v.invalid(pp, p, e);
    if (errs.empty()) out.name = s;
  } else {
    v.invalid(pp, p, "must be of type int-or-string");
  }
  return out;
}

bool header_name_ok(const std::string& n) {
  return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

probe_spec parse_probe(const json& p, const std::string& path, std::string_view which, validation& v) {
  probe_spec out;
  v.known_fields(p, path,
                 {"exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                  "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"});
  int handlers = 0;
  for (const char* h : {"exec", "httpGet", "tcpSocket", "grpc"}) {
    if (!p.contains(h) || p[h].is_null()) continue;
    std::string hp = join_path(path, h);
    if (++handlers > 1) {
      v.forbidden(hp, "may not specify more than 1 handler type");
      continue;
    }
    const json& x = p[h];
    if (!x.is_object()) {
      v.invalid(hp, x, "must be of type object");
      continue;
    }
    std::string_view name = h;
    if (name == "exec") {
      out.type = probe_spec::handler::exec;
      v.known_fields(x, hp, {"command"});
      if (x.contains("command") && x["command"].is_array())
        for (std::size_t i = 0; i < x["command"].size(); ++i) {
          if (x["command"][i].is_string()) out.command.push_back(x["command"][i].get<std::string>());
          else v.invalid(index_path(join_path(hp, "command"), i), x["command"][i], "must be of type string");
        }
      if (out.command.empty()) v.required(join_path(hp, "command"));
    } else if (name == "httpGet") {
      out.type = probe_spec::handler::http_get;
      v.known_fields(x, hp, {"path", "port", "host", "scheme", "httpHeaders"});
      if (x.contains("path") && x["path"].is_string() && !x["path"].get<std::string>().empty())
        out.path = x["path"].get<std::string>();
      if (x.contains("host") && x["host"].is_string()) out.host = x["host"].get<std::string>();
      if (x.contains("scheme") && x["scheme"].is_string() && !x["scheme"].get<std::string>().empty())
        out.scheme = x["scheme"].get<std::string>();
      if (out.scheme != "HTTP" && out.scheme != "HTTPS")
        v.unsupported(join_path(hp, "scheme"), out.scheme, {"HTTP", "HTTPS"});
      else if (out.scheme == "HTTPS")
        v.warn(join_path(hp, "scheme") + ": HTTPS probes are not implemented by hayloft; the probe fails");
      if (x.contains("httpHeaders") && x["httpHeaders"].is_array()) {
        const json& hs = x["httpHeaders"];
        for (std::size_t i = 0; i < hs.size(); ++i) {
          std::string ip = index_path(join_path(hp, "httpHeaders"), i);
          std::string n = hs[i].is_object() ? hs[i].value("name", "") : "";
          std::string val = hs[i].is_object() && hs[i].contains("value") && hs[i]["value"].is_string()
                                ? hs[i]["value"].get<std::string>()
                                : "";
          if (!header_name_ok(n))
            v.invalid(join_path(ip, "name"), n,
                      "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name',  "
                      "regex used for validation is '[-A-Za-z0-9]+')");
          else
            out.http_headers.emplace_back(n, val);
        }
      }
      out.port = parse_port_ref(x, hp, v);
    } else if (name == "tcpSocket") {
      out.type = probe_spec::handler::tcp_socket;
      v.known_fields(x, hp, {"port", "host"});
      if (x.contains("host") && x["host"].is_string()) out.host = x["host"].get<std::string>();
      out.port = parse_port_ref(x, hp, v);
    } else {
      out.type = probe_spec::handler::grpc;
      v.known_fields(x, hp, {"port", "service"});
      std::int64_t n = 0;
      if (!get_int(x, "port", hp, n, v)) {
        if (!x.contains("port")) v.required(join_path(hp, "port"));
      } else if (n < 1 || n > 65535) {
        v.invalid(join_path(hp, "port"), x["port"], port_range);
      } else {
        out.port.number = static_cast<std::int32_t>(n);
      }
      v.warn(hp + " probes are not implemented by hayloft; the probe always succeeds");
    }
  }
  if (handlers == 0) v.required(path, "must specify a handler type");
  // SetDefaults_Probe: zero means the default; then ValidateNonnegativeField.
  auto field = [&](std::string_view key, std::int32_t& target, std::int32_t dflt) {
    std::int64_t n = 0;
    if (!get_int(p, key, path, n, v)) return;
    if (n < 0) v.invalid(join_path(path, key), p[key], "must be greater than or equal to 0");
    else if (n > 0x7fffffff) v.invalid(join_path(path, key), p[key], "must be of type int32");
    else target = n == 0 ? dflt : static_cast<std::int32_t>(n);
  };
  field("initialDelaySeconds", out.initial_delay_seconds, 0);
  field("timeoutSeconds", out.timeout_seconds, 1);
  field("periodSeconds", out.period_seconds, 10);
  field("successThreshold", out.success_threshold, 1);
  field("failureThreshold", out.failure_threshold, 3);
  std::int64_t grace = 0;
  if (get_int(p, "terminationGracePeriodSeconds", path, grace, v)) {
    if (which == "readiness")
      v.invalid(join_path(path, "terminationGracePeriodSeconds"), p["terminationGracePeriodSeconds"],
                "must not be set for readinessProbes");
    else if (grace <= 0)
      v.invalid(join_path(path, "terminationGracePeriodSeconds"), p["terminationGracePeriodSeconds"],
                "must be greater than 0");
    else
      out.termination_grace_seconds = grace;
  }
  if (which != "readiness" && out.success_threshold != 1)
    v.invalid(join_path(path, "successThreshold"), out.success_threshold, "must be 1");
  return out;
}

}  // namespace

void parse_container_ports(const json& c, const std::string& path, container_spec& out, validation& v) {
  if (!c.contains("ports") || c["ports"].is_null()) return;
  const json& ports = c["ports"];
  std::string base = join_path(path, "ports");
  if (!ports.is_array()) {
    v.invalid(base, ports, "must be of type array");
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    std::string ip = index_path(base, i);
    const json& p = ports[i];
    if (!p.is_object()) {
      v.invalid(ip, p, "must be of type object");
      continue;
    }
    v.known_fields(p, ip, {"name", "containerPort", "protocol", "hostPort", "hostIP"});
    container_port cp;
    bool ok = true;
    if (p.contains("name") && p["name"].is_string() && !p["name"].get<std::string>().empty()) {
      cp.name = p["name"].get<std::string>();
      auto errs = port_name_errors(cp.name);
      for (auto& e : errs) v.invalid(join_path(ip, "name"), cp.name, e);
      if (!errs.empty()) ok = false;
      else if (!names.insert(cp.name).second) v.duplicate(join_path(ip, "name"), cp.name);
    }
    std::int64_t n = 0;
    if (!p.contains("containerPort") || p["containerPort"].is_null()) {
      v.required(join_path(ip, "containerPort"));
      ok = false;
    } else if (!get_int(p, "containerPort", ip, n, v)) {
      ok = false;
    } else if (n == 0) {
      v.required(join_path(ip, "containerPort"));
      ok = false;
    } else if (n < 1 || n > 65535) {
      v.invalid(join_path(ip, "containerPort"), p["containerPort"], port_range);
      ok = false;
    } else {
      cp.container_port = static_cast<std::int32_t>(n);
    }
    std::int64_t host = 0;
    if (get_int(p, "hostPort", ip, host, v) && host != 0) {
      if (host < 1 || host > 65535) v.invalid(join_path(ip, "hostPort"), p["hostPort"], port_range);
      else v.warn(join_path(ip, "hostPort") + " is not implemented by hayloft and has no effect (each pod gets a free 127.0.0.1 port)");
    }
    if (p.contains("hostIP") && !p["hostIP"].is_null())
      v.warn(join_path(ip, "hostIP") + " is not implemented by hayloft and has no effect");
    if (p.contains("protocol") && !p["protocol"].is_null()) {
      if (!p["protocol"].is_string()) {
        v.invalid(join_path(ip, "protocol"), p["protocol"], "must be of type string");
      } else {
        cp.protocol = p["protocol"].get<std::string>();
        if (cp.protocol.empty()) cp.protocol = "TCP";
        if (cp.protocol != "TCP" && cp.protocol != "UDP" && cp.protocol != "SCTP") {
          v.unsupported(join_path(ip, "protocol"), cp.protocol, {"SCTP", "TCP", "UDP"});
          ok = false;
        }
      }
    }
    if (ok) out.ports.push_back(std::move(cp));
  }
}

void parse_container_probes(const json& c, const std::string& path, container_spec& out, validation& v) {
  auto one = [&](const char* key, std::string_view which, std::optional<probe_spec>& target) {
    if (!c.contains(key) || c[key].is_null()) return;
    std::string pp = join_path(path, key);
    if (!c[key].is_object()) {
      v.invalid(pp, c[key], "must be of type object");
      return;
    }
    target = parse_probe(c[key], pp, which, v);
  };
  one("readinessProbe", "readiness", out.readiness_probe);
  one("livenessProbe", "liveness", out.liveness_probe);
  one("startupProbe", "startup", out.startup_probe);
}

}  // namespace hayloft::orchestrator::objects
