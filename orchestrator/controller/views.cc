// JSON views of the state for get / describe / logs / events, and the gauges for /metrics.
#include <algorithm>

#include "orchestrator/controller/state.h"
#include "orchestrator/errc.h"

namespace hayloft::orchestrator {
namespace {

json waiting_state(const container_rt& c) {
  json w{{"reason", c.waiting_reason}};
  if (!c.waiting_message.empty()) w["message"] = c.waiting_message;
  return {{"waiting", w}};
}

// A probe as the API server serves it (defaults filled in).
json probe_json(const objects::probe_spec& p) {
  auto port = [](const objects::probe_port& pp) { return pp.name.empty() ? json(pp.number) : json(pp.name); };
  json j{{"initialDelaySeconds", p.initial_delay_seconds}, {"timeoutSeconds", p.timeout_seconds},
         {"periodSeconds", p.period_seconds}, {"successThreshold", p.success_threshold},
         {"failureThreshold", p.failure_threshold}};
  if (p.termination_grace_seconds) j["terminationGracePeriodSeconds"] = *p.termination_grace_seconds;
  switch (p.type) {
    case objects::probe_spec::handler::http_get: {
      json h{{"path", p.path}, {"port", port(p.port)}, {"scheme", p.scheme}};
      if (!p.host.empty()) h["host"] = p.host;
      if (!p.http_headers.empty()) {
        h["httpHeaders"] = json::array();
        for (const auto& [n, v] : p.http_headers) h["httpHeaders"].push_back({{"name", n}, {"value", v}});
      }
      j["httpGet"] = h;
      break;
    }
    case objects::probe_spec::handler::tcp_socket:
      j["tcpSocket"] = {{"port", port(p.port)}};
      if (!p.host.empty()) j["tcpSocket"]["host"] = p.host;
      break;
    case objects::probe_spec::handler::exec: j["exec"] = {{"command", p.command}}; break;
    case objects::probe_spec::handler::grpc: j["grpc"] = {{"port", p.port.number}}; break;
  }
  return j;
}

bool ever_started(const pod_rt& p) {
  return std::any_of(p.containers.begin(), p.containers.end(), [](const container_rt& c) {
    return c.state == container_rt::phase::running || c.restarts > 0 || c.last_terminated || c.terminated;
  });
}

}  // namespace

json controller::impl::pod_json(const pod_rt& p) {
  json labels(p.tmpl.labels);
  labels["pod-template-hash"] = p.hash;
  json md{{"name", p.name},
          {"namespace", p.namespace_name},
          {"uid", p.uid},
          {"creationTimestamp", core::iso8601(p.created)},
          {"labels", labels},
          {"ownerReferences", json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                                            {"name", p.deployment + "-" + p.hash}, {"controller", true}}})}};
  if (!p.tmpl.annotations.empty()) md["annotations"] = p.tmpl.annotations;
  if (p.deletion) {
    md["deletionTimestamp"] = core::iso8601(*p.deletion + std::chrono::seconds(p.tmpl.termination_grace_seconds));
    md["deletionGracePeriodSeconds"] = p.tmpl.termination_grace_seconds;
  }
  json containers = json::array(), statuses = json::array();
  bool all_ready = !p.containers.empty();
  for (const auto& c : p.containers) {
    json spec{{"name", c.spec.name}, {"image", c.spec.image}};
    if (!c.spec.command.empty()) spec["command"] = c.spec.command;
    if (!c.spec.args.empty()) spec["args"] = c.spec.args;
    if (!c.spec.env.empty()) {
      json env = json::array();
      for (const auto& e : c.spec.env) {
        json v{{"name", e.name}};
        auto ref = [](const objects::key_selector& k) {
          return json{{"name", k.name}, {"key", k.key}, {"optional", k.optional}};
        };
        if (e.secret_key_ref) v["valueFrom"] = {{"secretKeyRef", ref(*e.secret_key_ref)}};
        else if (e.config_map_key_ref) v["valueFrom"] = {{"configMapKeyRef", ref(*e.config_map_key_ref)}};
        else if (e.field_ref) v["valueFrom"] = {{"fieldRef", {{"fieldPath", *e.field_ref}}}};
        else v["value"] = e.value;
        env.push_back(v);
      }
      spec["env"] = env;
    }
    if (!c.spec.ports.empty()) {
      json ports = json::array();
      for (const auto& cp : c.spec.ports) {
        json pj{{"containerPort", cp.container_port}, {"protocol", cp.protocol}};
        if (!cp.name.empty()) pj["name"] = cp.name;
        ports.push_back(pj);
      }
      spec["ports"] = ports;
    }
    if (c.spec.readiness_probe) spec["readinessProbe"] = probe_json(*c.spec.readiness_probe);
    if (c.spec.liveness_probe) spec["livenessProbe"] = probe_json(*c.spec.liveness_probe);
    if (c.spec.startup_probe) spec["startupProbe"] = probe_json(*c.spec.startup_probe);
    containers.push_back(spec);
    bool ready = container_ready(p, c);
    all_ready = all_ready && ready;
    json st{{"name", c.spec.name}, {"image", c.spec.image}, {"imageID", ""}, {"ready", ready},
            {"restartCount", c.restarts}, {"started", container_started(c)}};
    switch (c.state) {
      case container_rt::phase::running:
        st["state"] = {{"running", {{"startedAt", core::iso8601(c.started_at)}}}};
        break;
      case container_rt::phase::waiting: st["state"] = waiting_state(c); break;
      case container_rt::phase::terminated:
        st["state"] = c.terminated ? json{{"terminated", *c.terminated}} : json{{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}};
        break;
    }
    st["lastState"] = c.last_terminated ? json{{"terminated", *c.last_terminated}} : json::object();
    json runtime{{"kind", c.builtin.empty() ? "process" : "in-process"}};
    if (!c.builtin.empty()) runtime["workload"] = c.builtin;
    if (c.running)
      if (auto pid = c.running->pid()) runtime["pid"] = *pid;
    if (c.cpu_milli) runtime["cpuMillicores"] = *c.cpu_milli;
    if (!c.ports.empty()) {
      json ports = json::array();
      for (const auto& b : c.ports) {
        json pj{{"containerPort", b.container_port}, {"hostIP", "127.0.0.1"}, {"hostPort", b.host_port}};
        if (!b.name.empty()) pj["name"] = b.name;
        ports.push_back(pj);
      }
      runtime["ports"] = ports;
    }
    // The prober's view: probes run for this instance, the current result, the consecutive run.
    json probes = json::object();
    for (auto [which, key] : {std::pair{readiness_probe, "readiness"}, std::pair{liveness_probe, "liveness"},
                              std::pair{startup_probe, "startup"}}) {
      const auto& spec = which == readiness_probe ? c.spec.readiness_probe
                         : which == liveness_probe ? c.spec.liveness_probe
                                                   : c.spec.startup_probe;
      if (!spec) continue;
      const probe_rt& pr = c.probes[which];
      json pj{{"probes", pr.probes}, {"consecutive", pr.run}};
      pj["result"] = pr.result ? json(*pr.result ? "Success" : "Failure") : json();
      if (pr.last) pj["last"] = *pr.last ? "Success" : "Failure";
      probes[key] = pj;
    }
    if (!probes.empty()) runtime["probes"] = probes;
    st["hayloft"] = runtime;
    statuses.push_back(st);
  }
  std::string phase = ever_started(p) ? "Running" : "Pending";
  json status{{"phase", phase},
              {"hostIP", "127.0.0.1"},
              {"podIP", "127.0.0.1"},
              {"qosClass", "BestEffort"},
              {"containerStatuses", statuses},
              {"conditions", json::array({{{"type", "PodScheduled"}, {"status", "True"}},
                                          {{"type", "Initialized"}, {"status", "True"}},
                                          {{"type", "ContainersReady"}, {"status", all_ready ? "True" : "False"}},
                                          {{"type", "Ready"}, {"status", all_ready ? "True" : "False"}}})}};
  if (p.start_time) status["startTime"] = core::iso8601(*p.start_time);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", md},
          {"spec", {{"containers", containers}, {"nodeName", "hayloft"}, {"restartPolicy", "Always"},
                    {"terminationGracePeriodSeconds", p.tmpl.termination_grace_seconds}}},
          {"status", status}};
}

