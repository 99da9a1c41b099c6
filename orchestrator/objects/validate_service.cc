// Service (core/v1) validation and defaults: the rules of the API server's ValidateService
// (pkg/apis/core/validation) and SetDefaults_Service (pkg/apis/core/v1/defaults.go) that matter
// on one host. Allocation (clusterIP, nodePort) needs the other Services and happens in the
// controller (controller/services.cc).
#include <algorithm>
#include <cctype>
#include <set>

#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {
namespace {

const std::vector<std::string> service_types{"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"};
const std::vector<std::string> protocols{"SCTP", "TCP", "UDP"};

bool valid_port_num(const json& v) { return v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= 65535; }

// validation.IsValidPortName (IANA_SVC_NAME): the messages the API server joins with "; "... it
// reports each failing rule as its own error, as here.
std::vector<std::string> port_name_errors(const std::string& s) {
  std::vector<std::string> errs;
  if (s.size() > 15) errs.push_back("must be no more than 15 characters");
  bool charset = std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; });
  if (!charset) errs.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (s.find("--") != std::string::npos) errs.push_back("must not contain consecutive hyphens");
  if (std::none_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c); }))
    errs.push_back("must contain at least one letter (a-z)");
  if (!s.empty() && (s.front() == '-' || s.back() == '-')) errs.push_back("must not begin or end with a hyphen");
  return errs;
}

bool valid_ipv4(const std::string& s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find('.', i);
    if (j == std::string::npos) j = s.size();
    std::string p = s.substr(i, j - i);
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit) || std::stoi(p) > 255) return false;
    ++parts;
    i = j + 1;
  }
  return parts == 4;
}

}  // namespace

