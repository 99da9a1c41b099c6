#pragma once
// The controller's internal state (controller::impl). Everything here is guarded by
// impl::mutex; see controller.h for the threading model. Split across:
//   core.cc        construction, start/stop/reset, timers, persistence
//   apply.cc       apply / delete / scale, three-way merge, namespaces, KEDA-owned HPAs
//   kubelet.cc     deployments -> pods, container starts, restarts with back-off, termination
//   autoscaling.cc ScaledObject polls (KEDA) and HPA syncs
//   views.cc       JSON for get / describe / events / logs, gauges
#include <array>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "orchestrator/controller/controller.h"
#include "orchestrator/controller/events.h"
#include "orchestrator/controller/executor.h"
#include "orchestrator/objects/kinds.h"
#include "orchestrator/objects/specs.h"
#include "orchestrator/pods/backoff.h"
#include "orchestrator/pods/container.h"
#include "orchestrator/pods/log_file.h"
#include "orchestrator/pods/probe.h"
#include "orchestrator/pods/process.h"
#include "orchestrator/scaling/hpa.h"
#include "orchestrator/scaling/adapter.h"
#include "orchestrator/scaling/keda.h"

namespace hayloft::orchestrator {

using core::time_point;
using timer_id = core::clock::timer_id;
using ns_name = std::pair<std::string, std::string>;  // namespace, name

struct object_key {
  objects::kind kind;
  std::string namespace_name;
  std::string name;
  auto operator<=>(const object_key&) const = default;
};

struct stored_object {
  json obj;           // served form: apiVersion, kind, metadata, spec, (status)
  json last_applied;  // the manifest as last applied: the base of the three-way merge
};

// A declared container port and the host port the kubelet bound it to for the current container
// instance (127.0.0.1:host_port). Services and probes resolve a port number (containerPort) or a
// port name through these.
struct port_binding {
  std::string name;
  std::int32_t container_port = 0;
  std::uint16_t host_port = 0;
};

// One probe worker of a container (the kubelet's prober worker): the result the results manager
// holds for the current container instance and the consecutive-run counter.
struct probe_rt {
  std::optional<timer_id> timer;  // next tick
  bool in_flight = false;
  std::optional<bool> result;  // nullopt: no result yet (startup's initial value)
  std::optional<bool> last;    // last probe outcome (lastResult)
  std::int32_t run = 0;        // consecutive probes with that outcome (resultRun)
  bool on_hold = false;        // liveness/startup failed: stop until the container restarts
  std::uint64_t probes = 0;    // outcomes received for this container instance (pod JSON)
};
enum probe_kind : std::size_t { readiness_probe = 0, liveness_probe = 1, startup_probe = 2 };

struct container_rt {
  objects::container_spec spec;
  std::string builtin;  // non-empty: runs this registered workload in-process
  std::unique_ptr<pods::container> running;
  std::shared_ptr<pods::log_file> log;
  std::int32_t restarts = 0;
  pods::crash_backoff backoff;
  enum class phase { waiting, running, terminated } state = phase::waiting;
  std::string waiting_reason = "ContainerCreating";
  std::string waiting_message;
  time_point started_at{};
  std::optional<json> last_terminated;  // lastState.terminated
  std::optional<json> terminated;       // state.terminated (pod terminating)
  std::optional<timer_id> restart_timer;
  std::uint64_t instance = 0;  // bumps per start; stale exit notifications are ignored
  std::optional<time_point> last_exit;
  // CPU sampling for HPA Resource metrics.
  std::optional<std::uint64_t> cpu_ns;
  std::chrono::steady_clock::time_point cpu_at{};
  std::optional<std::int64_t> cpu_milli;
  std::vector<port_binding> ports;  // bound at the first start, kept across restarts
  std::map<std::string, std::string> env;  // the running instance's environment (exec probes)
  std::array<probe_rt, 3> probes;          // indexed by probe_kind
  std::optional<timer_id> kill_timer;      // SIGKILL after a probe-failure SIGTERM's grace
  // Usage as metrics-server reports it (`top`, metrics.k8s.io): sampled every 15 s of clock
  // time, CPU as a rate over the real time between samples.
  std::optional<std::uint64_t> usage_cpu_ns;
  std::chrono::steady_clock::time_point usage_at{};
  std::optional<std::int64_t> usage_cpu_milli;
  std::optional<std::uint64_t> usage_memory;
  // Log offsets: where the current instance's output starts, and the previous instance's span
  // [first, second) for `logs --previous`.
  std::uint64_t log_start = 0;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> previous_log;
};

struct pod_rt {
  std::string namespace_name;
  std::string name;
  std::string uid;
  std::string deployment;
  std::string hash;
  objects::pod_template tmpl;
  time_point created{};
  std::optional<time_point> start_time;
  std::optional<time_point> deletion;  // Terminating since
  std::vector<container_rt> containers;
  std::optional<timer_id> grace_timer;
};

struct deployment_rt {
  objects::deployment_spec spec;
  std::string hash;  // pod-template-hash of the current template
};

struct scaler_rt {
  std::string trigger_name;  // for events: "awsSqsQueueScaler", "cpuScaler", "prometheusScaler"
  std::string metric_name;   // "s0-aws-sqs-test-queue"
  std::optional<double> value;
  bool active = false;
  std::string error;
};

struct scaled_object_rt {
  objects::scaled_object_spec spec;
  objects::label_map annotations;
  scaling::keda_status status;
  time_point created{};
  std::optional<timer_id> poll_timer;
  std::vector<scaler_rt> scalers;
  std::uint64_t epoch = 0;  // bumps on every apply: stale poll timers are ignored
  std::optional<time_point> last_poll, next_poll;  // for describe
  bool checked_ok = false;  // a check since the loop (re)started found the target and no scaler error
};

struct hpa_rt {
  objects::hpa_spec spec;
  std::string owner;  // ScaledObject name when KEDA created it
  scaling::memory mem;
  time_point created{};
  std::optional<timer_id> sync_timer;
  std::uint64_t epoch = 0;
  std::int32_t current_replicas = 0;
  std::int32_t desired_replicas = 0;
  std::optional<time_point> last_scale_time;
  json current_metrics = json::array();
  json conditions = json::array();
};

// Lets timer callbacks and container threads reach the controller while it is alive, without
// holding any lock while they call into it (a callback may wait for the worker thread, and the
// worker may join a container thread that is itself in a callback).
struct liveness {
  std::mutex mutex;  // guards target, in_flight
  std::condition_variable idle;
  controller::impl* target = nullptr;
  int in_flight = 0;

