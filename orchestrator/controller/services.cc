// Services: clusterIP and nodePort allocation, endpoints (the Ready pods a selector matches, each
// port resolved to the host port the pod listens on), and the snapshots the Service proxy and
// port-forward read. See orchestrator/services/README.md.
#include <algorithm>
#include <set>

#include "emulator/core/hash.h"
#include "orchestrator/controller/state.h"
#include "orchestrator/errc.h"
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator {
namespace {

constexpr std::int32_t node_port_min = 30000, node_port_max = 32767;

std::uint32_t fnv(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// k3s' default service CIDR 10.43.0.0/16; .0.1 is the `kubernetes` Service's.
std::string cluster_ip_of(std::uint32_t n) {
  std::uint32_t host = 2 + n % (65536 - 3);
  return "10.43." + std::to_string(host / 256) + "." + std::to_string(host % 256);
}

bool selector_matches(const objects::label_map& selector, const objects::label_map& labels) {
  if (selector.empty()) return false;  // a Service without a selector has no managed endpoints
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

error invalid_service(const std::string& name, const std::string& cause) {
  return {make_error_code(errc::invalid), "The Service \"" + name + "\" is invalid: " + cause};
}

}  // namespace

std::optional<error> controller::impl::allocate_service(const std::string& ns, const std::string& name, json& obj,
                                                        const json* live) {
  json& spec = obj["spec"];
  std::string type = spec.value("type", "ClusterIP");
  // Every allocation of the other Services.
  std::set<std::string> ips;
  std::set<std::int32_t> node_ports;
  for (const auto& [k, so] : objects) {
    if (k.kind != objects::kind::service || (k.namespace_name == ns && k.name == name)) continue;
    const json& s = so.obj["spec"];
    if (s.contains("clusterIP") && s["clusterIP"].is_string()) ips.insert(s["clusterIP"].get<std::string>());
    if (s.contains("ports") && s["ports"].is_array())
      for (const auto& p : s["ports"])
        if (p.contains("nodePort") && p["nodePort"].is_number_integer()) node_ports.insert(p["nodePort"].get<std::int32_t>());
  }
  // clusterIP: immutable once set; allocated when absent.
  std::string live_ip = live && (*live)["spec"].contains("clusterIP") ? (*live)["spec"].value("clusterIP", "") : "";
  std::string ip = spec.contains("clusterIP") && spec["clusterIP"].is_string() ? spec["clusterIP"].get<std::string>() : "";
  if (type == "ExternalName") {
    spec.erase("clusterIP");
    spec.erase("clusterIPs");
  } else {
    if (!live_ip.empty() && !ip.empty() && ip != live_ip)
      return invalid_service(name, "spec.clusterIPs[0]: Invalid value: []string{\"" + ip + "\"}: may not change once set");
    if (ip.empty()) ip = live_ip;
    if (ip.empty()) {
      std::uint32_t h = fnv(ns + "/" + name);
      for (std::uint32_t i = 0; i < 65536; ++i) {
        std::string c = cluster_ip_of(h + i);
        if (!ips.count(c)) {
          ip = c;
          break;
        }
      }
    } else if (ip != "None" && ip != live_ip && ips.count(ip)) {
      return invalid_service(name, "spec.clusterIPs: Invalid value: []string{\"" + ip + "\"}: failed to allocate IP " + ip +
                                       ": provided IP is already allocated");
    }
    spec["clusterIP"] = ip;
    spec["clusterIPs"] = json::array({ip});
    if (ip != "None") {
      spec["ipFamilies"] = json::array({"IPv4"});
      spec["ipFamilyPolicy"] = "SingleStack";
    }
  }
  // nodePorts: NodePort and LoadBalancer; kept across updates (matched by port and protocol, as
  // the API server's service REST storage does), wiped when the type no longer needs them.
  bool wants = type == "NodePort" || type == "LoadBalancer";
  if (!spec.contains("ports") || !spec["ports"].is_array()) return std::nullopt;
  json& ports = spec["ports"];
  std::set<std::int32_t> mine;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    json& p = ports[i];
    std::string path = "spec.ports[" + std::to_string(i) + "].nodePort";
    if (!wants) {
      p.erase("nodePort");
      continue;
    }
    std::int32_t np = p.contains("nodePort") && p["nodePort"].is_number_integer() ? p["nodePort"].get<std::int32_t>() : 0;
    if (np == 0 && live && (*live)["spec"].contains("ports"))
      for (const auto& lp : (*live)["spec"]["ports"])
        if (lp.value("port", 0) == p.value("port", 0) && lp.value("protocol", "TCP") == p.value("protocol", "TCP"))
          np = lp.value("nodePort", 0);
    if (np != 0) {
      if (np < node_port_min || np > node_port_max)
        return invalid_service(name, path + ": Invalid value: " + std::to_string(np) +
                                         ": provided port is not in the valid range. The range of valid ports is 30000-32767");
      if (node_ports.count(np) || mine.count(np))
        return invalid_service(name, path + ": Invalid value: " + std::to_string(np) + ": provided port is already allocated");
    } else {
      std::uint32_t h = fnv(ns + "/" + name + "/" + std::to_string(i));
      constexpr std::uint32_t span = node_port_max - node_port_min + 1;
      for (std::uint32_t j = 0; j < span; ++j) {
        std::int32_t c = node_port_min + static_cast<std::int32_t>((h + j) % span);
        if (!node_ports.count(c) && !mine.count(c)) {
          np = c;
          break;
        }
      }
      if (np == 0) return error{make_error_code(errc::internal), "Internal error occurred: failed to allocate a nodePort: range is full"};
    }
    mine.insert(np);
    p["nodePort"] = np;
  }
  return std::nullopt;
}

std::uint16_t controller::impl::pod_host_port(const pod_rt& pod, std::int32_t number, const std::string& name) const {
  for (const auto& c : pod.containers) {
    for (const auto& b : c.ports)
      if ((name.empty() && b.container_port == number) || (!name.empty() && b.name == name)) return b.host_port;
    // No binding recorded (the container declares no ports, or has not started): a process pod
    // shares the host's network, so it listens on the container port itself.
    for (const auto& p : c.spec.ports)
      if ((name.empty() && p.container_port == number) || (!name.empty() && p.name == name))
        return static_cast<std::uint16_t>(p.container_port);
  }
  if (name.empty() && number > 0 && number < 65536) return static_cast<std::uint16_t>(number);
  return 0;
}

std::vector<service_endpoint> controller::impl::service_endpoints(const std::string& ns, const objects::service_spec& spec,
                                                                  const objects::service_port& port, bool ready) {
  std::vector<service_endpoint> out;
  for (const auto& [key, p] : pods) {
    if (key.first != ns || p->deletion) continue;
    objects::label_map labels = p->tmpl.labels;
    labels["pod-template-hash"] = p->hash;
    if (!selector_matches(spec.selector, labels)) continue;
    if (pod_ready(*p) != ready) continue;
    std::uint16_t hp = pod_host_port(*p, port.target_port, port.target_port_name);
    if (hp) out.push_back({key.second, hp});
  }
  return out;
}

json controller::impl::endpoints_json(const ns_name& svc) {
  auto it = services.find(svc);
  auto* so = find(objects::kind::service, svc.first, svc.second);
  if (it == services.end() || !so) return json();
  json md{{"name", svc.second}, {"namespace", svc.first},
          {"creationTimestamp", so->obj["metadata"].value("creationTimestamp", "")}};
  if (so->obj["metadata"].contains("labels")) md["labels"] = so->obj["metadata"]["labels"];
  // Every pod listens on its own host port, so each pod is its own subset (the API server groups
  // addresses sharing a port set; here no two share one).
  std::map<std::string, json> subsets;
  auto uid_of = [&](const std::string& pod) {
    auto p = pods.find({svc.first, pod});
    return p == pods.end() ? std::string() : p->second->uid;
  };
  for (bool ready : {true, false}) {
    for (const auto& port : it->second.ports) {
      if (it->second.type == "ExternalName") continue;
      for (const auto& e : service_endpoints(svc.first, it->second, port, ready)) {
        json& s = subsets[e.pod];
        json addr{{"ip", "127.0.0.1"}, {"nodeName", "hayloft"},
                  {"targetRef", {{"kind", "Pod"}, {"name", e.pod}, {"namespace", svc.first}, {"uid", uid_of(e.pod)}}}};
        const char* list = ready ? "addresses" : "notReadyAddresses";
        if (!s.contains(list)) s[list] = json::array({addr});
        json pj{{"port", e.port}, {"protocol", port.protocol}};
        if (!port.name.empty()) pj["name"] = port.name;
        s["ports"].push_back(pj);
      }
    }
  }
  json out{{"apiVersion", "v1"}, {"kind", "Endpoints"}, {"metadata", md}};
  if (!subsets.empty()) {
    out["subsets"] = json::array();
    for (auto& [_, s] : subsets) out["subsets"].push_back(s);
  }
  return out;
}

json controller::impl::endpoint_slices_json(const ns_name& svc) {
  json out = json::array();
  auto it = services.find(svc);
  auto* so = find(objects::kind::service, svc.first, svc.second);
  if (it == services.end() || !so || it->second.type == "ExternalName") return out;
  // The EndpointSlice controller's shape (pkg/controller/endpointslice): labels
  // kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, conditions
  // ready/serving/terminating, targetRef. The name is stable per service and pod.
  std::map<std::string, json> by_pod;
  for (bool ready : {true, false})
    for (const auto& port : it->second.ports)
      for (const auto& e : service_endpoints(svc.first, it->second, port, ready)) {
        json& s = by_pod[e.pod];
        if (s.is_null()) {
          auto p = pods.find({svc.first, e.pod});
          std::string uid = p == pods.end() ? std::string() : p->second->uid;
          std::string suffix = core::to_hex(core::sha1_raw(svc.second + "/" + e.pod)).substr(0, 5);
          s = {{"apiVersion", "discovery.k8s.io/v1"},
               {"kind", "EndpointSlice"},
               {"metadata",
                {{"name", svc.second + "-" + suffix},
                 {"namespace", svc.first},
                 {"creationTimestamp", so->obj["metadata"].value("creationTimestamp", "")},
                 {"labels", {{"kubernetes.io/service-name", svc.second},
                             {"endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"}}},
                 {"ownerReferences", json::array({{{"apiVersion", "v1"}, {"kind", "Service"}, {"name", svc.second},
                                                   {"uid", so->obj["metadata"].value("uid", "")},
                                                   {"controller", true}, {"blockOwnerDeletion", true}}})}}},
               {"addressType", "IPv4"},
               {"endpoints", json::array({{{"addresses", json::array({"127.0.0.1"})},
                                           {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}},
                                           {"nodeName", "hayloft"},
                                           {"targetRef", {{"kind", "Pod"}, {"name", e.pod}, {"namespace", svc.first},
                                                          {"uid", uid}}}}})},
               {"ports", json::array()}};
        }
        json pj{{"port", e.port}, {"protocol", port.protocol}, {"name", port.name}};
        s["ports"].push_back(pj);
      }
  for (auto& [_, s] : by_pod) out.push_back(std::move(s));
  return out;
}

json controller::impl::service_json(const object_key& k) {
  auto it = objects.find(k);
  if (it == objects.end()) return json();
  json obj = it->second.obj;
  // k3d's servicelb (klipper-lb) reports the node address; hayloft's proxy listens on loopback.
  if (obj["spec"].value("type", "") == "LoadBalancer")
    obj["status"] = {{"loadBalancer", {{"ingress", json::array({{{"ip", "127.0.0.1"}, {"ipMode", "VIP"}}})}}}};
  else
    obj["status"] = {{"loadBalancer", json::object()}};
  return obj;
}

std::vector<service_state> controller::services() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<service_state> out;
  for (const auto& [key, spec] : impl_->services) {
    service_state s{key.first, key.second, spec.type, {}};
    for (const auto& p : spec.ports) {
      service_port_state ps{p.name, p.port, p.node_port, {}};
      if (spec.type != "ExternalName") ps.endpoints = impl_->service_endpoints(key.first, spec, p, true);
      s.ports.push_back(std::move(ps));
    }
    out.push_back(std::move(s));
  }
  return out;
}

