// Deployment (apps/v1) validation: the rules of the API server's ValidateDeployment that matter
// for a single host, plus warnings for pod-spec features hayloft keeps but does not implement.
#include <set>

#include "orchestrator/objects/quantity.h"
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {
namespace {

bool get_string(const json& obj, std::string_view key, const std::string& path, std::string& out, validation& v) {
  if (!obj.contains(key) || obj[key].is_null()) return false;
  if (!obj[key].is_string()) {
    v.invalid(join_path(path, key), obj[key], "must be of type string");
    return false;
  }
  out = obj[key].get<std::string>();
  return true;
}

std::vector<std::string> string_list(const json& obj, std::string_view key, const std::string& path, validation& v) {
  std::vector<std::string> out;
  if (!obj.contains(key) || obj[key].is_null()) return out;
  const json& arr = obj[key];
  if (!arr.is_array()) {
    v.invalid(join_path(path, key), arr, "must be of type array");
    return out;
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_string()) {
      // Kubernetes rejects `args: [1]`; users usually meant the string.
      v.invalid(index_path(join_path(path, key), i), arr[i], "must be of type string");
      continue;
    }
    out.push_back(arr[i].get<std::string>());
  }
  return out;
}

std::optional<key_selector> parse_key_selector(const json& ref, const std::string& path, validation& v) {
  if (ref.is_null()) return std::nullopt;
  key_selector ks;
  v.known_fields(ref, path, {"name", "key", "optional"});
  get_string(ref, "name", path, ks.name, v);
  get_string(ref, "key", path, ks.key, v);
  if (ks.key.empty()) v.required(join_path(path, "key"));
  if (ks.name.empty()) v.required(join_path(path, "name"));
  ks.optional = ref.value("optional", false);
  return ks;
}

void parse_env(const json& c, const std::string& path, container_spec& out, validation& v) {
  if (c.contains("env") && c["env"].is_array()) {
    const json& env = c["env"];
    for (std::size_t i = 0; i < env.size(); ++i) {
      std::string p = index_path(join_path(path, "env"), i);
      const json& e = env[i];
      if (!e.is_object()) {
        v.invalid(p, e, "must be of type object");
        continue;
      }
      v.known_fields(e, p, {"name", "value", "valueFrom"});
      env_var ev;
      get_string(e, "name", p, ev.name, v);
      if (ev.name.empty()) v.required(join_path(p, "name"));
      if (e.contains("value") && !e["value"].is_null()) {
        if (!e["value"].is_string())
          v.invalid(join_path(p, "value"), e["value"], "must be of type string");
        else
          ev.value = e["value"].get<std::string>();
      }
      if (e.contains("valueFrom") && e["valueFrom"].is_object()) {
        const json& vf = e["valueFrom"];
        std::string vp = join_path(p, "valueFrom");
        v.known_fields(vf, vp, {"secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"});
        if (e.contains("value") && !e["value"].is_null() && !e["value"].get<std::string>().empty())
          v.invalid(vp, "", "may not be specified when `value` is not empty");
        ev.secret_key_ref = parse_key_selector(vf.value("secretKeyRef", json()), join_path(vp, "secretKeyRef"), v);
        ev.config_map_key_ref =
            parse_key_selector(vf.value("configMapKeyRef", json()), join_path(vp, "configMapKeyRef"), v);
        if (vf.contains("fieldRef") && vf["fieldRef"].is_object()) {
          std::string field = vf["fieldRef"].value("fieldPath", "");
          static const std::set<std::string> supported{"metadata.name", "metadata.namespace", "metadata.uid",
                                                       "spec.nodeName", "status.podIP", "status.hostIP"};
          if (!supported.count(field))
            v.unsupported(join_path(vp, "fieldRef.fieldPath"), field,
                          {"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "status.podIP",
                           "status.hostIP"});
          ev.field_ref = field;
        }
        v.ignored_fields(vf, vp, {"resourceFieldRef"});
        int sources = (ev.secret_key_ref ? 1 : 0) + (ev.config_map_key_ref ? 1 : 0) + (ev.field_ref ? 1 : 0) +
                      (vf.contains("resourceFieldRef") ? 1 : 0);
        if (sources != 1) v.invalid(vp, "", "may not have more than one field specified at a time");
      }
      out.env.push_back(std::move(ev));
    }
  } else if (c.contains("env") && !c["env"].is_null()) {
    v.invalid(join_path(path, "env"), c["env"], "must be of type array");
  }
  if (c.contains("envFrom") && c["envFrom"].is_array()) {
    const json& ef = c["envFrom"];
    for (std::size_t i = 0; i < ef.size(); ++i) {
      std::string p = index_path(join_path(path, "envFrom"), i);
      const json& e = ef[i];
      v.known_fields(e, p, {"prefix", "secretRef", "configMapRef"});
      env_from_source src;
      get_string(e, "prefix", p, src.prefix, v);
      if (e.contains("secretRef") && e["secretRef"].is_object()) {
        get_string(e["secretRef"], "name", join_path(p, "secretRef"), src.secret_name, v);
        src.optional = e["secretRef"].value("optional", false);
        if (src.secret_name.empty()) v.required(join_path(p, "secretRef.name"));
      }
      if (e.contains("configMapRef") && e["configMapRef"].is_object()) {
        get_string(e["configMapRef"], "name", join_path(p, "configMapRef"), src.config_map_name, v);
        src.optional = e["configMapRef"].value("optional", false);
        if (src.config_map_name.empty()) v.required(join_path(p, "configMapRef.name"));
      }
      if (src.secret_name.empty() == src.config_map_name.empty())
        v.invalid(p, "", "must specify one of: `configMapRef` or `secretRef`");
      out.env_from.push_back(std::move(src));
    }
  }
}

container_spec parse_container(const json& c, const std::string& path, validation& v) {
  container_spec out;
  v.known_fields(c, path,
                 {"name", "image", "command", "args", "env", "envFrom", "workingDir", "resources", "ports",
                  "imagePullPolicy", "livenessProbe", "readinessProbe", "startupProbe", "volumeMounts", "volumeDevices",
                  "securityContext", "lifecycle", "stdin", "stdinOnce", "tty", "terminationMessagePath",
                  "terminationMessagePolicy", "resizePolicy", "restartPolicy"});
  v.ignored_fields(c, path, {"volumeMounts", "volumeDevices", "lifecycle"});
  get_string(c, "name", path, out.name, v);
  if (out.name.empty())
    v.required(join_path(path, "name"));
  else
    check_label_name(join_path(path, "name"), out.name, v);
  get_string(c, "image", path, out.image, v);
  if (out.image.empty()) v.required(join_path(path, "image"));
  out.command = string_list(c, "command", path, v);
  out.args = string_list(c, "args", path, v);
  get_string(c, "workingDir", path, out.working_dir, v);
  parse_env(c, path, out, v);
  parse_container_ports(c, path, out, v);
  parse_container_probes(c, path, out, v);
  if (c.contains("resources") && c["resources"].is_object()) {
    const json& r = c["resources"];
    std::string rp = join_path(path, "resources");
    v.known_fields(r, rp, {"requests", "limits", "claims"});
    v.ignored_fields(r, rp, {"limits", "claims"});
    if (r.contains("requests") && r["requests"].is_object()) {
      for (const auto& [name, q] : r["requests"].items()) {
        std::string qp = join_path(join_path(rp, "requests"), name);
        auto milli = quantity_milli(q);
        if (!milli) {
          v.invalid(qp, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
          continue;
        }
        if (*milli < 0) v.invalid(qp, q, "must be greater than or equal to 0");
        if (name == "cpu")
          out.cpu_request_milli = *milli;
        else if (name == "memory")
          out.memory_request_bytes = *milli / 1000;
        else
          v.warn(qp + " is not implemented by hayloft and has no effect");
      }
    }
  }
  return out;
}

}  // namespace

deployment_spec parse_deployment(const json& obj, validation& v) {
  deployment_spec d;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  if (!obj.contains("spec") || !obj["spec"].is_object()) {
    v.required("spec.selector");
    v.required("spec.template.spec.containers");
    return d;
  }
  const json& spec = obj["spec"];
  v.known_fields(spec, "spec",
                 {"replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
                  "progressDeadlineSeconds", "paused"});
  v.ignored_fields(spec, "spec", {"minReadySeconds", "paused"});
  if (spec.contains("strategy") && spec["strategy"].is_object()) {
    std::string type = spec["strategy"].value("type", "RollingUpdate");
    if (type != "RollingUpdate" && type != "Recreate")
      v.unsupported("spec.strategy.type", type, {"Recreate", "RollingUpdate"});
  }
  if (spec.contains("replicas") && !spec["replicas"].is_null()) {
    const json& r = spec["replicas"];
    if (!r.is_number_integer()) {
      v.invalid("spec.replicas", r, "must be of type int32");
    } else if (r.get<long long>() < 0) {
      v.invalid("spec.replicas", r, "must be greater than or equal to 0");
    } else if (r.get<long long>() > 100000) {
      v.invalid("spec.replicas", r, "hayloft runs at most 100000 replicas");
    } else {
      d.replicas = r.get<std::int32_t>();
    }
  }
  const json& sel = spec.value("selector", json());
  if (!sel.is_object()) {
    v.required("spec.selector");
  } else {
    v.known_fields(sel, "spec.selector", {"matchLabels", "matchExpressions"});
    v.ignored_fields(sel, "spec.selector", {"matchExpressions"});
    if (sel.contains("matchLabels") && sel["matchLabels"].is_object()) {
      for (const auto& [k, val] : sel["matchLabels"].items())
        if (val.is_string()) d.selector[k] = val.get<std::string>();
    }
    if (d.selector.empty() && !sel.contains("matchExpressions"))
      v.invalid("spec.selector", json::object(), "empty selector is invalid for deployment");
  }
  const json& tmpl = spec.value("template", json());
  if (!tmpl.is_object()) {
    v.required("spec.template.spec.containers");
    return d;
  }
  v.known_fields(tmpl, "spec.template", {"metadata", "spec"});
  if (tmpl.contains("metadata") && tmpl["metadata"].is_object()) {
    const json& md = tmpl["metadata"];
    if (md.contains("labels") && md["labels"].is_object())
      for (const auto& [k, val] : md["labels"].items())
        if (val.is_string()) d.tmpl.labels[k] = val.get<std::string>();
    if (md.contains("annotations") && md["annotations"].is_object())
      for (const auto& [k, val] : md["annotations"].items())
        if (val.is_string()) d.tmpl.annotations[k] = val.get<std::string>();
  }
  for (const auto& [k, val] : d.selector) {
    auto it = d.tmpl.labels.find(k);
    if (it == d.tmpl.labels.end() || it->second != val) {
      json labels(d.tmpl.labels);
      v.invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`");
      break;
    }
  }
  const json& ps = tmpl.value("spec", json());
  if (!ps.is_object()) {
    v.required("spec.template.spec.containers");
    return d;
  }
  const std::string pp = "spec.template.spec";
  v.known_fields(ps, pp,
                 {"containers", "initContainers", "terminationGracePeriodSeconds", "restartPolicy", "volumes",
                  "nodeSelector", "affinity", "tolerations", "serviceAccountName", "serviceAccount",
                  "imagePullSecrets", "securityContext", "hostNetwork", "dnsPolicy", "priorityClassName",
                  "schedulerName", "activeDeadlineSeconds", "automountServiceAccountToken", "enableServiceLinks",
                  "hostname", "subdomain", "topologySpreadConstraints", "runtimeClassName", "shareProcessNamespace",
                  "hostAliases", "hostPID", "hostIPC", "dnsConfig", "readinessGates", "priority", "nodeName",
                  "overhead", "preemptionPolicy", "setHostnameAsFQDN", "ephemeralContainers", "os"});
  v.ignored_fields(ps, pp, {"initContainers", "volumes", "activeDeadlineSeconds", "readinessGates"});
  std::string restart = ps.value("restartPolicy", "Always");
  if (restart != "Always") v.unsupported(join_path(pp, "restartPolicy"), restart, {"Always"});
  if (ps.contains("terminationGracePeriodSeconds") && !ps["terminationGracePeriodSeconds"].is_null()) {
    const json& g = ps["terminationGracePeriodSeconds"];
    if (!g.is_number_integer())
      v.invalid(join_path(pp, "terminationGracePeriodSeconds"), g, "must be of type int64");
    else if (g.get<long long>() < 0)
      v.invalid(join_path(pp, "terminationGracePeriodSeconds"), g, "must be greater than or equal to 0");
    else
      d.tmpl.termination_grace_seconds = g.get<std::int64_t>();
  }
  const json& cs = ps.value("containers", json());
  if (!cs.is_array() || cs.empty()) {
    v.required(join_path(pp, "containers"));
    return d;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    std::string cp = index_path(join_path(pp, "containers"), i);
    if (!cs[i].is_object()) {
      v.invalid(cp, cs[i], "must be of type object");
      continue;
    }
    auto c = parse_container(cs[i], cp, v);
    if (!c.name.empty() && !names.insert(c.name).second) v.duplicate(join_path(cp, "name"), c.name);
    d.tmpl.containers.push_back(std::move(c));
  }
  return d;
}

}  // namespace hayloft::orchestrator::objects
