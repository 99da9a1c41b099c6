// The kubelet's prober (k8s pkg/kubelet/prober: worker.go doProbe, prober.go, prober_manager.go
// UpdatePodStatus): readiness, liveness and startup probes per container, their results, and the
// restart of a container whose liveness or startup probe fails.
//
// Ticks are clock timers (so --time-scale speeds them up); the probe itself runs on the prober
// pool in real time, bounded by timeoutSeconds, and its outcome comes back as a timer due now
// (liveness::with), never holding the controller mutex during I/O.
#include "orchestrator/controller/state.h"

namespace hayloft::orchestrator {
namespace {

const objects::probe_spec* spec_of(const container_rt& c, probe_kind which) {
  const auto& p = which == readiness_probe ? c.spec.readiness_probe
                  : which == liveness_probe ? c.spec.liveness_probe
                                            : c.spec.startup_probe;
  return p ? &*p : nullptr;
}

// The probe type as prober.go prints it in events ("Readiness probe failed: ...").
const char* probe_title(probe_kind which) {
  return which == readiness_probe ? "Readiness" : which == liveness_probe ? "Liveness" : "Startup";
}

}  // namespace

bool controller::impl::container_started(const container_rt& c) {
  if (c.state != container_rt::phase::running || !c.running) return false;
  if (!c.spec.startup_probe) return true;
  return c.probes[startup_probe].result.value_or(false);
}

bool controller::impl::container_ready(const pod_rt& p, const container_rt& c) const {
  if (p.deletion || !container_started(c) || !c.running->ready()) return false;
  if (!c.spec.readiness_probe) return true;  // no readinessProbe: ready once running and started
  return c.probes[readiness_probe].result.value_or(false);
}

void controller::impl::start_probes(pod_rt& pod, std::size_t index) {
  container_rt& c = pod.containers[index];
  const ns_name key{pod.namespace_name, pod.name};
  for (probe_kind which : {readiness_probe, liveness_probe, startup_probe}) {
    probe_rt& pr = c.probes[which];
    cancel(pr.timer);
    pr.in_flight = false;
    pr.on_hold = false;
    pr.probes = 0;
    // A new container: the worker's initial value (readiness Failure, liveness Success, startup
    // none until its first result). lastResult/resultRun carry over, as in worker.go.
    pr.result = which == readiness_probe ? std::optional<bool>(false)
                : which == liveness_probe ? std::optional<bool>(true)
                                          : std::nullopt;
    const auto* spec = spec_of(c, which);
    if (!spec) continue;
    time_point first = c.started_at + std::chrono::seconds(spec->initial_delay_seconds);
    const std::uint64_t instance = c.instance;
    pr.timer = schedule_at(first, [key, index, instance, which](impl& s) { s.probe_tick(key, index, instance, which); });
  }
}

void controller::impl::stop_probes(container_rt& c) {
  for (auto& pr : c.probes) {
    cancel(pr.timer);
    pr.in_flight = false;
  }
}

void controller::impl::probe_tick(const ns_name& key, std::size_t index, std::uint64_t instance, probe_kind which) {
  auto [pod_ptr, c_ptr] = running_instance(key, index, instance);
  if (!c_ptr || pod_ptr->deletion) return;
  container_rt& c = *c_ptr;
  probe_rt& pr = c.probes[which];
  pr.timer.reset();
  const auto* spec = spec_of(c, which);
  if (!spec) return;
  // Like the worker's ticker: the next tick one period on, whatever this one does.
  pr.timer = schedule_at(clock.now() + std::chrono::seconds(spec->period_seconds),
                         [key, index, instance, which](impl& s) { s.probe_tick(key, index, instance, which); });
  if (pr.on_hold || pr.in_flight) return;
  // Startup gates the others; startup stops once the container has started.
  bool started = container_started(c);
  if ((which == startup_probe) == started) return;

  pods::probe_outcome outcome{pods::probe_outcome::result::success, ""};
  bool run_now = false;
  pods::probe_request req;
  req.timeout = std::chrono::seconds(spec->timeout_seconds);
  auto resolve = [&](const objects::probe_port& port, std::string& err) -> std::uint16_t {
    for (const auto& b : c.ports)
      if (port.name.empty() ? b.container_port == port.number : b.name == port.name) return b.host_port;
    if (!port.name.empty()) {
      err = "unable to find port \"" + port.name + "\" in container " + c.spec.name;  // findPortByName
      return 0;
    }
    return static_cast<std::uint16_t>(port.number);  // an undeclared number: probed as written
  };
  std::string err;
  switch (spec->type) {
    case objects::probe_spec::handler::http_get:
      if (spec->scheme == "HTTPS") {
        outcome = {pods::probe_outcome::result::failure, "hayloft does not implement HTTPS probes"};
        break;
      }
      req.type = pods::probe_request::kind::http;
      req.host = spec->host.empty() ? "127.0.0.1" : spec->host;
      req.path = spec->path;
      req.headers = spec->http_headers;
      req.port = resolve(spec->port, err);
      run_now = true;
      break;
    case objects::probe_spec::handler::tcp_socket:
      req.type = pods::probe_request::kind::tcp;
      req.host = spec->host.empty() ? "127.0.0.1" : spec->host;
      req.port = resolve(spec->port, err);
      run_now = true;
      break;
    case objects::probe_spec::handler::exec:
      if (!c.builtin.empty()) break;  // in-process workloads: no host command to run (warned at apply)
      req.type = pods::probe_request::kind::exec;
      req.argv = spec->command;
      req.env = c.env;
      req.working_dir = c.spec.working_dir;
      run_now = true;
      break;
    case objects::probe_spec::handler::grpc: break;  // not implemented (warned at apply): success
  }
  if (!err.empty()) {
    on_probe_result(key, index, instance, which, {pods::probe_outcome::result::error, err});
    return;
  }
  if (!run_now) {
    on_probe_result(key, index, instance, which, outcome);
    return;
  }
  pr.in_flight = true;
  std::weak_ptr<liveness> life = alive;
  prober.submit([life, key, index, instance, which, req = std::move(req)] {
    auto out = pods::run_probe(req);
    auto l = life.lock();
    if (!l) return;
    l->with([&](impl& self) {
      self.schedule_now([key, index, instance, which, out](impl& s) {
        auto pit = s.pods.find(key);
        if (pit != s.pods.end() && index < pit->second->containers.size() &&
            pit->second->containers[index].instance == instance)
          pit->second->containers[index].probes[which].in_flight = false;
        s.on_probe_result(key, index, instance, which, out);
      });
    });
  });
}

void controller::impl::on_probe_result(const ns_name& key, std::size_t index, std::uint64_t instance, probe_kind which,
                                       const pods::probe_outcome& out) {
  auto [pod_ptr, c_ptr] = running_instance(key, index, instance);
  if (!c_ptr || pod_ptr->deletion) return;
  pod_rt& pod = *pod_ptr;
  container_rt& c = *c_ptr;
  probe_rt& pr = c.probes[which];
  const auto* spec = spec_of(c, which);
  if (!spec || pr.on_hold) return;
  using R = pods::probe_outcome::result;
  ++pr.probes;
  if (out.value == R::error) {
    // A prober error: recorded, the result thrown away (worker.go).
    record(objects::kind::pod, key.first, key.second, "Warning", "Unhealthy", "kubelet",
           std::string(probe_title(which)) + " probe errored: " + out.output);
    return;
  }
  bool ok = out.value != R::failure;
  if (out.value == R::failure)
    record(objects::kind::pod, key.first, key.second, "Warning", "Unhealthy", "kubelet",
           std::string(probe_title(which)) + " probe failed: " + out.output);
  else if (out.value == R::warning)
    record(objects::kind::pod, key.first, key.second, "Warning", "ProbeWarning", "kubelet",
           std::string(probe_title(which)) + " probe warning: " + out.output);
  if (pr.last == ok) {
    ++pr.run;
  } else {
    pr.last = ok;
    pr.run = 1;
  }
  if ((!ok && pr.run < spec->failure_threshold) || (ok && pr.run < spec->success_threshold)) return;
  bool was = pr.result.value_or(false);
  pr.result = ok;
  if (ok && !was && which == startup_probe) {
    // Started: readiness is probed at once (UpdatePodStatus triggers a not-ready readiness worker).
    probe_rt& rd = c.probes[readiness_probe];
    if (c.spec.readiness_probe && !rd.in_flight) {
      cancel(rd.timer);
      rd.timer = schedule_now([key, index, instance](impl& s) { s.probe_tick(key, index, instance, readiness_probe); });
    }
  }
  if (!ok && (which == liveness_probe || which == startup_probe)) {
    pr.on_hold = true;
    pr.run = 0;
    kill_for_probe(pod, index, which);
  }
}

void controller::impl::kill_for_probe(pod_rt& pod, std::size_t index, probe_kind which) {
  container_rt& c = pod.containers[index];
  if (!c.running) return;
  // kuberuntime_manager computePodActions: "Container %s failed liveness probe" + ", will be restarted".
  record(objects::kind::pod, pod.namespace_name, pod.name, "Normal", "Killing", "kubelet",
         "Container " + c.spec.name + " failed " + (which == liveness_probe ? "liveness" : "startup") +
             " probe, will be restarted");
  const auto* spec = spec_of(c, which);
  std::int64_t grace = spec && spec->termination_grace_seconds ? *spec->termination_grace_seconds
                                                               : pod.tmpl.termination_grace_seconds;
  c.running->terminate();
  cancel(c.kill_timer);
  const ns_name key{pod.namespace_name, pod.name};
  const std::uint64_t instance = c.instance;
  c.kill_timer = schedule_at(clock.now() + std::chrono::seconds(grace), [key, index, instance](impl& s) {
    auto it = s.pods.find(key);
    if (it == s.pods.end() || index >= it->second->containers.size()) return;
    auto& cc = it->second->containers[index];
    cc.kill_timer.reset();
    if (cc.instance == instance && cc.running) cc.running->kill();
  });
}

}  // namespace hayloft::orchestrator