result<forward_target> controller::forward_endpoints(const std::string& ns_in, const std::string& target,
                                                                    const std::string& remote) const {
  std::string ns = ns_in.empty() ? "default" : ns_in;
  auto slash = target.find('/');
  std::string word = slash == std::string::npos ? "pod" : target.substr(0, slash);
  std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
  auto k = objects::kind_from_word(word);
  if (!k) return error{make_error_code(errc::bad_request), "the server doesn't have a resource type \"" + word + "\""};
  bool numeric = !remote.empty() && std::all_of(remote.begin(), remote.end(), ::isdigit);
  std::int32_t number = numeric && remote.size() < 6 ? std::stoi(remote) : 0;
  std::lock_guard lock(impl_->mutex);
  forward_target out;
  out.remote = remote;
  if (*k == objects::kind::service) {
    auto it = impl_->services.find({ns, name});
    if (it == impl_->services.end()) return not_found(*k, name);
    for (const auto& p : it->second.ports) {
      if ((numeric && p.port == number) || (!numeric && p.name == remote)) {
        out.remote = p.target_port_name.empty() ? std::to_string(p.target_port) : p.target_port_name;
        out.endpoints = impl_->service_endpoints(ns, it->second, p, true);
        // A named targetPort prints as the pod's container port number, as kubectl resolves it.
        // (Any pod the selector matches will do, Ready or not yet.)
        if (!p.target_port_name.empty())
          for (const auto& [key, pod] : impl_->pods) {
            objects::label_map labels = pod->tmpl.labels;
            labels["pod-template-hash"] = pod->hash;
            if (key.first != ns || !selector_matches(it->second.selector, labels)) continue;
            for (const auto& c : pod->containers)
              for (const auto& cp : c.spec.ports)
                if (cp.name == p.target_port_name) out.remote = std::to_string(cp.container_port);
          }
        return out;
      }
    }
    return error{make_error_code(errc::bad_request),
                 "Service " + name + " does not have a " + (numeric ? "service port " : "named port ") + remote};
  }
  std::vector<const pod_rt*> candidates;
  if (*k == objects::kind::pod) {
    auto it = impl_->pods.find({ns, name});
    if (it == impl_->pods.end()) return not_found(*k, name);
    candidates.push_back(it->second.get());
  } else if (*k == objects::kind::deployment) {
    if (!impl_->deployments.count({ns, name})) return not_found(*k, name);
    for (auto* p : impl_->pods_of({ns, name})) candidates.push_back(p);
  } else {
    return error{make_error_code(errc::bad_request), "cannot attach to " + objects::qualified_plural(*k) + ": not implemented"};
  }
  for (const auto* p : candidates) {
    if (p->deletion || !impl_->pod_ready(*p)) continue;
    std::uint16_t hp = impl_->pod_host_port(*p, number, numeric ? "" : remote);
    if (hp) out.endpoints.push_back({p->name, hp});
  }
  return out;
}

void controller::record_service_event(const std::string& ns, const std::string& name, const std::string& type,
                                      const std::string& reason, const std::string& message) {
  std::lock_guard lock(impl_->mutex);
  impl_->record(objects::kind::service, ns, name, type, reason, "service-proxy", message);
}

}  // namespace hayloft::orchestrator