service_spec parse_service(const json& obj, validation& v) {
  service_spec out;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  if (!obj.contains("spec") || !obj["spec"].is_object()) {
    v.required("spec.ports");
    return out;
  }
  const json& spec = obj["spec"];
  v.known_fields(spec, "spec",
                 {"type", "ports", "selector", "clusterIP", "clusterIPs", "externalName", "externalIPs", "sessionAffinity",
                  "sessionAffinityConfig", "loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass",
                  "externalTrafficPolicy", "internalTrafficPolicy", "ipFamilies", "ipFamilyPolicy",
                  "publishNotReadyAddresses", "allocateLoadBalancerNodePorts", "healthCheckNodePort", "trafficDistribution"});
  v.ignored_fields(spec, "spec", {"externalIPs", "loadBalancerSourceRanges", "publishNotReadyAddresses"});
  if (spec.contains("type") && !spec["type"].is_null()) {
    const json& t = spec["type"];
    if (!t.is_string() || std::find(service_types.begin(), service_types.end(), t.get<std::string>()) == service_types.end())
      v.unsupported("spec.type", t, service_types);
    else
      out.type = t.get<std::string>();
  }
  if (spec.contains("clusterIP") && spec["clusterIP"].is_string()) {
    out.cluster_ip = spec["clusterIP"].get<std::string>();
    if (!out.cluster_ip.empty() && out.cluster_ip != "None" && !valid_ipv4(out.cluster_ip))
      v.invalid("spec.clusterIPs[0]", out.cluster_ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
  }
  if (out.type == "ExternalName") {
    if (spec.contains("externalName") && spec["externalName"].is_string()) out.external_name = spec["externalName"].get<std::string>();
    if (out.external_name.empty()) v.required("spec.externalName");
    else if (!is_dns1123_subdomain(out.external_name))
      v.invalid("spec.externalName", out.external_name,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
                "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  if (spec.contains("selector") && spec["selector"].is_object()) {
    for (const auto& [k, val] : spec["selector"].items()) {
      if (!val.is_string()) {
        v.invalid("spec.selector." + k, val, "must be of type string");
        continue;
      }
      out.selector[k] = val.get<std::string>();
    }
  } else if (spec.contains("selector") && !spec["selector"].is_null()) {
    v.invalid("spec.selector", spec["selector"], "must be of type object");
  }
  const json ports = spec.contains("ports") && spec["ports"].is_array() ? spec["ports"] : json::array();
  bool headless = out.cluster_ip == "None";
  if (ports.empty() && !headless && out.type != "ExternalName") v.required("spec.ports");
  std::set<std::string> names;
  std::set<std::pair<std::int32_t, std::string>> seen;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    std::string path = index_path("spec.ports", i);
    const json& p = ports[i];
    if (!p.is_object()) {
      v.invalid(path, p, "must be of type object");
      continue;
    }
    v.known_fields(p, path, {"name", "protocol", "port", "targetPort", "nodePort", "appProtocol"});
    service_port sp;
    if (p.contains("name") && p["name"].is_string()) sp.name = p["name"].get<std::string>();
    if (ports.size() > 1 && sp.name.empty()) {
      v.required(join_path(path, "name"));
    } else if (!sp.name.empty()) {
      if (!is_dns1123_label(sp.name))
        v.invalid(join_path(path, "name"), sp.name,
                  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
                  "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
      else if (!names.insert(sp.name).second)
        v.duplicate(join_path(path, "name"), sp.name);
    }
    if (!p.contains("port") || !valid_port_num(p["port"]))
      v.invalid(join_path(path, "port"), p.contains("port") ? p["port"] : json(0), "must be between 1 and 65535, inclusive");
    else
      sp.port = p["port"].get<std::int32_t>();
    if (p.contains("protocol") && !p["protocol"].is_null()) {
      if (!p["protocol"].is_string() ||
          std::find(protocols.begin(), protocols.end(), p["protocol"].get<std::string>()) == protocols.end())
        v.unsupported(join_path(path, "protocol"), p["protocol"], protocols);
      else
        sp.protocol = p["protocol"].get<std::string>();
    }
    if (sp.protocol != "TCP") v.warn(path + ": protocol " + sp.protocol + " is not proxied by hayloft (TCP/HTTP only)");
    if (!p.contains("targetPort") || p["targetPort"].is_null() ||
        (p["targetPort"].is_number_integer() && p["targetPort"].get<long long>() == 0)) {
      sp.target_port = sp.port;  // SetDefaults_Service
    } else if (p["targetPort"].is_number_integer()) {
      if (!valid_port_num(p["targetPort"]))
        v.invalid(join_path(path, "targetPort"), p["targetPort"], "must be between 1 and 65535, inclusive");
      else
        sp.target_port = p["targetPort"].get<std::int32_t>();
    } else if (p["targetPort"].is_string()) {
      std::string s = p["targetPort"].get<std::string>();
      // A numeric string is an IntOrString holding a string: the API server treats it as a name.
      for (const auto& e : port_name_errors(s)) v.invalid(join_path(path, "targetPort"), s, e);
      sp.target_port_name = s;
    } else {
      v.invalid(join_path(path, "targetPort"), p["targetPort"], "must be an integer or a string");
    }
    if (p.contains("nodePort") && !p["nodePort"].is_null()) {
      const json& np = p["nodePort"];
      if (!np.is_number_integer()) {
        v.invalid(join_path(path, "nodePort"), np, "must be of type integer");
      } else if (np.get<long long>() != 0) {
        if (out.type == "ClusterIP" || out.type == "ExternalName")
          v.forbidden(join_path(path, "nodePort"), "may not be used when `type` is '" + out.type + "'");
        else if (!valid_port_num(np))
          v.invalid(join_path(path, "nodePort"), np, "must be between 1 and 65535, inclusive");
        else
          sp.node_port = np.get<std::int32_t>();
      }
    }
    if (sp.port && !seen.insert({sp.port, sp.protocol}).second)
      v.duplicate(path, json(std::to_string(sp.port) + "/" + sp.protocol));
    out.ports.push_back(std::move(sp));
  }
  return out;
}

}  // namespace hayloft::orchestrator::objects
