// monitoring.googleapis.com/v1 PodMonitoring, as Google Managed Prometheus defines it
// (GoogleCloudPlatform/prometheus-engine pkg/operator/apis/monitoring/v1): spec.selector
// (matchLabels), spec.endpoints[] {port (name or number, required), path (/metrics), scheme
// (http), interval (1m), timeout (<= interval)}, spec.targetLabels.fromPod[] {from, to}.
#include <cctype>

#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {

std::optional<std::chrono::milliseconds> parse_prometheus_duration(std::string_view text) {
  // model.ParseDuration: one or more <number><unit> with units y w d h m s ms, largest first.
  if (text.empty()) return std::nullopt;
  static const std::pair<std::string_view, std::int64_t> units[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}, {"w", 604'800'000}, {"y", 31'536'000'000}};
  std::int64_t total = 0;
  std::int64_t last_unit = INT64_MAX;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 12) return std::nullopt;
    std::int64_t n = std::stoll(std::string(text.substr(start, i - start)));
    std::int64_t unit = 0;
    for (const auto& [name, ms] : units)
      if (text.substr(i, name.size()) == name && (name != "m" || text.substr(i, 2) != "ms")) {
        unit = ms;
        i += name.size();
        break;
      }
    if (unit == 0 || unit >= last_unit) return std::nullopt;
    last_unit = unit;
    total += n * unit;
  }
  return std::chrono::milliseconds(total);
}

pod_monitoring_spec parse_pod_monitoring(const json& obj, validation& v) {
  pod_monitoring_spec out;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  const json& spec = obj.value("spec", json());
  if (!spec.is_object()) {
    v.required("spec");
    return out;
  }
  v.known_fields(spec, "spec", {"selector", "endpoints", "targetLabels", "limits", "filterRunning"});
  v.ignored_fields(spec, "spec", {"limits"});
  const json& sel = spec.value("selector", json());
  if (sel.is_object()) {
    v.known_fields(sel, "spec.selector", {"matchLabels", "matchExpressions"});
    v.ignored_fields(sel, "spec.selector", {"matchExpressions"});
    if (sel.contains("matchLabels") && sel["matchLabels"].is_object())
      for (const auto& [k, val] : sel["matchLabels"].items())
        if (val.is_string()) out.selector[k] = val.get<std::string>();
  }
  const json& eps = spec.value("endpoints", json());
  if (!eps.is_array() || eps.empty()) {
    v.required("spec.endpoints");
    return out;
  }
  for (std::size_t i = 0; i < eps.size(); ++i) {
    std::string p = index_path("spec.endpoints", i);
    const json& e = eps[i];
    if (!e.is_object()) {
      v.invalid(p, e, "spec.endpoints[" + std::to_string(i) + "] in body must be of type object");
      continue;
    }
    v.known_fields(e, p, {"port", "path", "scheme", "interval", "timeout", "params", "proxyUrl", "metricRelabeling",
                          "authorization", "basicAuth", "oauth2", "tls"});
    v.ignored_fields(e, p, {"params", "proxyUrl", "metricRelabeling", "authorization", "basicAuth", "oauth2", "tls"});
    scrape_endpoint ep;
    if (e.contains("port") && e["port"].is_number_integer())
      ep.port = std::to_string(e["port"].get<long long>());
    else if (e.contains("port") && e["port"].is_string())
      ep.port = e["port"].get<std::string>();
    if (ep.port.empty()) v.required(join_path(p, "port"));
    if (e.contains("path") && e["path"].is_string()) ep.path = e["path"].get<std::string>();
    if (ep.path.empty() || ep.path.front() != '/') ep.path = "/" + ep.path;
    if (e.contains("scheme") && e["scheme"].is_string()) ep.scheme = e["scheme"].get<std::string>();
    if (ep.scheme != "http") v.unsupported(join_path(p, "scheme"), ep.scheme, {"http"});
    for (auto [key, slot] : {std::pair{"interval", &ep.interval}, std::pair{"timeout", &ep.timeout}}) {
      if (!e.contains(key)) continue;
      auto d = e[key].is_string() ? parse_prometheus_duration(e[key].get<std::string>()) : std::nullopt;
      if (!d || d->count() <= 0)
        v.invalid(join_path(p, key), e[key], "invalid duration");
      else
        *slot = *d;
    }
    if (!e.contains("timeout")) ep.timeout = std::min(ep.timeout, ep.interval);
    if (ep.timeout > ep.interval) v.invalid(join_path(p, "timeout"), e["timeout"], "timeout must not be greater than the interval");
    out.endpoints.push_back(ep);
  }
  const json& tl = spec.value("targetLabels", json());
  if (tl.is_object() && tl.contains("fromPod") && tl["fromPod"].is_array())
    for (const auto& f : tl["fromPod"]) {
      std::string from = f.value("from", "");
      std::string to = f.value("to", from);
      if (!from.empty()) out.from_pod.emplace_back(from, to.empty() ? from : to);
    }
  return out;
}

}  // namespace hayloft::orchestrator::objects
