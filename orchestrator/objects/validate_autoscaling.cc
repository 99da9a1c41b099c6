// HorizontalPodAutoscaler (autoscaling/v2, v1 converted) and KEDA ScaledObject /
// TriggerAuthentication validation. The KEDA checks are those of its admission webhook and
// CheckReplicaCountBoundsAreValid / CheckFallbackValid (apis/keda/v1alpha1/scaledobject_types.go).
#include <algorithm>
#include <set>

#include "orchestrator/objects/quantity.h"
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {
namespace {

std::optional<std::int32_t> get_int32(const json& obj, std::string_view key, const std::string& path, validation& v,
                                      std::optional<long long> min = std::nullopt) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return std::nullopt;
  const json& x = obj[key];
  std::string p = join_path(path, key);
  if (!x.is_number_integer()) {
    v.invalid(p, x, p + " in body must be of type integer: \"" + std::string(x.type_name()) + "\"");
    return std::nullopt;
  }
  long long n = x.get<long long>();
  if (n > 2147483647LL || n < -2147483648LL) {
    v.invalid(p, x, "must fit in int32");
    return std::nullopt;
  }
  if (min && n < *min) {
    v.invalid(p, x, "must be greater than or equal to " + std::to_string(*min));
    return std::nullopt;
  }
  return static_cast<std::int32_t>(n);
}

std::string get_str(const json& obj, std::string_view key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return {};
  return obj[key].get<std::string>();
}

cross_version_ref parse_ref(const json& ref, const std::string& path, validation& v) {
  cross_version_ref r;
  if (!ref.is_object()) {
    v.required(join_path(path, "name"));
    return r;
  }
  v.known_fields(ref, path, {"apiVersion", "kind", "name", "envSourceContainerName"});
  if (auto a = get_str(ref, "apiVersion"); !a.empty()) r.api_version = a;
  if (auto k = get_str(ref, "kind"); !k.empty()) r.kind = k;
  r.name = get_str(ref, "name");
  if (r.name.empty()) v.required(join_path(path, "name"));
  if (r.kind != "Deployment") v.unsupported(join_path(path, "kind"), r.kind, {"Deployment"});
  if (r.api_version != "apps/v1") v.unsupported(join_path(path, "apiVersion"), r.api_version, {"apps/v1"});
  return r;
}

scaling_rules parse_rules(const json& r, const std::string& path, validation& v) {
  scaling_rules out;
  v.known_fields(r, path, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"});
  if (auto w = get_int32(r, "stabilizationWindowSeconds", path, v, 0)) {
    if (*w > 3600)
      v.invalid(join_path(path, "stabilizationWindowSeconds"), *w, "must be less than or equal to 3600");
    else
      out.stabilization_window_seconds = *w;
  }
  if (r.contains("selectPolicy") && !r["selectPolicy"].is_null()) {
    std::string s = get_str(r, "selectPolicy");
    if (s != "Max" && s != "Min" && s != "Disabled")
      v.unsupported(join_path(path, "selectPolicy"), r["selectPolicy"], {"Disabled", "Max", "Min"});
    else
      out.select_policy = s;
  }
  if (r.contains("tolerance") && !r["tolerance"].is_null()) {
    auto t = quantity_milli(r["tolerance"]);
    if (!t || *t < 0)
      v.invalid(join_path(path, "tolerance"), r["tolerance"], "must be greater than or equal to 0");
    else
      out.tolerance = static_cast<double>(*t) / 1000.0;
  }
  if (r.contains("policies") && r["policies"].is_array()) {
    std::vector<scaling_policy> policies;
    const json& ps = r["policies"];
    for (std::size_t i = 0; i < ps.size(); ++i) {
      std::string pp = index_path(join_path(path, "policies"), i);
      scaling_policy p;
      v.known_fields(ps[i], pp, {"type", "value", "periodSeconds"});
      p.type = get_str(ps[i], "type");
      if (p.type != "Pods" && p.type != "Percent")
        v.unsupported(join_path(pp, "type"), ps[i].value("type", json()), {"Percent", "Pods"});
      auto val = get_int32(ps[i], "value", pp, v);
      if (!val || *val <= 0)
        v.invalid(join_path(pp, "value"), ps[i].value("value", json(0)), "must be greater than zero");
      else
        p.value = *val;
      auto period = get_int32(ps[i], "periodSeconds", pp, v);
      if (!period || *period <= 0)
        v.invalid(join_path(pp, "periodSeconds"), ps[i].value("periodSeconds", json(0)), "must be greater than zero");
      else if (*period > 1800)
        v.invalid(join_path(pp, "periodSeconds"), *period, "must be less than or equal to 1800");
      else
        p.period_seconds = *period;
      policies.push_back(p);
    }
    if (policies.empty() && out.select_policy.value_or("Max") != "Disabled")
      v.required(join_path(path, "policies"), "must specify at least one Policy");
    out.policies = std::move(policies);
  }
  return out;
}

metric_target parse_target(const json& t, const std::string& path, validation& v) {
  metric_target out;
  if (!t.is_object()) {
    v.required(join_path(path, "type"));
    return out;
  }
  v.known_fields(t, path, {"type", "averageUtilization", "value", "averageValue"});
  out.type = get_str(t, "type");
  if (out.type != "Utilization" && out.type != "Value" && out.type != "AverageValue")
    v.unsupported(join_path(path, "type"), t.value("type", json()), {"AverageValue", "Utilization", "Value"});
  if (auto u = get_int32(t, "averageUtilization", path, v)) out.average_utilization = *u;
  for (auto [key, slot] : {std::pair{"value", &out.value_milli}, std::pair{"averageValue", &out.average_value_milli}}) {
    if (!t.contains(key) || t[key].is_null()) continue;
    auto q = quantity_milli(t[key]);
    if (!q || *q <= 0)
      v.invalid(join_path(path, key), t[key], "must be positive");
    else
      *slot = *q;
  }
  if (out.type == "Utilization" && (!out.average_utilization || *out.average_utilization <= 0))
    v.required(join_path(path, "averageUtilization"), "must set averageUtilization when type is Utilization");
  if (out.type == "Value" && !out.value_milli) v.required(join_path(path, "value"), "must set value when type is Value");
  if (out.type == "AverageValue" && !out.average_value_milli)
    v.required(join_path(path, "averageValue"), "must set averageValue when type is AverageValue");
  return out;
}

metric_spec parse_metric(const json& m, const std::string& path, validation& v) {
  metric_spec out;
  v.known_fields(m, path, {"type", "resource", "external", "pods", "object", "containerResource"});
  out.type = get_str(m, "type");
  static const std::map<std::string, std::string> member{{"Resource", "resource"},
                                                         {"External", "external"},
                                                         {"Pods", "pods"},
                                                         {"Object", "object"},
                                                         {"ContainerResource", "containerResource"}};
  auto it = member.find(out.type);
  if (it == member.end()) {
    v.unsupported(join_path(path, "type"), m.value("type", json()),
                  {"ContainerResource", "External", "Object", "Pods", "Resource"});
    return out;
  }
  std::string mp = join_path(path, it->second);
  const json& body = m.value(it->second, json());
  if (!body.is_object()) {
    v.required(mp, "must populate information for the given metric source");
    return out;
  }
  if (out.type == "ContainerResource") {
    v.warn(mp + " is not implemented by hayloft and has no effect");
    return out;
  }
  if (out.type == "Resource") {
    v.known_fields(body, mp, {"name", "target"});
    out.name = get_str(body, "name");
    if (out.name != "cpu" && out.name != "memory")
      v.unsupported(join_path(mp, "name"), body.value("name", json()), {"cpu", "memory"});
  } else {
    if (out.type == "Object") {
      v.known_fields(body, mp, {"metric", "target", "describedObject"});
      const json& d = body.value("describedObject", json());
      std::string dp = join_path(mp, "describedObject");
      out.described_object.api_version = get_str(d, "apiVersion");
      out.described_object.kind = get_str(d, "kind");
      out.described_object.name = get_str(d, "name");
      if (out.described_object.kind.empty()) v.required(join_path(dp, "kind"));
      if (out.described_object.name.empty()) v.required(join_path(dp, "name"));
    } else {
      v.known_fields(body, mp, {"metric", "target"});
    }
    const json& metric = body.value("metric", json());
    out.name = get_str(metric, "name");
    if (out.name.empty()) v.required(join_path(mp, "metric.name"), "must specify a metric name");
    if (metric.is_object() && metric.contains("selector") && metric["selector"].is_object()) {
      const json& sel = metric["selector"];
      if (sel.contains("matchLabels") && sel["matchLabels"].is_object())
        for (const auto& [k, val] : sel["matchLabels"].items())
          if (val.is_string()) out.selector[k] = val.get<std::string>();
    }
  }
  out.target = parse_target(body.value("target", json()), join_path(mp, "target"), v);
  if (out.type == "Resource" && out.target.type == "Value")
    v.invalid(join_path(mp, "target.type"), out.target.type, "must be either Utilization or AverageValue");
  if (out.type == "Pods" && out.target.type != "AverageValue")
    v.invalid(join_path(mp, "target.type"), out.target.type, "must be AverageValue");
  if ((out.type == "External" || out.type == "Object") && out.target.type == "Utilization")
    v.invalid(join_path(mp, "target.type"), out.target.type, "must be either Value or AverageValue");
  return out;
}

std::map<std::string, std::string> string_metadata(const json& md, const std::string& path, validation& v) {
  std::map<std::string, std::string> out;
  if (md.is_null()) return out;
  if (!md.is_object()) {
    v.invalid(path, md, path + " in body must be of type object");
    return out;
  }
  for (const auto& [k, val] : md.items()) {
    if (!val.is_string()) {
      // KEDA's CRD declares metadata as map[string]string: `queueLength: 10` is rejected.
      std::string p = join_path(path, k);
      v.invalid(p, std::string(val.type_name()), p + " in body must be of type string: \"" + val.type_name() + "\"");
      continue;
    }
    out[k] = val.get<std::string>();
  }
  return out;
}

bool parse_bool_text(const std::string& s, bool& out) {
  if (s == "true" || s == "True" || s == "TRUE" || s == "1" || s == "t" || s == "T") return out = true, true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "0" || s == "f" || s == "F") return out = false, true;
  return false;
}

void check_trigger_metadata(const trigger_spec& t, const std::string& path, validation& v) {
  const std::string mp = join_path(path, "metadata");
  auto int_field = [&](const char* key) {
    auto it = t.metadata.find(key);
    if (it == t.metadata.end() || it->second.empty()) return;
    auto q = parse_milli(it->second);
    if (!q) v.invalid(join_path(mp, key), it->second, "must be a number");
  };
  auto bool_field = [&](const char* key) {
    auto it = t.metadata.find(key);
    bool b;
    if (it != t.metadata.end() && !parse_bool_text(it->second, b))
      v.invalid(join_path(mp, key), it->second, "must be a boolean");
  };
  if (t.type == "aws-sqs-queue") {
    if (!t.metadata.count("queueURL") && !t.metadata.count("queueURLFromEnv"))
      v.required(join_path(mp, "queueURL"), "no queueURL given");
    if (!t.metadata.count("awsRegion")) v.required(join_path(mp, "awsRegion"), "no awsRegion given");
    int_field("queueLength");
    int_field("activationQueueLength");
    bool_field("scaleOnInFlight");
    bool_field("scaleOnDelayed");
    for (const auto& [k, _] : t.metadata) {
      static const std::set<std::string> known{"queueURL", "queueURLFromEnv", "queueLength", "activationQueueLength",
                                               "awsRegion", "awsEndpoint", "scaleOnInFlight", "scaleOnDelayed",
                                               "identityOwner", "awsAccessKeyID", "awsSecretAccessKey",
                                               "awsSessionToken", "awsRoleArn"};
      if (!known.count(k)) v.warn("unknown field \"" + join_path(mp, k) + "\"");
    }
  } else if (t.type == "cpu" || t.type == "memory") {
    if (!t.metadata.count("value")) v.required(join_path(mp, "value"), "no value given");
    int_field("value");
    int_field("activationValue");
  } else if (t.type == "prometheus") {
    if (!t.metadata.count("query")) v.required(join_path(mp, "query"), "no query given");
    if (!t.metadata.count("threshold")) v.required(join_path(mp, "threshold"), "no threshold given");
    int_field("threshold");
    int_field("activationThreshold");
  } else {
    v.warn(join_path(path, "type") + ": trigger type \"" + t.type +
           "\" is not implemented by hayloft; its scaler will report errors");
  }
}

}  // namespace