  template <class F>
  void with(F&& fn) {
    controller::impl* t;
    {
      std::lock_guard lock(mutex);
      if (!target) return;
      t = target;
      ++in_flight;
    }
    fn(*t);
    {
      std::lock_guard lock(mutex);
      --in_flight;
    }
    idle.notify_all();
  }
  // After this returns no callback is inside the controller and none will enter it.
  void shut() {
    std::unique_lock lock(mutex);
    target = nullptr;
    idle.wait(lock, [&] { return in_flight == 0; });
  }
};

struct controller::impl {
  impl(store::state_store& s, core::clock& c, queue_metrics& q, const pods::workload_registry& w, options o);

  store::state_store& store;
  core::clock& clock;
  queue_metrics& queues;
  const pods::workload_registry& workloads;
  options opts;
  std::shared_ptr<liveness> alive = std::make_shared<liveness>();

  mutable std::mutex mutex;  // guards every member below
  bool running = false;
  std::map<object_key, stored_object> objects;
  std::map<ns_name, deployment_rt> deployments;
  std::map<ns_name, std::unique_ptr<pod_rt>> pods;
  std::map<ns_name, scaled_object_rt> scaled_objects;
  std::map<ns_name, hpa_rt> hpas;
  std::map<ns_name, objects::pod_monitoring_spec> pod_monitorings;  // parsed once, at apply or load
  controller_detail::event_log events;
  std::mt19937_64 rng{std::random_device{}()};
  std::map<ns_name, bool> reconcile_scheduled;
  std::map<ns_name, objects::service_spec> services;  // services.cc  // deployments with a reconcile timer pending

  std::function<void()> loop_listener;  // set before start(); see controller::set_loop_listener

  pods::process_runtime processes;
  controller_detail::serial_executor executor;
  pods::probe_pool prober;  // probe I/O; results come back as timers (destroyed first)

