// The custom and external metrics APIs as the HPA reads them (k8s.io/metrics custom_metrics and
// external_metrics), answered from opts.metrics (hayloft's series: its own and the scraped
// pods'). With prometheus-adapter rules in a ConfigMap (scaling/adapter.h) the rule's
// metricsQuery is used; without one, the adapter-like default: the series named like the metric,
// matched on `namespace` and `pod` (Pods), on `namespace` and the object's kind in lower case
// (Object: `service="web"`), or on the metric selector alone (External).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "orchestrator/controller/state.h"
#include "orchestrator/errc.h"
#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"
#include "orchestrator/scaling/adapter.h"

namespace hayloft::orchestrator {
namespace {

error unavailable(std::string msg) { return error{make_error_code(errc::unavailable), std::move(msg)}; }

}  // namespace

scaling::adapter_config controller::impl::adapter_rules() {
  scaling::adapter_config all;
  for (const auto& [key, so] : objects) {
    if (key.kind != objects::kind::config_map) continue;
    const json& data = so.obj.value("data", json::object());
    if (!data.is_object() || !data.contains("config.yaml") || !data["config.yaml"].is_string()) continue;
    auto docs = objects::parse_manifests(data["config.yaml"].get<std::string>());
    if (!docs || docs->empty() || !scaling::is_adapter_config(docs->front())) continue;
    auto cfg = scaling::parse_adapter_config(docs->front());
    if (!cfg) {
      spdlog::warn("configmap {}/{}: prometheus-adapter config.yaml ignored: {}", key.namespace_name, key.name,
                   cfg.err().message);
      continue;
    }
    all.rules.insert(all.rules.end(), cfg->rules.begin(), cfg->rules.end());
    all.external_rules.insert(all.external_rules.end(), cfg->external_rules.begin(), cfg->external_rules.end());
  }
  return all;
}

namespace {

// Series names a seriesQuery selects (the adapter asks /api/v1/series; an instant query of the
// selector sees the same live series).
scaling::series_lookup lookup_through(metrics_source& m) {
  return [&m](const std::string& q) -> result<std::vector<std::string>> {
    auto got = m.query(q);
    if (!got) return got.err();
    std::vector<std::string> names;
    for (const auto& s : *got)
      if (auto it = s.labels.find("__name__"); it != s.labels.end()) names.push_back(it->second);
    return names;
  };
}

}  // namespace

result<std::map<std::string, double>> controller::impl::pods_metric(const std::string& ns, const objects::metric_spec& m,
                                                                    const std::vector<std::string>& pod_names) {
  if (!opts.metrics) return unavailable("no metrics source is configured");
  std::map<std::string, double> out;
  if (pod_names.empty()) return out;
  scaling::metric_request req{m.name, ns, "pods", pod_names, label_set(m.selector.begin(), m.selector.end())};
  auto built = scaling::build_adapter_query(adapter_rules(), req, lookup_through(*opts.metrics));
  if (!built) return built.err();
  std::string label = "pod";
  std::string query;
  if (*built) {
    query = (*built)->promql;
    label = (*built)->object_label;
  } else {
    std::string names;
    for (const auto& p : pod_names) names += (names.empty() ? "" : "|") + p;
    label_set sel = req.selector;
    sel["namespace"] = ns;
    std::string selector = selector_text(m.name, sel);
    selector.insert(selector.size() - 1, ",pod=~\"" + names + "\"");
    query = "sum by (pod) (" + selector + ")";
  }
  auto got = opts.metrics->query(query);
  if (!got) return got.err();
  for (const auto& s : *got)
    if (auto it = s.labels.find(label); it != s.labels.end()) out[it->second] = s.value;
  if (out.empty())
    return unavailable("unable to fetch metrics from custom metrics API: the server could not find the metric " + m.name +
                       " for pods");
  return out;
}

result<double> controller::impl::external_metric(const std::string& ns, const objects::metric_spec& m) {
  if (!opts.metrics) return unavailable("no metrics source is configured");
  scaling::metric_request req{m.name, ns, "", {}, label_set(m.selector.begin(), m.selector.end())};
  auto built = scaling::build_adapter_query(adapter_rules(), req, lookup_through(*opts.metrics));
  if (!built) return built.err();
  std::string query = *built ? (*built)->promql : selector_text(m.name, req.selector);
  auto got = opts.metrics->query(query);
  if (!got) return unavailable("unable to fetch metrics from external metrics API: " + got.err().message);
  if (got->empty()) return unavailable("no metrics returned from external metrics API");
  double total = 0;
  for (const auto& s : *got) total += s.value;  // the HPA sums the list it gets
  return total;
}

result<double> controller::impl::object_metric(const std::string& ns, const objects::metric_spec& m) {
  if (!opts.metrics) return unavailable("no metrics source is configured");
  const std::string resource = lower_ascii(m.described_object.kind);
  scaling::metric_request req{m.name, ns, resource + "s", {m.described_object.name},
                              label_set(m.selector.begin(), m.selector.end())};
  auto built = scaling::build_adapter_query(adapter_rules(), req, lookup_through(*opts.metrics));
  if (!built) return built.err();
  std::string query;
  std::string label = resource;
  if (*built) {
    query = (*built)->promql;
    label = (*built)->object_label;
  } else {
    label_set sel = req.selector;
    sel["namespace"] = ns;
    sel[resource] = m.described_object.name;
    query = "sum by (" + resource + ") (" + selector_text(m.name, sel) + ")";
  }
  auto got = opts.metrics->query(query);
  if (!got) return got.err();
  for (const auto& s : *got)
    if (auto it = s.labels.find(label); it != s.labels.end() && it->second == m.described_object.name) return s.value;
  return unavailable("unable to fetch metrics from custom metrics API: the server could not find the metric " + m.name +
                     " for " + resource + "s " + m.described_object.name);
}

}  // namespace hayloft::orchestrator