std::optional<hpa_behavior> parse_behavior(const json& behavior, const std::string& path, validation& v) {
  if (!behavior.is_object()) return std::nullopt;
  hpa_behavior b;
  v.known_fields(behavior, path, {"scaleUp", "scaleDown"});
  if (behavior.contains("scaleUp") && behavior["scaleUp"].is_object())
    b.scale_up = parse_rules(behavior["scaleUp"], join_path(path, "scaleUp"), v);
  if (behavior.contains("scaleDown") && behavior["scaleDown"].is_object())
    b.scale_down = parse_rules(behavior["scaleDown"], join_path(path, "scaleDown"), v);
  return b;
}

hpa_spec parse_hpa(const json& obj, validation& v) {
  hpa_spec h;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  const json& spec = obj.value("spec", json());
  if (!spec.is_object()) {
    v.required("spec.scaleTargetRef.name");
    v.required("spec.maxReplicas");
    return h;
  }
  v.known_fields(spec, "spec", {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"});
  h.target = parse_ref(spec.value("scaleTargetRef", json()), "spec.scaleTargetRef", v);
  if (auto mn = get_int32(spec, "minReplicas", "spec", v)) {
    if (*mn < 1)
      v.invalid("spec.minReplicas", *mn, "must be greater than or equal to 1");
    else
      h.min_replicas = *mn;
  }
  if (auto mx = get_int32(spec, "maxReplicas", "spec", v)) {
    h.max_replicas = *mx;
    if (*mx < 1) v.invalid("spec.maxReplicas", *mx, "must be greater than 0");
    if (*mx < h.min_replicas) v.invalid("spec.maxReplicas", *mx, "must be greater than or equal to `minReplicas`");
  } else {
    v.required("spec.maxReplicas");
  }
  if (spec.contains("metrics") && spec["metrics"].is_array()) {
    for (std::size_t i = 0; i < spec["metrics"].size(); ++i)
      h.metrics.push_back(parse_metric(spec["metrics"][i], index_path("spec.metrics", i), v));
  }
  if (spec.contains("behavior")) h.behavior = parse_behavior(spec["behavior"], "spec.behavior", v);
  return h;
}

scaled_object_spec parse_scaled_object(const json& obj, validation& v) {
  scaled_object_spec s;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  s.hpa_name = "keda-hpa-" + get_str(obj.value("metadata", json()), "name");
  const json& spec = obj.value("spec", json());
  if (!spec.is_object()) {
    v.required("spec.scaleTargetRef");
    v.required("spec.triggers");
    return s;
  }
  v.known_fields(spec, "spec",
                 {"scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
                  "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"});
  s.target = parse_ref(spec.value("scaleTargetRef", json()), "spec.scaleTargetRef", v);
  s.env_source_container = get_str(spec.value("scaleTargetRef", json::object()), "envSourceContainerName");
  if (auto p = get_int32(spec, "pollingInterval", "spec", v, 1)) s.polling_interval = *p;
  if (auto c = get_int32(spec, "cooldownPeriod", "spec", v, 0)) s.cooldown_period = *c;
  if (auto c = get_int32(spec, "initialCooldownPeriod", "spec", v, 0)) s.initial_cooldown_period = *c;
  s.min_replica_count = get_int32(spec, "minReplicaCount", "spec", v, 0);
  if (auto m = get_int32(spec, "maxReplicaCount", "spec", v, 0)) s.max_replica_count = *m;
  s.idle_replica_count = get_int32(spec, "idleReplicaCount", "spec", v, 0);
  // CheckReplicaCountBoundsAreValid: "min" is the HPA minimum when minReplicaCount is set.
  std::int32_t min = s.min_replica_count ? s.hpa_min_replicas() : 0;
  if (min > s.max_replica_count)
    v.invalid("spec.minReplicaCount", min,
              "MinReplicaCount=" + std::to_string(min) + " must be less than MaxReplicaCount=" +
                  std::to_string(s.max_replica_count));
  if (s.idle_replica_count && *s.idle_replica_count >= min)
    v.invalid("spec.idleReplicaCount", *s.idle_replica_count,
              "IdleReplicaCount=" + std::to_string(*s.idle_replica_count) + " must be less than MinReplicaCount=" +
                  std::to_string(min));
  if (spec.contains("fallback") && spec["fallback"].is_object()) {
    const json& f = spec["fallback"];
    v.known_fields(f, "spec.fallback", {"failureThreshold", "replicas", "behavior"});
    fallback_spec fb;
    auto ft = get_int32(f, "failureThreshold", "spec.fallback", v);
    auto fr = get_int32(f, "replicas", "spec.fallback", v);
    if (!f.contains("failureThreshold")) v.required("spec.fallback.failureThreshold");
    if (!f.contains("replicas")) v.required("spec.fallback.replicas");
    if ((ft && *ft < 0) || (fr && *fr < 0))
      v.invalid("spec.fallback", "", "FailureThreshold=" + std::to_string(ft.value_or(0)) + " & Replicas=" +
                                         std::to_string(fr.value_or(0)) + " must both be greater than or equal to 0");
    fb.failure_threshold = ft.value_or(0);
    fb.replicas = fr.value_or(0);
    if (f.contains("behavior")) {
      fb.behavior = get_str(f, "behavior");
      static const std::vector<std::string> ok{"static", "currentReplicas", "currentReplicasIfHigher",
                                               "currentReplicasIfLower"};
      if (std::find(ok.begin(), ok.end(), fb.behavior) == ok.end())
        v.unsupported("spec.fallback.behavior", f["behavior"], ok);
    }
    s.fallback = fb;
  }
  if (spec.contains("advanced") && spec["advanced"].is_object()) {
    const json& adv = spec["advanced"];
    v.known_fields(adv, "spec.advanced", {"restoreToOriginalReplicaCount", "horizontalPodAutoscalerConfig", "scalingModifiers"});
    v.ignored_fields(adv, "spec.advanced", {"scalingModifiers"});
    s.restore_to_original_replica_count = adv.value("restoreToOriginalReplicaCount", false);
    if (adv.contains("horizontalPodAutoscalerConfig") && adv["horizontalPodAutoscalerConfig"].is_object()) {
      const json& hc = adv["horizontalPodAutoscalerConfig"];
      v.known_fields(hc, "spec.advanced.horizontalPodAutoscalerConfig", {"name", "behavior"});
      if (auto n = get_str(hc, "name"); !n.empty()) s.hpa_name = n;
      if (hc.contains("behavior"))
        s.behavior = parse_behavior(hc["behavior"], "spec.advanced.horizontalPodAutoscalerConfig.behavior", v);
    }
  }
  const json& triggers = spec.value("triggers", json());
  if (!triggers.is_array() || triggers.empty()) {
    v.required("spec.triggers");
    return s;
  }
  for (std::size_t i = 0; i < triggers.size(); ++i) {
    std::string tp = index_path("spec.triggers", i);
    const json& t = triggers[i];
    if (!t.is_object()) {
      v.invalid(tp, t, "must be of type object");
      continue;
    }
    v.known_fields(t, tp, {"type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"});
    trigger_spec ts;
    ts.type = get_str(t, "type");
    if (ts.type.empty()) v.required(join_path(tp, "type"));
    ts.name = get_str(t, "name");
    ts.metadata = string_metadata(t.value("metadata", json()), join_path(tp, "metadata"), v);
    if (t.contains("authenticationRef") && t["authenticationRef"].is_object()) {
      ts.auth_ref = get_str(t["authenticationRef"], "name");
      ts.auth_ref_kind = get_str(t["authenticationRef"], "kind");
      if (ts.auth_ref_kind.empty()) ts.auth_ref_kind = "TriggerAuthentication";
      if (ts.auth_ref_kind == "ClusterTriggerAuthentication")
        v.warn(join_path(tp, "authenticationRef.kind") + ": ClusterTriggerAuthentication is not implemented by hayloft");
    }
    if (t.contains("metricType")) {
      ts.metric_type = get_str(t, "metricType");
      if (ts.metric_type != "AverageValue" && ts.metric_type != "Value" && ts.metric_type != "Utilization")
        v.unsupported(join_path(tp, "metricType"), t["metricType"], {"AverageValue", "Utilization", "Value"});
    } else if (ts.type == "cpu" || ts.type == "memory") {
      ts.metric_type = "Utilization";
    }
    if (t.contains("useCachedMetrics") && !t["useCachedMetrics"].is_null()) {
      if (t["useCachedMetrics"].is_boolean()) ts.use_cached_metrics = t["useCachedMetrics"].get<bool>();
      else v.invalid(join_path(tp, "useCachedMetrics"), t["useCachedMetrics"], "must be of type boolean");
    }
    check_trigger_metadata(ts, tp, v);
    s.triggers.push_back(std::move(ts));
  }
  if (s.fallback) {
    for (std::size_t i = 0; i < s.triggers.size(); ++i) {
      const auto& t = s.triggers[i];
      if (t.type == "cpu" || t.type == "memory" || t.metric_type != "AverageValue")
        v.invalid(index_path("spec.triggers", i) + ".metricType", t.metric_type,
                  "type for the fallback to be enabled must be AverageValue (cpu and memory triggers are not supported)");
    }
  }
  return s;
}

trigger_authentication_spec parse_trigger_authentication(const json& obj, validation& v) {
  trigger_authentication_spec ta;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  const json& spec = obj.value("spec", json());
  if (!spec.is_object()) return ta;
  v.known_fields(spec, "spec",
                 {"secretTargetRef", "configMapTargetRef", "env", "podIdentity", "hashiCorpVault", "azureKeyVault",
                  "awsSecretManager", "gcpSecretManager", "boundServiceAccountToken"});
  v.ignored_fields(spec, "spec", {"hashiCorpVault", "azureKeyVault", "awsSecretManager", "gcpSecretManager",
                                  "boundServiceAccountToken"});
  auto refs = [&](const char* key, std::vector<secret_target_ref>& out) {
    if (!spec.contains(key) || !spec[key].is_array()) return;
    for (std::size_t i = 0; i < spec[key].size(); ++i) {
      const json& r = spec[key][i];
      std::string p = index_path(join_path("spec", key), i);
      v.known_fields(r, p, {"parameter", "name", "key"});
      secret_target_ref ref{get_str(r, "parameter"), get_str(r, "name"), get_str(r, "key")};
      if (ref.parameter.empty()) v.required(join_path(p, "parameter"));
      if (ref.name.empty()) v.required(join_path(p, "name"));
      if (ref.key.empty()) v.required(join_path(p, "key"));
      out.push_back(ref);
    }
  };
  refs("secretTargetRef", ta.secret_target_refs);
  refs("configMapTargetRef", ta.config_map_target_refs);
  if (spec.contains("env") && spec["env"].is_array())
    for (const auto& e : spec["env"]) ta.env.emplace_back(get_str(e, "parameter"), get_str(e, "name"));
  if (spec.contains("podIdentity") && spec["podIdentity"].is_object()) {
    ta.pod_identity_provider = get_str(spec["podIdentity"], "provider");
    if (ta.pod_identity_provider != "none" && !ta.pod_identity_provider.empty())
      v.warn("spec.podIdentity.provider: \"" + ta.pod_identity_provider +
             "\" is not implemented by hayloft; credentials come from secretTargetRef");
  }
  return ta;
}

}  // namespace hayloft::orchestrator::objects