  // ---- core.cc ----
  // Runs fn under the mutex on the worker at `at` (skipped once stopped).
  timer_id schedule_at(time_point at, std::function<void(impl&)> fn);
  timer_id schedule_now(std::function<void(impl&)> fn) { return schedule_at(clock.now(), std::move(fn)); }
  void cancel(std::optional<timer_id>& t);
  void persist(const object_key& k);
  void unpersist(const object_key& k);
  void record(objects::kind kind, const std::string& ns, const std::string& name, std::string type, std::string reason,
              std::string source, std::string message, std::optional<std::int32_t> from = std::nullopt,
              std::optional<std::int32_t> to = std::nullopt, std::optional<double> metric = std::nullopt,
              json extra = json::object());
  std::string new_uid();
  stored_object* find(objects::kind k, const std::string& ns, const std::string& name);
  // Loads a stored object's runtime state (typed spec, loops) after apply or restart.
  void activate(const object_key& k, bool restored);
  void deactivate(const object_key& k);
  void ensure_default_namespaces();

  // ---- apply.cc ----
  json apply_one(json manifest, const std::string& ns, bool ns_explicit, json& warnings);
  json delete_one(objects::kind k, const std::string& ns, const std::string& name);
  void sync_keda_hpa(const ns_name& so);
  void deactivate_for_update(const object_key& k);
  // Sets a Deployment's spec.replicas (scale, KEDA, HPA); schedules the pod work.
  void set_replicas(const ns_name& d, std::int32_t replicas);

  // ---- kubelet.cc ----
  void request_reconcile(const ns_name& d);
  void reconcile_deployment(const ns_name& d);
  void create_pod(const ns_name& d, const deployment_rt& dep);
  void start_container(pod_rt& pod, std::size_t index);
  void on_container_exit(const ns_name& pod, std::size_t index, std::uint64_t instance);
  // The pod and its container `index` while that container still runs `instance` (a callback
  // about an earlier instance, or a pod gone meanwhile, finds no container).
  std::pair<pod_rt*, container_rt*> running_instance(const ns_name& pod, std::size_t index, std::uint64_t instance);
  void terminate_pod(pod_rt& pod);
  // Terminates pods and waits (bounded) for their built-in workloads, so they are gone at once.
  void terminate_pods(const std::vector<pod_rt*>& victims);
  void finish_termination(const ns_name& pod);
  void retry_config_errors();
  void remove_pod(const ns_name& pod);
  bool pod_ready(const pod_rt& pod) const;
  std::string image_builtin(const std::string& image) const;
  // The container's environment (envFrom, env, secrets, config maps, $(VAR)); error text is the
  // kubelet's CreateContainerConfigError message.
  // `ports` are the container's host-port variables (PORT, <NAME>_PORT): they come first, and a
  // manifest value equal to a declared containerPort does not override them.
  result<std::map<std::string, std::string>> container_env(const std::string& ns, const std::string& pod_name,
                                                           const std::string& pod_uid, const objects::container_spec& c,
                                                           const std::map<std::string, std::string>& ports = {});
  // Binds each declared port of the container to a free 127.0.0.1 port (once per pod) and returns
  // the PORT / <NAME>_PORT variables; error text for CreateContainerError.
  result<std::map<std::string, std::string>> bind_ports(container_rt& c);

  // ---- prober.cc ----
  void start_probes(pod_rt& pod, std::size_t index);
  void stop_probes(container_rt& c);
  void probe_tick(const ns_name& pod, std::size_t index, std::uint64_t instance, probe_kind which);
  void on_probe_result(const ns_name& pod, std::size_t index, std::uint64_t instance, probe_kind which,
                       const pods::probe_outcome& outcome);
  // Kills a container whose liveness/startup probe failed (SIGTERM, grace, SIGKILL); it restarts
  // through the crash back-off.
  void kill_for_probe(pod_rt& pod, std::size_t index, probe_kind which);
  static bool container_started(const container_rt& c);
  bool container_ready(const pod_rt& p, const container_rt& c) const;
  void schedule_config_retry();
  bool config_retry_scheduled = false;
  std::vector<pod_rt*> pods_of(const ns_name& d);
  void stop_all_pods(std::chrono::milliseconds cap);

