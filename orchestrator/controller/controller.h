#pragma once
// The orchestrator: Kubernetes-shaped objects (Deployments, Secrets, ConfigMaps, Namespaces,
// HPAs, KEDA ScaledObjects and TriggerAuthentications) kept in state.db, pods run as built-in
// workloads or host processes, and the KEDA operator loop plus the HPA controller scaling them.
//
// Threading: all state is guarded by one mutex. Loop iterations (ScaledObject polls every
// pollingInterval, HPA syncs every 15 s, pod starts/restarts/terminations) are clock timers
// whose work runs on the controller's own worker thread; on the manual clock the timer waits
// for that work, so clock.advance(d) returns with every loop due in the span done. API calls
// (apply, scale, get, ...) run on the caller's thread, change objects under the mutex and
// schedule the pod work for the next loop iteration (a timer due now); they never block on pods.
//
// Lifetime: the store, clock, queue_metrics, workload registry and metrics source must outlive
// the controller; the clock may outlive it (pending timers become no-ops).
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/result.h"
#include "emulator/store/state_store.h"
#include "orchestrator/interfaces.h"
#include "orchestrator/pods/workload.h"

namespace hayloft::orchestrator {

using json = nlohmann::json;

struct options {
  // Container image -> built-in workload, e.g.
  // {"arzelaascoli/keda-haystack-consumer:latest", "hayloft/indexing-consumer"}. An image that is
  // itself a registered built-in needs no entry.
  std::map<std::string, std::string> image_map;
  // Where container logs go: <log_dir>/<namespace>/<pod>/<container>.log.
  std::filesystem::path log_dir;
  // Real time an in-process workload gets to report ready (or to stop) before the loop moves on;
  // later readiness or exit is picked up at the next loop iteration.
  std::chrono::milliseconds workload_start_wait{2000};
  std::chrono::milliseconds workload_stop_wait{1000};
  // Upper bound on the real time stop() waits for graceful termination before SIGKILL, whatever
  // terminationGracePeriodSeconds says (the clock may be manual or scaled).
  std::chrono::milliseconds shutdown_grace_cap{10000};
  // Optional: any hayloft metric, for the `prometheus` trigger and HPA External/Pods metrics.
  metrics_source* metrics = nullptr;
  // Optional: when set (--auth), credentials resolved from TriggerAuthentications are checked.
  credential_check check_credentials;
  // apply into a namespace that does not exist creates it (with a warning) instead of failing.
  bool auto_create_namespaces = true;
  std::size_t max_events = 2000;
};

// One gauge for /metrics.
struct gauge {
  std::string name;
  label_set labels;
  double value = 0;
};

// A pod port Prometheus should scrape: selected by a PodMonitoring endpoint (labels as Google
// Managed Prometheus sets them: job = the PodMonitoring's name, namespace, pod, container,
// instance = <pod>:<port>, plus targetLabels.fromPod) or by the `prometheus.io/scrape: "true"`
// pod annotation (`prometheus.io/port`, `prometheus.io/path`; labels as the Prometheus chart's
// kubernetes-pods job: job="kubernetes-pods", namespace, pod, instance and the pod's labels).
struct scrape_target {
  std::string url;  // http://127.0.0.1:<host port><path>
  label_set labels;
  std::chrono::milliseconds interval{15000};
  std::chrono::milliseconds timeout{10000};
  bool operator==(const scrape_target&) const = default;
};

// A Ready pod behind a Service port (or a port-forward), reachable at 127.0.0.1:port.
struct service_endpoint {
  std::string pod;
  std::uint16_t port = 0;
  auto operator<=>(const service_endpoint&) const = default;
};

// A Service port as the Service proxy serves it (orchestrator/services).
struct service_port_state {
  std::string name;
  std::int32_t port = 0;
  std::int32_t node_port = 0;
  std::vector<service_endpoint> endpoints;  // Ready pods only
};

struct service_state {
  std::string namespace_name;
  std::string name;
  std::string type;  // ClusterIP | NodePort | LoadBalancer | ExternalName
  std::vector<service_port_state> ports;
};

// What a port-forward reaches: the Ready pods and the container port kubectl prints
// ("Forwarding from 127.0.0.1:8080 -> 8080": a Service port resolved through its targetPort).
struct forward_target {
  std::string remote;
  std::vector<service_endpoint> endpoints;
};

class controller {
 public:
  controller(store::state_store& store, core::clock& clock, queue_metrics& queues,
             const pods::workload_registry& workloads, options opts);
  ~controller();
  controller(const controller&) = delete;
  controller& operator=(const controller&) = delete;

