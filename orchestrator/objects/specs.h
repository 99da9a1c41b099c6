#pragma once
// Typed views of the specs hayloft acts on, parsed from the stored JSON objects (which keep
// every field, known or not). Produced by the validators in validate.h. Plain values.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hayloft::orchestrator::objects {

using label_map = std::map<std::string, std::string>;

// ---- core/v1 and apps/v1 ----------------------------------------------------------------------

struct key_selector {
  std::string name;  // Secret or ConfigMap name
  std::string key;
  bool optional = false;
};

struct env_var {
  std::string name;
  std::string value;
  std::optional<key_selector> secret_key_ref;
  std::optional<key_selector> config_map_key_ref;
  std::optional<std::string> field_ref;  // metadata.name, metadata.namespace, status.podIP, ...
};

struct env_from_source {
  std::string prefix;
  std::string secret_name;      // exactly one of secret_name / config_map_name is set
  std::string config_map_name;
  bool optional = false;
};

// spec.containers[].ports[]: what the container listens on. Process pods share the host's network,
// so the kubelet gives each started container a free host port per declared port (see
// controller/state.h port_binding) and tells the process through $PORT and $<NAME>_PORT.
struct container_port {
  std::string name;  // optional IANA_SVC_NAME, referenced by Service targetPort and probes
  std::int32_t container_port = 0;
  std::string protocol = "TCP";
};

// A container probe (readinessProbe / livenessProbe / startupProbe) after API-server defaulting.
// Exactly one handler is set. `port` is a number or a port name (resolved through the container's
// ports at probe time, to the host port hayloft bound for it).
struct probe_port {
  std::int32_t number = 0;
  std::string name;  // non-empty: a named port
};

struct probe_spec {
  enum class handler { http_get, tcp_socket, exec, grpc } type = handler::tcp_socket;
  // httpGet
  std::string path = "/";
  std::string host;               // empty: the pod IP (127.0.0.1)
  std::string scheme = "HTTP";    // HTTPS is warned about and fails
  std::vector<std::pair<std::string, std::string>> http_headers;
  probe_port port;                // httpGet, tcpSocket, grpc
  std::vector<std::string> command;  // exec
  std::int32_t initial_delay_seconds = 0;
  std::int32_t timeout_seconds = 1;
  std::int32_t period_seconds = 10;
  std::int32_t success_threshold = 1;
  std::int32_t failure_threshold = 3;
  std::optional<std::int64_t> termination_grace_seconds;
};

struct container_spec {
  std::string name;
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<env_var> env;
  std::vector<env_from_source> env_from;
  std::string working_dir;
  std::optional<std::int64_t> cpu_request_milli;
  std::optional<std::int64_t> memory_request_bytes;
  std::vector<container_port> ports;
  std::optional<probe_spec> readiness_probe;
  std::optional<probe_spec> liveness_probe;
  std::optional<probe_spec> startup_probe;
};

struct pod_template {
  label_map labels;
  label_map annotations;
  std::vector<container_spec> containers;
  std::int64_t termination_grace_seconds = 30;
};

struct deployment_spec {
  std::int32_t replicas = 1;
  label_map selector;  // matchLabels
  pod_template tmpl;
};

// ---- monitoring.googleapis.com/v1 ---------------------------------------------------------------

struct scrape_endpoint {
  std::string port;  // a container port name, or its number as text
  std::string path = "/metrics";
  std::string scheme = "http";
  std::chrono::milliseconds interval{60000};  // GMP's default "1m"
  std::chrono::milliseconds timeout{10000};   // at most the interval
};

struct pod_monitoring_spec {
  label_map selector;  // matchLabels
  std::vector<scrape_endpoint> endpoints;
  std::vector<std::pair<std::string, std::string>> from_pod;  // targetLabels.fromPod: pod label -> series label
};

// ---- core/v1 Service ----------------------------------------------------------------------------