namespace hayloft::orchestrator {
namespace {

// The host port a pod's port reference (a name, or a containerPort number as text) is bound to.
std::optional<std::pair<std::uint16_t, std::string>> resolve_port(const pod_rt& pod, const std::string& ref) {
  for (const auto& c : pod.containers) {
    if (c.state != container_rt::phase::running) continue;
    for (const auto& b : c.ports)
      if (b.name == ref || std::to_string(b.container_port) == ref) return std::pair{b.host_port, c.spec.name};
  }
  return std::nullopt;
}

bool matches(const objects::label_map& selector, const objects::label_map& labels) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

// Prometheus' relabel of pod labels to series labels (labelmap __meta_kubernetes_pod_label_(.+)
// after sanitising): characters outside [a-zA-Z0-9_] become '_'.
std::string sanitize_label(const std::string& s) {
  std::string out = s;
  for (auto& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return out;
}

}  // namespace

std::vector<scrape_target> controller::scrape_targets() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<scrape_target> out;
  for (const auto& [key, pod] : impl_->pods) {
    if (pod->deletion) continue;
    const auto& labels = pod->tmpl.labels;
    for (const auto& [pm, spec] : impl_->pod_monitorings) {
      if (pm.first != pod->namespace_name || !matches(spec.selector, labels)) continue;
      for (const auto& ep : spec.endpoints) {
        auto port = resolve_port(*pod, ep.port);
        if (!port) continue;
        scrape_target t;
        t.url = "http://127.0.0.1:" + std::to_string(port->first) + ep.path;
        t.labels = {{"job", pm.second},
                    {"namespace", pod->namespace_name},
                    {"pod", pod->name},
                    {"container", port->second},
                    {"instance", pod->name + ":" + ep.port}};
        for (const auto& [from, to] : spec.from_pod)
          if (auto it = labels.find(from); it != labels.end()) t.labels[to] = it->second;
        t.interval = ep.interval;
        t.timeout = ep.timeout;
        out.push_back(std::move(t));
      }
    }
    const auto& ann = pod->tmpl.annotations;
    auto scrape = ann.find("prometheus.io/scrape");
    if (scrape == ann.end() || scrape->second != "true") continue;
    std::string port_ref;
    if (auto p = ann.find("prometheus.io/port"); p != ann.end()) {
      port_ref = p->second;
    } else {
      // Without a port annotation Prometheus' pod role yields a target per declared port; the
      // chart's job keeps them all. hayloft scrapes the first.
      for (const auto& c : pod->containers)
        if (!c.ports.empty() && port_ref.empty()) port_ref = std::to_string(c.ports.front().container_port);
    }
    auto port = port_ref.empty() ? std::nullopt : resolve_port(*pod, port_ref);
    if (!port) continue;
    std::string path = "/metrics";
    if (auto p = ann.find("prometheus.io/path"); p != ann.end() && !p->second.empty())
      path = p->second.front() == '/' ? p->second : "/" + p->second;
    scrape_target t;
    t.url = "http://127.0.0.1:" + std::to_string(port->first) + path;
    for (const auto& [k, v] : labels) t.labels[sanitize_label(k)] = v;
    t.labels["job"] = "kubernetes-pods";
    t.labels["namespace"] = pod->namespace_name;
    t.labels["pod"] = pod->name;
    t.labels["instance"] = pod->name + ":" + port_ref;
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const scrape_target& a, const scrape_target& b) {
    return a.url != b.url ? a.url < b.url : a.labels < b.labels;
  });
  return out;
}

}  // namespace hayloft::orchestrator