json controller::impl::deployment_status(const ns_name& d) {
  auto it = deployments.find(d);
  if (it == deployments.end()) return json::object();
  std::int32_t replicas = 0, updated = 0, ready = 0;
  for (auto* p : pods_of(d)) {
    ++replicas;
    if (p->hash == it->second.hash) ++updated;
    if (pod_ready(*p)) ++ready;
  }
  json st = json::object();
  auto* o = find(objects::kind::deployment, d.first, d.second);
  if (o) st["observedGeneration"] = o->obj["metadata"].value("generation", 1);
  // omitempty, as the API server serialises DeploymentStatus.
  if (replicas) st["replicas"] = replicas;
  if (updated) st["updatedReplicas"] = updated;
  if (ready) st["readyReplicas"] = ready;
  if (ready) st["availableReplicas"] = ready;
  std::int32_t unavailable = std::max(0, it->second.spec.replicas - ready);
  if (unavailable) st["unavailableReplicas"] = unavailable;
  bool available = ready >= it->second.spec.replicas;
  st["conditions"] = json::array(
      {{{"type", "Available"}, {"status", available ? "True" : "False"},
        {"reason", available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"},
        {"message", available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."}},
       {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"},
        {"message", "ReplicaSet \"" + d.second + "-" + it->second.hash + "\" has successfully progressed."}}});
  return st;
}

json controller::impl::object_json(const object_key& k) {
  auto it = objects.find(k);
  if (it == objects.end()) return json();
  json obj = it->second.obj;
  if (k.kind == objects::kind::deployment) obj["status"] = deployment_status({k.namespace_name, k.name});
  if (k.kind == objects::kind::service) return service_json(k);
  return obj;
}

json controller::impl::list(objects::kind k, const std::string& ns) {
  json items = json::array();
  bool all = ns == "*";
  if (k == objects::kind::pod) {
    for (const auto& [key, p] : pods)
      if (all || key.first == ns) items.push_back(pod_json(*p));
    return items;
  }
  if (k == objects::kind::replica_set) {
    for (const auto& [key, d] : deployments) {
      if (!all && key.first != ns) continue;
      std::int32_t have = 0, ready = 0;
      for (auto* p : pods_of(key))
        if (p->hash == d.hash) {
          ++have;
          ready += pod_ready(*p) ? 1 : 0;
        }
      json labels(d.spec.tmpl.labels);
      labels["pod-template-hash"] = d.hash;
      auto* o = find(objects::kind::deployment, key.first, key.second);
      json st{{"replicas", have}, {"fullyLabeledReplicas", have}};
      if (ready) st["readyReplicas"] = st["availableReplicas"] = ready;
      items.push_back({{"apiVersion", "apps/v1"},
                       {"kind", "ReplicaSet"},
                       {"metadata", {{"name", key.second + "-" + d.hash}, {"namespace", key.first}, {"labels", labels},
                                     {"creationTimestamp", o ? o->obj["metadata"].value("creationTimestamp", "") : ""},
                                     {"ownerReferences", json::array({{{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                                                                       {"name", key.second}, {"controller", true}}})}}},
                       {"spec", {{"replicas", d.spec.replicas}, {"selector", {{"matchLabels", d.spec.selector}}}}},
                       {"status", st}});
    }
    return items;
  }
  if (k == objects::kind::event) {
    for (const auto& e : events.list(all ? "" : ns, "", "")) items.push_back(controller_detail::to_json(e));
    return items;
  }
  if (k == objects::kind::endpoints) {
    for (const auto& [key, _] : services)
      if (all || key.first == ns) items.push_back(endpoints_json(key));
    return items;
  }
  if (k == objects::kind::endpoint_slice) {
    for (const auto& [key, _] : services)
      if (all || key.first == ns)
        for (auto& slice : endpoint_slices_json(key)) items.push_back(std::move(slice));
    return items;
  }
  for (const auto& [key, _] : objects)
    if (key.kind == k && (all || !objects::info(k).namespaced || key.namespace_name == ns)) items.push_back(object_json(key));
  return items;
}

result<json> controller::get(const std::string& kind, const std::string& ns_in, const std::string& name) {
  auto k = objects::kind_from_word(kind);
  if (!k) return error{make_error_code(errc::bad_request), "the server doesn't have a resource type \"" + kind + "\""};
  std::string ns = ns_in.empty() ? "default" : ns_in;
  std::lock_guard lock(impl_->mutex);
  std::string now = now_iso(impl_->clock);
  if (name.empty())
    return json{{"kind", objects::info(*k).name}, {"resource", objects::qualified_plural(*k)}, {"namespaced", objects::info(*k).namespaced},
                {"namespace", ns}, {"items", impl_->list(*k, ns)}, {"now", now}};
  if (ns == "*") return error{make_error_code(errc::bad_request), "a resource cannot be retrieved by name across all namespaces"};
  json obj;
  if (*k == objects::kind::pod) {
    auto it = impl_->pods.find({ns, name});
    if (it != impl_->pods.end()) obj = impl_->pod_json(*it->second);
  } else if (*k == objects::kind::endpoints) {
    obj = impl_->endpoints_json({ns, name});
  } else if (*k == objects::kind::replica_set || *k == objects::kind::event || *k == objects::kind::endpoint_slice) {
    for (auto& item : impl_->list(*k, ns))
      if (item["metadata"].value("name", "") == name) obj = item;
  } else {
    obj = impl_->object_json(object_key{*k, objects::info(*k).namespaced ? ns : "", name});
  }
  if (obj.is_null()) return not_found(*k, name);
  return json{{"kind", objects::info(*k).name}, {"resource", objects::qualified_plural(*k)}, {"object", obj}, {"now", now}};
}

result<json> controller::describe(const std::string& kind, const std::string& ns, const std::string& name) {
  auto g = get(kind, ns, name);
  if (!g) return g;
  std::lock_guard lock(impl_->mutex);
  json& obj = (*g)["object"];
  json events = json::array();
  for (const auto& e : impl_->events.list(obj["metadata"].value("namespace", ""), obj.value("kind", ""), name))
    events.push_back(controller_detail::to_json(e));
  (*g)["events"] = events;
  if (obj.value("kind", "") == "Deployment") {
    json pods = json::array();
    for (auto* p : impl_->pods_of({obj["metadata"].value("namespace", ""), name})) pods.push_back(impl_->pod_json(*p));
    (*g)["pods"] = pods;
  }
  if (obj.value("kind", "") == "ScaledObject")
    (*g)["scaleLoop"] = impl_->scale_loop_json({obj["metadata"].value("namespace", ""), name});
  if (obj.value("kind", "") == "Service") (*g)["endpoints"] = impl_->endpoints_json({obj["metadata"].value("namespace", ""), name});
  return g;
}

result<json> controller::logs(const log_query& q) {
  std::string ns = q.namespace_name.empty() ? "default" : q.namespace_name;
  std::lock_guard lock(impl_->mutex);
  pod_rt* pod = nullptr;
  std::size_t found = 0;
  if (!q.deployment.empty()) {
    if (!impl_->deployments.count({ns, q.deployment})) return not_found(objects::kind::deployment, q.deployment);
    auto candidates = impl_->pods_of({ns, q.deployment});
    found = candidates.size();
    // kubectl's ByLogging order: ready first, then the oldest.
    std::stable_sort(candidates.begin(), candidates.end(), [&](pod_rt* a, pod_rt* b) {
      bool ra = impl_->pod_ready(*a), rb = impl_->pod_ready(*b);
      if (ra != rb) return ra;
      return a->created < b->created;
    });
    if (candidates.empty())
      return error{make_error_code(errc::not_found), "no pods found for deployment.apps/" + q.deployment};
    pod = candidates.front();
  } else {
    auto it = impl_->pods.find({ns, q.pod});
    if (it == impl_->pods.end()) return not_found(objects::kind::pod, q.pod);
    pod = it->second.get();
  }
  const container_rt* c = nullptr;
  bool defaulted = false;
  if (q.container.empty()) {
    c = &pod->containers.front();
    defaulted = pod->containers.size() > 1;
  } else {
    for (const auto& cc : pod->containers)
      if (cc.spec.name == q.container) c = &cc;
    if (!c)
      return error{make_error_code(errc::bad_request), "container " + q.container + " is not valid for pod " + pod->name};
  }
  pods::log_file::chunk chunk;
  if (q.previous) {
    // The kubelet keeps the last terminated instance's log; without a restart there is none.
    if (!c->previous_log)
      return error{make_error_code(errc::bad_request),
                   "previous terminated container \"" + c->spec.name + "\" in pod \"" + pod->name + "\" not found"};
    chunk = c->log->read_range(c->previous_log->first, c->previous_log->second, q.tail);
  } else {
    chunk = q.since_offset ? c->log->read(*q.since_offset)
            : q.tail       ? c->log->tail(*q.tail)
                           : c->log->read(0, 64 << 20);
  }
  json containers = json::array();
  for (const auto& cc : pod->containers) containers.push_back(cc.spec.name);
  return json{{"namespace", ns},
              {"pod", pod->name},
              {"container", c->spec.name},
              {"containers", containers},
              {"defaulted", defaulted},
              {"podsFound", found},
              {"data", chunk.data},
              {"offset", chunk.next_offset},
              {"end", c->log->end_offset()},
              {"running", !q.previous && c->state == container_rt::phase::running && !pod->deletion}};
}

result<json> controller::events(const std::string& ns_in, const std::string& kind, const std::string& name) {
  std::string ns = ns_in.empty() ? "default" : ns_in;
  std::string kind_name;
  if (!kind.empty()) {
    auto k = objects::kind_from_word(kind);
    if (!k) return error{make_error_code(errc::bad_request), "the server doesn't have a resource type \"" + kind + "\""};
    kind_name = objects::info(*k).name;
  }
  std::lock_guard lock(impl_->mutex);
  json items = json::array();
  for (const auto& e : impl_->events.list(ns, kind_name, name)) items.push_back(controller_detail::to_json(e));
  return json{{"kind", "Event"}, {"resource", "events"}, {"namespaced", true}, {"namespace", ns}, {"items", items},
              {"now", now_iso(impl_->clock)}};
}

std::vector<gauge> controller::gauges() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<gauge> out;
  for (const auto& [key, d] : impl_->deployments) {
    label_set l{{"namespace", key.first}, {"deployment", key.second}};
    out.push_back({"hayloft_deployment_spec_replicas", l, static_cast<double>(d.spec.replicas)});
    double ready = 0, total = 0;
    for (auto* p : impl_->pods_of(key)) {
      ++total;
      ready += impl_->pod_ready(*p) ? 1 : 0;
    }
    out.push_back({"hayloft_deployment_status_replicas", l, total});
    out.push_back({"hayloft_deployment_status_ready_replicas", l, ready});
  }
  for (const auto& [key, h] : impl_->hpas) {
    label_set l{{"namespace", key.first}, {"horizontalpodautoscaler", key.second}};
    out.push_back({"hayloft_hpa_status_desired_replicas", l, static_cast<double>(h.desired_replicas)});
    out.push_back({"hayloft_hpa_status_current_replicas", l, static_cast<double>(h.current_replicas)});
    out.push_back({"hayloft_hpa_spec_max_replicas", l, static_cast<double>(h.spec.max_replicas)});
    out.push_back({"hayloft_hpa_spec_min_replicas", l, static_cast<double>(h.spec.min_replicas)});
  }
  for (const auto& [key, so] : impl_->scaled_objects) {
    for (std::size_t i = 0; i < so.scalers.size(); ++i) {
      const auto& s = so.scalers[i];
      if (s.metric_name.empty()) continue;
      label_set l{{"namespace", key.first}, {"scaledObject", key.second}, {"scaler", s.trigger_name},
                  {"triggerIndex", std::to_string(i)}, {"metric", s.metric_name}};
      if (s.value) out.push_back({"keda_scaler_metrics_value", l, *s.value});
      out.push_back({"keda_scaler_active", l, s.active ? 1.0 : 0.0});
      out.push_back({"keda_scaler_error", l, s.error.empty() ? 0.0 : 1.0});
    }
    label_set l{{"namespace", key.first}, {"scaledObject", key.second}};
    out.push_back({"keda_scaled_object_paused", l, so.status.paused.status == "True" ? 1.0 : 0.0});
  }
  return out;
}

}  // namespace hayloft::orchestrator