  // ---- autoscaling.cc ----
  struct trigger_reading {
    std::optional<std::int64_t> value_milli;  // nullopt: no external metric (cpu) or error
    bool active = false;
    bool external = true;
    std::string error;
  };
  // One scaler read (GetMetricsAndActivity) of trigger i of a ScaledObject: fresh queue counts.
  trigger_reading evaluate_trigger(const ns_name& so, std::size_t i);
  // Parameters from the trigger's TriggerAuthentication (secretTargetRef, configMapTargetRef, and
  // env from the target container's environment `env`).
  std::map<std::string, std::string> trigger_auth_params(const std::string& ns, const objects::trigger_spec& t,
                                                         const std::map<std::string, std::string>& env,
                                                         std::string& error);
  // Starts (or restarts) a ScaledObject's scale loop as startScaleLoop does: a check of the
  // scalers at once, then one every pollingInterval of clock time. The check at once is queued in
  // first_polls and made by run_first_polls() on the caller's thread before the API call (apply)
  // or start() returns, once every object of that call is in place, so it needs no clock tick
  // (the manual clock included).
  void start_scaled_object(const ns_name& so);
  void run_first_polls();
  // A Deployment, Secret, ConfigMap or TriggerAuthentication applied in `ns`: the loops there
  // whose checks have only failed so far (their target or credentials were missing, as when
  // `apply -f dir` sends the ScaledObject first) check again at once. On a cluster the
  // operator's first check comes after kubectl has sent every file, and a reconcile that found
  // no target is retried within milliseconds.
  void recheck_failed_scaled_objects(const std::string& ns);
  std::vector<std::pair<ns_name, std::uint64_t>> first_polls;  // (ScaledObject, epoch)
  void poll_scaled_object(const ns_name& so, std::uint64_t epoch);
  void start_hpa(const ns_name& h);
  void sync_hpa(const ns_name& h, std::uint64_t epoch);
  // The scale loop's timing for describe: polls, lastActiveTime and when the cooldown ends.
  json scale_loop_json(const ns_name& so);

  // ---- metrics.cc: the custom and external metrics APIs over opts.metrics ----
  // prometheus-adapter rules from the ConfigMaps that hold its config.yaml.
  scaling::adapter_config adapter_rules();
  // A Pods metric: the value of each pod found (by name); an error when none is.
  result<std::map<std::string, double>> pods_metric(const std::string& ns, const objects::metric_spec& m,
                                                    const std::vector<std::string>& pod_names);
  // An External metric: the sum of the elements the query returns (as the HPA sums the list).
  result<double> external_metric(const std::string& ns, const objects::metric_spec& m);
  // An Object metric: the described object's value.
  result<double> object_metric(const std::string& ns, const objects::metric_spec& m);
  // Samples every running container's CPU and memory (metrics-server's resolution, 15 s), then
  // schedules the next sample.
  void sample_usage();
  std::optional<timer_id> usage_timer;
  // ---- services.cc ----
  // Allocates spec.clusterIP and the nodePorts of a Service about to be stored (`live`: the
  // stored object on update, carrying its allocations over); the API server's error otherwise.
  std::optional<error> allocate_service(const std::string& ns, const std::string& name, json& obj, const json* live);
  // The Ready pods behind a Service port: (pod, host port).
  std::vector<service_endpoint> service_endpoints(const std::string& ns, const objects::service_spec& spec,
                                                  const objects::service_port& port, bool ready);
  // A container port (by number or name) of a pod -> the host port it listens on; 0 if unknown.
  std::uint16_t pod_host_port(const pod_rt& pod, std::int32_t number, const std::string& name) const;
  json endpoints_json(const ns_name& svc);
  // discovery.k8s.io/v1 EndpointSlices of a Service: one per pod (each pod has its own ports).
  json endpoint_slices_json(const ns_name& svc);
  json service_json(const object_key& k);

  // ---- views.cc ----
  json object_json(const object_key& k);
  json pod_json(const pod_rt& p);
  json deployment_status(const ns_name& d);
  json list(objects::kind k, const std::string& ns);
};

// Helpers shared by the .cc files.
inline std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string now_iso(const core::clock& c);
// A metav1.Time as the API server serializes it: RFC 3339 at whole seconds ("...T00:03:00Z").
std::string metav1_time(time_point t);
std::string template_hash(const json& pod_template);
// The external metric name KEDA gives trigger i ("s0-aws-sqs-test-queue").
std::string keda_metric_name(const objects::trigger_spec& t, std::size_t i);
error not_found(objects::kind k, const std::string& name);

}  // namespace hayloft::orchestrator
