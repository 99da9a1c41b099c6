// Deployments -> pods and the kubelet's part: environment, container starts, restarts with the
// crash-loop back-off, graceful termination with the grace period.
#include <algorithm>

#include "emulator/core/hash.h"
#include "orchestrator/controller/state.h"
#include "orchestrator/errc.h"
#include "orchestrator/pods/expansion.h"
#include "orchestrator/pods/in_process.h"
#include "orchestrator/pods/ports.h"
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator {
namespace {

// Go's time.Duration.String() for whole seconds: "10s", "1m20s", "5m0s".
std::string go_duration(core::duration d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
}

bool valid_env_name(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

json terminated_json(const pods::exit_info& e, time_point started, time_point finished) {
  json t{{"exitCode", e.exit_code},
         {"reason", e.reason},
         {"startedAt", core::iso8601(started)},
         {"finishedAt", core::iso8601(finished)}};
  if (!e.message.empty()) t["message"] = e.message;
  return t;
}

}  // namespace

std::string controller::impl::image_builtin(const std::string& image) const {
  if (auto it = opts.image_map.find(image); it != opts.image_map.end()) return it->second;
  if (workloads.contains(image)) return image;
  return {};
}

std::vector<pod_rt*> controller::impl::pods_of(const ns_name& d) {
  std::vector<pod_rt*> out;
  for (auto& [key, p] : pods)
    if (key.first == d.first && p->deployment == d.second && !p->deletion) out.push_back(p.get());
  return out;
}

bool controller::impl::pod_ready(const pod_rt& p) const {
  if (p.deletion || p.containers.empty()) return false;
  for (const auto& c : p.containers)
    if (!container_ready(p, c)) return false;
  return true;
}

void controller::impl::request_reconcile(const ns_name& d) {
  if (reconcile_scheduled[d]) return;
  reconcile_scheduled[d] = true;
  schedule_now([d](impl& s) {
    s.reconcile_scheduled[d] = false;
    s.reconcile_deployment(d);
  });
}

void controller::impl::reconcile_deployment(const ns_name& d) {
  auto it = deployments.find(d);
  if (it == deployments.end()) return;
  deployment_rt& dep = it->second;
  std::vector<pod_rt*> current, old;
  for (auto* p : pods_of(d)) (p->hash == dep.hash ? current : old).push_back(p);
  std::vector<pod_rt*> victims = old;
  const std::int32_t have = static_cast<std::int32_t>(current.size());
  const std::int32_t want = dep.spec.replicas;
  const std::string rs = d.second + "-" + dep.hash;
  if (have < want) {
    record(objects::kind::deployment, d.first, d.second, "Normal", "ScalingReplicaSet", "deployment-controller",
           "Scaled up replica set " + rs + " to " + std::to_string(want) + " from " + std::to_string(have), have, want);
    for (std::int32_t i = have; i < want; ++i) create_pod(d, dep);
  } else if (have > want) {
    // The ReplicaSet controller deletes not-ready pods first, then the most recently created.
    std::stable_sort(current.begin(), current.end(), [&](pod_rt* a, pod_rt* b) {
      bool ra = pod_ready(*a), rb = pod_ready(*b);
      if (ra != rb) return !ra;
      return a->created > b->created;
    });
    victims.insert(victims.end(), current.begin(), current.begin() + (have - want));
    record(objects::kind::deployment, d.first, d.second, "Normal", "ScalingReplicaSet", "deployment-controller",
           "Scaled down replica set " + rs + " to " + std::to_string(want) + " from " + std::to_string(have), have, want);
  }
  terminate_pods(victims);
}

void controller::impl::terminate_pods(const std::vector<pod_rt*>& victims) {
  struct pending {
    ns_name pod;
    std::size_t index;
    std::uint64_t instance;
    pods::container* c;
  };
  std::vector<pending> builtins;
  for (auto* p : victims) {
    terminate_pod(*p);
    for (std::size_t i = 0; i < p->containers.size(); ++i) {
      auto& c = p->containers[i];
      if (!c.builtin.empty() && c.running) builtins.push_back({{p->namespace_name, p->name}, i, c.instance, c.running.get()});
    }
  }
  // Built-in workloads usually stop at once: wait a little so that the pods are gone when this
  // loop iteration ends. Exits are handled by key, since handling one may remove its pod.
  auto deadline = std::chrono::steady_clock::now() + opts.workload_stop_wait;
  for (const auto& b : builtins) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (b.c->wait_exit(std::max(left, std::chrono::milliseconds(0)))) on_container_exit(b.pod, b.index, b.instance);
  }
}

void controller::impl::create_pod(const ns_name& d, const deployment_rt& dep) {
  static const std::string alphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string suffix;
  std::string name;
  do {
    suffix.clear();
    for (int i = 0; i < 5; ++i) suffix.push_back(alphanums[rng() % alphanums.size()]);
    name = d.second + "-" + dep.hash + "-" + suffix;
  } while (pods.count({d.first, name}));
  auto p = std::make_unique<pod_rt>();
  p->namespace_name = d.first;
  p->name = name;
  p->uid = new_uid();
  p->deployment = d.second;
  p->hash = dep.hash;
  p->tmpl = dep.spec.tmpl;
  p->created = clock.now();
  for (const auto& c : dep.spec.tmpl.containers) {
    container_rt rt;
    rt.spec = c;
    rt.builtin = image_builtin(c.image);
    rt.log = std::make_shared<pods::log_file>(opts.log_dir / d.first / name / (c.name + ".log"));
    p->containers.push_back(std::move(rt));
  }
  pod_rt& pod = *p;
  pods[{d.first, name}] = std::move(p);
  record(objects::kind::pod, d.first, name, "Normal", "Scheduled", "default-scheduler",
         "Successfully assigned " + d.first + "/" + name + " to hayloft");
  for (std::size_t i = 0; i < pod.containers.size(); ++i) start_container(pod, i);
}

result<std::map<std::string, std::string>> controller::impl::container_env(const std::string& ns,
                                                                           const std::string& pod_name,
                                                                           const std::string& pod_uid,
                                                                           const objects::container_spec& c,
                                                                           const std::map<std::string, std::string>& ports) {
  std::map<std::string, std::string> env = ports;
  // A manifest that sets PORT (or <NAME>_PORT) to a declared containerPort, as written for a real
  // cluster, gets hayloft's host port instead; any other value is the user's choice and wins.
  auto set = [&](const std::string& name, std::string value) {
    if (ports.count(name))
      for (const auto& p : c.ports)
        if (value == std::to_string(p.container_port)) return;
    env[name] = std::move(value);
  };
  auto data_of = [&](objects::kind k, const std::string& name) -> std::optional<std::map<std::string, std::string>> {
    auto* o = find(k, ns, name);
    if (!o) return std::nullopt;
    objects::validation v;
    return k == objects::kind::secret ? objects::parse_secret(o->obj, v) : objects::parse_config_map(o->obj, v);
  };
  for (const auto& src : c.env_from) {
    bool secret = !src.secret_name.empty();
    auto data = data_of(secret ? objects::kind::secret : objects::kind::config_map, secret ? src.secret_name : src.config_map_name);
    if (!data) {
      if (src.optional) continue;
      return error{make_error_code(errc::not_found),
                   std::string(secret ? "secret" : "configmap") + " \"" + (secret ? src.secret_name : src.config_map_name) +
                       "\" not found"};
    }
    for (const auto& [k, v] : *data) {
      std::string name = src.prefix + k;
      if (valid_env_name(name)) set(name, v);
    }
  }
  for (const auto& e : c.env) {
    if (e.secret_key_ref || e.config_map_key_ref) {
      bool secret = e.secret_key_ref.has_value();
      const auto& ref = secret ? *e.secret_key_ref : *e.config_map_key_ref;
      auto data = data_of(secret ? objects::kind::secret : objects::kind::config_map, ref.name);
      if (!data) {
        if (ref.optional) continue;
        return error{make_error_code(errc::not_found),
                     std::string(secret ? "secret" : "configmap") + " \"" + ref.name + "\" not found"};
      }
      auto it = data->find(ref.key);
      if (it == data->end()) {
        if (ref.optional) continue;
        return error{make_error_code(errc::not_found), "couldn't find key " + ref.key + " in " +
                                                           (secret ? "Secret " : "ConfigMap ") + ns + "/" + ref.name};
      }
      set(e.name, it->second);
    } else if (e.field_ref) {
      const std::string& f = *e.field_ref;
      env[e.name] = f == "metadata.name"        ? pod_name
                    : f == "metadata.namespace" ? ns
                    : f == "metadata.uid"       ? pod_uid
                    : f == "spec.nodeName"      ? std::string("hayloft")
                                                : std::string("127.0.0.1");
    } else {
      set(e.name, pods::expand(e.value, env));  // $(VAR) refers to variables defined before
    }
  }
  return env;
}

result<std::map<std::string, std::string>> controller::impl::bind_ports(container_rt& c) {
  // Bound once per pod container and kept across restarts, as a pod keeps its IP.
  if (c.ports.size() != c.spec.ports.size()) {
    c.ports.clear();
    for (const auto& p : c.spec.ports) {
      auto host = pods::free_loopback_port(p.protocol);
      if (!host) return host.err();
      c.ports.push_back({p.name, p.container_port, *host});
    }
  }
  std::map<std::string, std::string> vars;
  if (!c.ports.empty()) vars["PORT"] = std::to_string(c.ports.front().host_port);
  for (const auto& b : c.ports)
    if (!b.name.empty()) vars[pods::port_env_name(b.name)] = std::to_string(b.host_port);
  return vars;
}

void controller::impl::schedule_config_retry() {
  if (config_retry_scheduled) return;
  config_retry_scheduled = true;
  schedule_at(clock.now() + std::chrono::seconds(10), [](impl& s) {
    s.config_retry_scheduled = false;
    s.retry_config_errors();
  });
}

void controller::impl::retry_config_errors() {
  for (auto& [_, p] : pods) {
    if (p->deletion) continue;
    for (std::size_t i = 0; i < p->containers.size(); ++i) {
      auto& c = p->containers[i];
      if (c.state == container_rt::phase::waiting && !c.restart_timer &&
          (c.waiting_reason == "CreateContainerConfigError" || c.waiting_reason == "CreateContainerError"))
        start_container(*p, i);
    }
  }
}

void controller::impl::start_container(pod_rt& pod, std::size_t index) {
  container_rt& c = pod.containers[index];
  const ns_name key{pod.namespace_name, pod.name};
  auto port_vars = bind_ports(c);
  if (!port_vars) {
    c.state = container_rt::phase::waiting;
    c.waiting_reason = "CreateContainerError";
    c.waiting_message = "hayloft: no free 127.0.0.1 port: " + port_vars.err().message;
    record(objects::kind::pod, pod.namespace_name, pod.name, "Warning", "Failed", "kubelet", "Error: " + c.waiting_message);
    schedule_config_retry();
    return;
  }
  auto env = container_env(pod.namespace_name, pod.name, pod.uid, c.spec, *port_vars);
  if (!env) {
    c.state = container_rt::phase::waiting;
    c.waiting_reason = "CreateContainerConfigError";
    c.waiting_message = env.err().message;
    record(objects::kind::pod, pod.namespace_name, pod.name, "Warning", "Failed", "kubelet", "Error: " + env.err().message);
    schedule_config_retry();
    return;
  }
  env->emplace("HOSTNAME", pod.name);
  std::vector<std::string> argv;
  for (const auto& a : c.spec.command) argv.push_back(pods::expand(a, *env));
  for (const auto& a : c.spec.args) argv.push_back(pods::expand(a, *env));
  const std::uint64_t instance = ++c.instance;
  if (c.log) {
    const std::uint64_t end = c.log->end_offset();
    if (instance > 1) c.previous_log = std::pair{c.log_start, end};
    c.log_start = end;
  }
  std::weak_ptr<liveness> life = alive;
  pods::container_callbacks callbacks;
  callbacks.on_exit = [life, key, index, instance] {
    auto l = life.lock();
    if (!l) return;
    l->with([&](impl& self) {
      self.schedule_now([key, index, instance](impl& s) { s.on_container_exit(key, index, instance); });
    });
  };
  if (!c.builtin.empty()) {
    const pods::workload_main* main = workloads.find(c.builtin);
    if (!main) {
      c.state = container_rt::phase::waiting;
      c.waiting_reason = "CreateContainerError";
      c.waiting_message = "hayloft: no built-in workload \"" + c.builtin + "\" is registered";
      schedule_config_retry();
      return;
    }
    pods::pod_context ctx;
    ctx.namespace_name = pod.namespace_name;
    ctx.pod_name = pod.name;
    ctx.container_name = c.spec.name;
    ctx.env = *env;
    ctx.args = argv;
    c.env = *env;
    c.running = pods::start_workload(*main, std::move(ctx), c.log, std::move(callbacks), opts.workload_start_wait);
  } else {
    if (c.spec.command.empty()) {
      c.state = container_rt::phase::waiting;
      c.waiting_reason = "CreateContainerError";
      c.waiting_message = "hayloft: image \"" + c.spec.image +
                          "\" is not a built-in workload and the container has no command to run on the host";
      record(objects::kind::pod, pod.namespace_name, pod.name, "Warning", "Failed", "kubelet", "Error: " + c.waiting_message);
      schedule_config_retry();
      return;
    }
    // Host processes get a usable base environment under the container's own variables.
    std::map<std::string, std::string> penv = *env;
    for (const char* inherit : {"PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "USER"})
      if (const char* v = std::getenv(inherit)) penv.emplace(inherit, v);
    c.env = penv;
    auto started = processes.start({argv, penv, c.spec.working_dir}, c.log, std::move(callbacks));
    if (!started) {
      // The runtime's StartError: counts as an exit, so the back-off applies.
      c.log->append_line("hayloft: " + started.err().message);
      time_point now = clock.now();
      c.last_terminated = terminated_json({128, "StartError", started.err().message}, now, now);
      c.state = container_rt::phase::waiting;
      c.waiting_reason = "RunContainerError";
      c.waiting_message = started.err().message;
      record(objects::kind::pod, pod.namespace_name, pod.name, "Warning", "Failed", "kubelet", "Error: " + started.err().message);
      c.last_exit = now;
      time_point at = c.backoff.restart_at(now, now);
      c.restart_timer = schedule_at(at, [key, index, now](impl& s) {
        auto it = s.pods.find(key);
        if (it == s.pods.end() || it->second->deletion) return;
        auto& cc = it->second->containers[index];
        cc.restart_timer.reset();
        cc.backoff.next(now);
        ++cc.restarts;
        s.start_container(*it->second, index);
      });
      return;
    }
    c.running = std::move(*started);
  }
  c.state = container_rt::phase::running;
  c.started_at = clock.now();
  c.terminated.reset();
  if (!pod.start_time) pod.start_time = c.started_at;
  record(objects::kind::pod, pod.namespace_name, pod.name, "Normal", "Started", "kubelet",
         "Started container " + c.spec.name);
  start_probes(pod, index);
  // A workload that already exited (a crash at start) is handled at the next loop iteration.
}

std::pair<pod_rt*, container_rt*> controller::impl::running_instance(const ns_name& key, std::size_t index,
                                                                     std::uint64_t instance) {
  auto it = pods.find(key);
  if (it == pods.end() || index >= it->second->containers.size()) return {nullptr, nullptr};
  container_rt& c = it->second->containers[index];
  if (c.instance != instance || !c.running) return {it->second.get(), nullptr};
  return {it->second.get(), &c};
}

void controller::impl::on_container_exit(const ns_name& key, std::size_t index, std::uint64_t instance) {
  auto [pod_ptr, c_ptr] = running_instance(key, index, instance);
  if (!c_ptr) return;
  pod_rt& pod = *pod_ptr;
  container_rt& c = *c_ptr;
  auto ex = c.running->exited();
  if (!ex) return;
  time_point now = clock.now();
  json term = terminated_json(*ex, c.started_at, now);
  c.running.reset();
  c.cpu_ns.reset();
  c.cpu_milli.reset();
  stop_probes(c);
  cancel(c.kill_timer);
  c.usage_cpu_ns.reset();
  c.usage_cpu_milli.reset();
  c.usage_memory.reset();
  if (pod.deletion) {
    c.state = container_rt::phase::terminated;
    c.terminated = term;
    bool all = std::all_of(pod.containers.begin(), pod.containers.end(),
                           [](const container_rt& cc) { return !cc.running; });
    if (all) finish_termination(key);
    return;
  }
  c.last_terminated = term;
  c.last_exit = now;
  if (c.backoff.in_backoff_since(now, now)) {
    c.state = container_rt::phase::waiting;
    c.waiting_reason = "CrashLoopBackOff";
    c.waiting_message = "back-off " + go_duration(c.backoff.delay()) + " restarting failed container=" + c.spec.name +
                        " pod=" + pod.name + "_" + pod.namespace_name + "(" + pod.uid + ")";
    record(objects::kind::pod, pod.namespace_name, pod.name, "Warning", "BackOff", "kubelet",
           "Back-off restarting failed container " + c.spec.name + " in pod " + pod.name + "_" + pod.namespace_name +
               "(" + pod.uid + ")");
    c.restart_timer = schedule_at(now + c.backoff.delay(), [key, index, now](impl& s) {
      auto pit = s.pods.find(key);
      if (pit == s.pods.end() || pit->second->deletion) return;
      auto& cc = pit->second->containers[index];
      cc.restart_timer.reset();
      cc.backoff.next(now);
      ++cc.restarts;
      s.start_container(*pit->second, index);
    });
    return;
  }
  c.backoff.next(now);
  ++c.restarts;
  start_container(pod, index);
}

void controller::impl::terminate_pod(pod_rt& pod) {
  if (pod.deletion) return;
  time_point now = clock.now();
  pod.deletion = now;
  bool any_running = false;
  for (auto& c : pod.containers) {
    cancel(c.restart_timer);
    stop_probes(c);  // the kubelet stops liveness/startup at deletion; readiness is false anyway
    if (c.running) {
      any_running = true;
      c.running->terminate();
      record(objects::kind::pod, pod.namespace_name, pod.name, "Normal", "Killing", "kubelet",
             "Stopping container " + c.spec.name);
    } else {
      c.state = container_rt::phase::terminated;
    }
  }
  ns_name key{pod.namespace_name, pod.name};
  if (!any_running) {
    schedule_now([key](impl& s) { s.finish_termination(key); });
    return;
  }
  pod.grace_timer = schedule_at(now + std::chrono::seconds(pod.tmpl.termination_grace_seconds), [key](impl& s) {
    auto it = s.pods.find(key);
    if (it == s.pods.end()) return;
    it->second->grace_timer.reset();
    for (auto& c : it->second->containers)
      if (c.running) c.running->kill();
  });
}

void controller::impl::finish_termination(const ns_name& key) {
  auto it = pods.find(key);
  if (it == pods.end()) return;
  cancel(it->second->grace_timer);
  remove_pod(key);
}

void controller::impl::remove_pod(const ns_name& key) {
  auto it = pods.find(key);
  if (it == pods.end()) return;
  for (auto& c : it->second->containers) {
    cancel(c.restart_timer);
    cancel(c.kill_timer);
    stop_probes(c);
    if (c.log) c.log->remove();
  }
  std::error_code ec;
  std::filesystem::remove_all(opts.log_dir / key.first / key.second, ec);
  pods.erase(it);
}

void controller::impl::stop_all_pods(std::chrono::milliseconds cap) {
  std::int64_t grace = 0;
  for (auto& [_, p] : pods) {
    grace = std::max(grace, p->tmpl.termination_grace_seconds);
    for (auto& c : p->containers) {
      cancel(c.restart_timer);
      cancel(c.kill_timer);
      stop_probes(c);
      if (c.running) c.running->terminate();
    }
    cancel(p->grace_timer);
  }
  auto deadline = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(cap, std::chrono::seconds(grace));
  for (auto& [_, p] : pods) {
    for (auto& c : p->containers) {
      if (!c.running) continue;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (!c.running->wait_exit(std::max(left, std::chrono::milliseconds(0)))) {
        c.running->kill();
        c.running->wait_exit(std::chrono::milliseconds(2000));
      }
    }
  }
  for (auto& [_, p] : pods)
    for (auto& c : p->containers) c.running.reset();
  pods.clear();
}

}  // namespace hayloft::orchestrator