  // Creates the schema, loads the persisted objects and starts their loops and pods.
  result<void> start();
  // Stops every loop, terminates every pod (SIGTERM / stop token, then SIGKILL after its grace
  // period, bounded by options.shutdown_grace_cap of real time) and waits for them. Idempotent.
  void stop();
  // Deletes every object and pod (POST /_hayloft/reset).
  result<void> reset();
  // A restore (emulator/app/snapshots.h): under the controller's mutex, stops every loop and
  // pod and forgets every object, runs `swap` (which replaces state.db), then loads the objects
  // from state.db and starts their loops and pods as start() does. API calls wait meanwhile, so
  // they see the old objects or the new ones. The objects are loaded even when `swap` fails (the
  // database then still holds the old state); its error is returned. Blocking.
  result<void> reload(const std::function<result<void>()>& swap);

  // ---- admin API operations; shapes documented in orchestrator/README.md ----
  // `namespace_name` is the -n value ("" = default); `namespace_explicit` mirrors kubectl, where
  // an object naming another namespace is an error only when -n was given.
  result<json> apply(std::string_view manifests, const std::string& namespace_name, bool namespace_explicit);
  result<json> delete_manifests(std::string_view manifests, const std::string& namespace_name, bool namespace_explicit);
  result<json> delete_object(const std::string& kind, const std::string& namespace_name, const std::string& name);
  // name empty: a list. namespace_name "*": all namespaces.
  result<json> get(const std::string& kind, const std::string& namespace_name, const std::string& name);
  result<json> describe(const std::string& kind, const std::string& namespace_name, const std::string& name);
  result<json> scale(const std::string& kind, const std::string& namespace_name, const std::string& name,
                     std::int32_t replicas);
  struct log_query {
    std::string namespace_name;
    std::string pod;         // or
    std::string deployment;  // the first pod of the deployment, as kubectl picks it
    std::string container;   // default: the pod's only/first container
    std::optional<long long> tail;
    std::optional<std::uint64_t> since_offset;  // continue a follow
    bool previous = false;  // the previous (terminated) instance's output (`logs --previous`)
  };
  result<json> logs(const log_query& q);
  result<json> events(const std::string& namespace_name, const std::string& kind, const std::string& name);

  std::vector<gauge> gauges() const;
  // Pod usage as metrics-server serves it (`hayloft top pods`, metrics.k8s.io), sampled every
  // 15 s: {"items": [{"namespace", "name", "labels", "containers": [{"name", "cpuMillicores",
  // "memoryBytes"}]}], "now"}. Pods without two samples yet are left out; namespace "*" = all;
  // a named pod that does not exist is NotFound.
  result<json> pod_usage(const std::string& namespace_name, const std::string& name);
  // The scrape targets of the pods running now (their ports bound), sorted by URL.
  std::vector<scrape_target> scrape_targets() const;

  // ---- Services (services.cc) ----
  // Every Service with the Ready endpoints of each port; any thread.
  std::vector<service_state> services() const;
  // What `port-forward TARGET :REMOTE` reaches: TARGET is "svc/NAME", "pod/NAME" or
  // "deployment/NAME" (kubectl's spellings); REMOTE a service port (svc) or a container port,
  // by number or name. Errors are kubectl's ("Service web does not have a service port 81").
  result<forward_target> forward_endpoints(const std::string& namespace_name, const std::string& target,
                                                          const std::string& remote) const;
  // Records an event on a Service (the proxy reports ports it cannot listen on).
  void record_service_event(const std::string& namespace_name, const std::string& name, const std::string& type,
                            const std::string& reason, const std::string& message);

  // Called on the controller's worker thread after every loop iteration (pod starts and exits,
  // polls, HPA syncs, reconciles), without the controller's mutex held, so a listener may call
  // get() to see what changed. Set it before start(); it must stay callable for the
  // controller's lifetime (capture a weak reference to anything that may go first).
  void set_loop_listener(std::function<void()> listener);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace hayloft::orchestrator