namespace hayloft::orchestrator {

void controller::impl::sample_usage() {
  const auto steady = std::chrono::steady_clock::now();
  for (auto& [key, pod] : pods)
    for (auto& c : pod->containers) {
      if (!c.running || c.state != container_rt::phase::running) continue;
      auto cpu = c.running->cpu_time_ns();
      if (cpu && c.usage_cpu_ns && *cpu >= *c.usage_cpu_ns) {
        double secs = std::chrono::duration<double>(steady - c.usage_at).count();
        if (secs > 0.05) c.usage_cpu_milli = static_cast<std::int64_t>(static_cast<double>(*cpu - *c.usage_cpu_ns) / 1e6 / secs);
      }
      if (cpu) {
        c.usage_cpu_ns = cpu;
        c.usage_at = steady;
      }
      c.usage_memory = c.running->memory_bytes();
    }
  usage_timer = schedule_at(clock.now() + std::chrono::seconds(15), [](impl& s) { s.sample_usage(); });
}

}  // namespace hayloft::orchestrator

namespace hayloft::orchestrator {

result<json> controller::pod_usage(const std::string& ns_in, const std::string& name) {
  const std::string ns = ns_in.empty() ? "default" : ns_in;
  std::lock_guard lock(impl_->mutex);
  if (!name.empty() && ns != "*" && !impl_->pods.count({ns, name})) return not_found(objects::kind::pod, name);
  json items = json::array();
  for (const auto& [key, pod] : impl_->pods) {
    if (ns != "*" && key.first != ns) continue;
    if (!name.empty() && key.second != name) continue;
    if (pod->deletion) continue;
    json containers = json::array();
    // In-process workloads share hayloft's heap: their CPU is measured, their memory shows 0.
    for (const auto& c : pod->containers)
      if (c.usage_cpu_milli)
        containers.push_back(
            {{"name", c.spec.name}, {"cpuMillicores", *c.usage_cpu_milli}, {"memoryBytes", c.usage_memory.value_or(0)}});
    if (containers.empty()) continue;
    json labels = pod->tmpl.labels;
    labels["pod-template-hash"] = pod->hash;
    items.push_back({{"namespace", key.first}, {"name", key.second}, {"labels", labels}, {"containers", containers}});
  }
  return json{{"items", items}, {"now", now_iso(impl_->clock)}};
}

}  // namespace hayloft::orchestrator