// spec.ports[].targetPort: a number (containerPort) or a name (the container port's name).
struct service_port {
  std::string name;
  std::string protocol = "TCP";
  std::int32_t port = 0;
  std::int32_t target_port = 0;  // set when targetPort is a number (defaults to port)
  std::string target_port_name;  // set when targetPort is a name
  std::int32_t node_port = 0;    // 0: none (ClusterIP) or not yet allocated
};

struct service_spec {
  std::string type = "ClusterIP";  // ClusterIP | NodePort | LoadBalancer | ExternalName
  std::string cluster_ip;          // "" until allocated; "None" for a headless service
  std::string external_name;
  label_map selector;
  std::vector<service_port> ports;
};

// ---- autoscaling/v2 -----------------------------------------------------------------------------

struct scaling_policy {
  std::string type;  // "Pods" | "Percent"
  std::int32_t value = 0;
  std::int32_t period_seconds = 0;
};

struct scaling_rules {
  std::optional<std::int32_t> stabilization_window_seconds;
  std::optional<std::string> select_policy;  // "Max" | "Min" | "Disabled"
  std::optional<std::vector<scaling_policy>> policies;
  std::optional<double> tolerance;
};

struct hpa_behavior {
  std::optional<scaling_rules> scale_up;
  std::optional<scaling_rules> scale_down;
};

struct metric_target {
  std::string type;  // "Utilization" | "Value" | "AverageValue"
  std::optional<std::int32_t> average_utilization;
  std::optional<std::int64_t> value_milli;
  std::optional<std::int64_t> average_value_milli;
};

struct cross_version_ref {
  std::string api_version = "apps/v1";
  std::string kind = "Deployment";
  std::string name;
};

struct metric_spec {
  std::string type;  // "Resource" | "External" | "Pods" | "Object" | "ContainerResource"
  std::string name;  // resource name ("cpu") or metric name
  label_map selector;
  metric_target target;
  cross_version_ref described_object;  // Object metrics
};

struct hpa_spec {
  cross_version_ref target;
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 1;
  std::vector<metric_spec> metrics;
  std::optional<hpa_behavior> behavior;
};

// ---- keda.sh/v1alpha1 ---------------------------------------------------------------------------

struct trigger_spec {
  std::string type;
  std::string name;
  std::map<std::string, std::string> metadata;
  std::string auth_ref;       // authenticationRef.name
  std::string auth_ref_kind;  // "TriggerAuthentication" | "ClusterTriggerAuthentication"
  std::string metric_type = "AverageValue";
  bool use_cached_metrics = false;
};

struct fallback_spec {
  std::int32_t failure_threshold = 0;
  std::int32_t replicas = 0;
  std::string behavior = "static";
};

struct scaled_object_spec {
  cross_version_ref target;
  std::string env_source_container;
  std::int32_t polling_interval = 30;
  std::int32_t cooldown_period = 300;
  std::int32_t initial_cooldown_period = 0;
  std::optional<std::int32_t> min_replica_count;
  std::int32_t max_replica_count = 100;
  std::optional<std::int32_t> idle_replica_count;
  std::optional<fallback_spec> fallback;
  std::optional<hpa_behavior> behavior;  // advanced.horizontalPodAutoscalerConfig.behavior
  std::string hpa_name;                  // default keda-hpa-<name>
  bool restore_to_original_replica_count = false;
  std::vector<trigger_spec> triggers;

  // The HPA's bounds as KEDA computes them (GetHPAMinReplicas / GetHPAMaxReplicas).
  std::int32_t hpa_min_replicas() const {
    return min_replica_count && *min_replica_count > 0 ? *min_replica_count : 1;
  }
};

struct secret_target_ref {
  std::string parameter;
  std::string name;
  std::string key;
};

struct trigger_authentication_spec {
  std::vector<secret_target_ref> secret_target_refs;
  std::vector<secret_target_ref> config_map_target_refs;
  std::vector<std::pair<std::string, std::string>> env;  // parameter -> env var name
  std::string pod_identity_provider;
};

}  // namespace hayloft::orchestrator::objects
