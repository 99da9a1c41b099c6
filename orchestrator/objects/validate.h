#pragma once
// Validation and typed parsing of manifests. Errors name the field the way the API server does
// ("spec.replicas: Invalid value: -1: must be greater than or equal to 0"); fields hayloft keeps
// but does not act on, and unknown fields, become warnings (kubectl's --validate=warn wording).
// Pure functions; any thread.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/objects/kinds.h"
#include "orchestrator/objects/specs.h"

namespace hayloft::orchestrator::objects {

using json = nlohmann::json;

struct field_error {
  std::string path;
  std::string type;    // "Required value" | "Invalid value" | "Unsupported value" | "Forbidden"
  std::string value;   // rendered value for Invalid/Unsupported ("\"x\"", "-1")
  std::string detail;
  std::string text() const;  // "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
};

class validation {
 public:
  void required(const std::string& path, std::string detail = {});
  void invalid(const std::string& path, const json& value, std::string detail);
  void unsupported(const std::string& path, const json& value, const std::vector<std::string>& supported);
  void forbidden(const std::string& path, std::string detail);
  void duplicate(const std::string& path, const json& value);  // `path: Duplicate value: "x"`
  void too_long(const std::string& path, std::string detail);   // `path: Too long: <detail>` (no value)
  void warn(std::string message);
  // Warns about every key of `obj` not listed in `known` (`unknown field "spec.foo"`).
  void known_fields(const json& obj, const std::string& path, std::initializer_list<std::string_view> known);
  // Warns that each present key of `obj` listed here is kept but has no effect in hayloft.
  void ignored_fields(const json& obj, const std::string& path, std::initializer_list<std::string_view> fields);

  bool ok() const { return errors_.empty(); }
  const std::vector<field_error>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The API server's message: `The Deployment "x" is invalid: <cause>` or `... invalid: [a, b]`.
  std::string message(std::string_view kind_name, std::string_view name) const;

 private:
  std::vector<field_error> errors_;
  std::vector<std::string> warnings_;
};

std::string join_path(const std::string& path, std::string_view key);
std::string index_path(const std::string& path, std::size_t i);
// The value as the API server quotes it in messages: strings in double quotes, numbers bare.
std::string value_repr(const json& v);

struct object_meta {
  std::string name;
  std::string namespace_name;
  label_map labels;
  label_map annotations;
};

// Checks apiVersion/kind/metadata common to every kind. `namespaced` controls whether
// metadata.namespace is meaningful.
object_meta parse_metadata(const json& obj, bool namespaced, validation& v);

// Name rules of the API server.
bool is_dns1123_label(std::string_view s);
bool is_dns1123_subdomain(std::string_view s);
void check_subdomain_name(const std::string& path, std::string_view name, validation& v);
void check_label_name(const std::string& path, std::string_view name, validation& v);

// IsValidPortName (IANA_SVC_NAME) messages; empty when valid.
std::vector<std::string> port_name_errors(std::string_view name);
// A container's `ports` and its readiness/liveness/startup probes (validate_pod.cc).
void parse_container_ports(const json& container, const std::string& path, container_spec& out, validation& v);
void parse_container_probes(const json& container, const std::string& path, container_spec& out, validation& v);

deployment_spec parse_deployment(const json& obj, validation& v);
hpa_spec parse_hpa(const json& obj, validation& v);
// Rewrites an autoscaling/v1, v2beta1 or v2beta2 HorizontalPodAutoscaler as autoscaling/v2.
void convert_hpa_to_v2(json& obj);
std::optional<hpa_behavior> parse_behavior(const json& behavior, const std::string& path, validation& v);
scaled_object_spec parse_scaled_object(const json& obj, validation& v);
trigger_authentication_spec parse_trigger_authentication(const json& obj, validation& v);
pod_monitoring_spec parse_pod_monitoring(const json& obj, validation& v);
// A Prometheus duration ("30s", "1m30s", "500ms", "1h"); nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_prometheus_duration(std::string_view text);
service_spec parse_service(const json& obj, validation& v);
// The API server's limit on a Secret's or ConfigMap's data (core.MaxSecretSize, 1 MiB): the sum
// of the (decoded) values; over it, `data: Too long: must have at most 1048576 bytes` for a
// Secret and `[]: Too long: ...` (the whole object) for a ConfigMap.
inline constexpr std::size_t max_secret_size = 1024 * 1024;
// Secret data (base64-decoded `data` merged with `stringData`, which wins) or ConfigMap data.
std::map<std::string, std::string> parse_secret(const json& obj, validation& v);
std::map<std::string, std::string> parse_config_map(const json& obj, validation& v);

// Validates any appliable object of kind k and normalises it in place the way the API server
// stores it (Secret stringData folded into base64 data; HPA autoscaling/v1 converted to v2;
// Deployment replicas defaulted to 1).
validation validate_object(kind k, json& obj);

}  // namespace hayloft::orchestrator::objects
