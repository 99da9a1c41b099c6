// The KEDA operator loop (a poll per ScaledObject every pollingInterval) and the HPA controller
// (a sync per HPA every 15 s), reading metrics through the scalers and applying the pure
// decisions of scaling/keda.h and scaling/hpa.h.
#include <cctype>
#include <cmath>

#include "orchestrator/controller/state.h"
#include "orchestrator/objects/quantity.h"
#include "orchestrator/objects/validate.h"
#include "orchestrator/scaling/triggers.h"

namespace hayloft::orchestrator {
namespace {

std::string scaler_name(const objects::trigger_spec& t) {
  if (!t.name.empty()) return t.name;
  if (t.type == "aws-sqs-queue") return "awsSqsQueueScaler";
  if (t.type == "cpu" || t.type == "memory") return "cpuMemoryScaler";
  if (t.type == "prometheus") return "prometheusScaler";
  return t.type;
}

json condition_json(const std::string& type, const scaling::keda_condition& c) {
  json j{{"type", type}, {"status", c.status}};
  if (!c.reason.empty()) j["reason"] = c.reason;
  if (!c.message.empty()) j["message"] = c.message;
  return j;
}

json hpa_condition(const std::string& type, const scaling::condition& c, const std::string& now) {
  return {{"type", type}, {"status", c.status}, {"reason", c.reason}, {"message", c.message}, {"lastTransitionTime", now}};
}

std::string selector_text(const objects::label_map& sel) {
  std::string s = "&LabelSelector{MatchLabels:map[string]string{";
  for (const auto& [k, v] : sel) s += k + ": " + v + ",";
  return s + "},MatchExpressions:[]LabelSelectorRequirement{},}";
}

double as_value(std::int64_t milli) { return static_cast<double>(milli) / 1000.0; }

std::string seconds_text(std::int32_t s) { return std::to_string(s) + "s"; }

}  // namespace

std::string metav1_time(time_point t) {
  std::string s = core::iso8601(scaling::whole_seconds(t));  // "...T00:03:00.000Z"
  if (auto dot = s.rfind('.'); dot != std::string::npos) s.erase(dot, s.size() - 1 - dot);
  return s;
}

std::string keda_metric_name(const objects::trigger_spec& t, std::size_t i) {
  if (t.type == "aws-sqs-queue") {
    auto parsed = scaling::parse_sqs_trigger(t, {}, {});
    std::string queue = parsed ? parsed->queue_name
                               : (t.metadata.count("queueURLFromEnv") ? t.metadata.at("queueURLFromEnv") : "queue");
    return scaling::external_metric_name(i, scaling::normalize_metric_string("aws-sqs-" + queue));
  }
  if (t.type == "prometheus") return scaling::external_metric_name(i, "prometheus");
  return scaling::external_metric_name(i, scaling::normalize_metric_string(t.type));
}

std::map<std::string, std::string> controller::impl::trigger_auth_params(const std::string& ns,
                                                                        const objects::trigger_spec& t,
                                                                        const std::map<std::string, std::string>& env,
                                                                        std::string& err) {
  std::map<std::string, std::string> params;
  if (t.auth_ref.empty()) return params;
  auto* ta = find(objects::kind::trigger_authentication, ns, t.auth_ref);
  if (!ta) {
    err = "error getting triggerAuth: triggerauthentications.keda.sh \"" + t.auth_ref + "\" not found";
    return params;
  }
  objects::validation v;
  auto spec = objects::parse_trigger_authentication(ta->obj, v);
  // KEDA resolves a missing Secret or key to an empty parameter (resolveAuthSecret).
  for (const auto& ref : spec.secret_target_refs) {
    auto* s = find(objects::kind::secret, ns, ref.name);
    if (!s) continue;
    auto data = objects::parse_secret(s->obj, v);
    if (auto it = data.find(ref.key); it != data.end()) params[ref.parameter] = it->second;
  }
  for (const auto& ref : spec.config_map_target_refs) {
    auto* c = find(objects::kind::config_map, ns, ref.name);
    if (!c) continue;
    auto data = objects::parse_config_map(c->obj, v);
    if (auto it = data.find(ref.key); it != data.end()) params[ref.parameter] = it->second;
  }
  for (const auto& [parameter, name] : spec.env)
    if (auto it = env.find(name); it != env.end()) params[parameter] = it->second;
  return params;
}

controller::impl::trigger_reading controller::impl::evaluate_trigger(const ns_name& so_key, std::size_t i) {
  trigger_reading r;
  auto& so = scaled_objects.at(so_key);
  const auto& t = so.spec.triggers[i];
  const std::string& ns = so_key.first;
  if (t.type == "cpu" || t.type == "memory") {
    r.external = false;
    return r;
  }
  // The target container's environment, for queueURLFromEnv and *FromEnv credentials.
  std::map<std::string, std::string> env;
  if (auto dit = deployments.find({ns, so.spec.target.name}); dit != deployments.end()) {
    const auto& cs = dit->second.spec.tmpl.containers;
    const objects::container_spec* chosen = cs.empty() ? nullptr : &cs.front();
    for (const auto& c : cs)
      if (c.name == so.spec.env_source_container) chosen = &c;
    if (chosen)
      if (auto e = container_env(ns, "", "", *chosen)) env = std::move(*e);
  }
  std::string auth_error;
  auto auth = trigger_auth_params(ns, t, env, auth_error);
  if (!auth_error.empty()) {
    r.error = auth_error;
    return r;
  }
  if (t.type == "aws-sqs-queue") {
    auto parsed = scaling::parse_sqs_trigger(t, env, auth);
    if (!parsed) {
      r.error = parsed.err().message;
      return r;
    }
    if (opts.check_credentials && !parsed->operator_identity) {
      if (parsed->access_key_id.empty()) {
        r.error = "awsAccessKeyID not found";
        return r;
      }
      if (auto ok = opts.check_credentials(parsed->access_key_id, parsed->secret_access_key); !ok) {
        r.error = ok.err().message;
        return r;
      }
    }
    auto counts = queues.counts(parsed->queue_name);
    if (!counts) {
      r.error = counts.err().message;
      return r;
    }
    std::int64_t n = scaling::sqs_queue_length(*parsed, *counts);
    r.value_milli = n * 1000;
    r.active = n * 1000 > parsed->activation_milli;
    return r;
  }
  if (t.type == "prometheus") {
    auto parsed = scaling::parse_prometheus_trigger(t);
    if (!parsed) {
      r.error = parsed.err().message;
      return r;
    }
    if (!opts.metrics) {
      r.error = "hayloft has no metrics source for prometheus triggers";
      return r;
    }
    auto elements = opts.metrics->query(parsed->query);
    if (!elements) {
      r.error = elements.err().message;
      return r;
    }
    auto v = scaling::prometheus_value(*parsed, *elements);
    if (!v) {
      r.error = v.err().message;
      return r;
    }
    r.value_milli = static_cast<std::int64_t>(std::llround(*v * 1000.0));
    r.active = *r.value_milli > parsed->activation_milli;
    return r;
  }
  r.error = "no scaler found for type: " + t.type;
  return r;
}

void controller::impl::start_scaled_object(const ns_name& so_key) {
  auto& so = scaled_objects.at(so_key);
  cancel(so.poll_timer);
  so.next_poll.reset();
  so.checked_ok = false;
  first_polls.emplace_back(so_key, ++so.epoch);
}

void controller::impl::recheck_failed_scaled_objects(const std::string& ns) {
  for (auto& [key, so] : scaled_objects)
    if (key.first == ns && so.last_poll && !so.checked_ok) start_scaled_object(key);
}

void controller::impl::run_first_polls() {
  auto due = std::move(first_polls);
  first_polls.clear();
  for (std::size_t i = 0; i < due.size(); ++i) {
    // A loop restarted twice in one call checks once.
    bool later = false;
    for (std::size_t j = i + 1; j < due.size(); ++j) later = later || due[j].first == due[i].first;
    if (!later) poll_scaled_object(due[i].first, due[i].second);
  }
}

void controller::impl::poll_scaled_object(const ns_name& so_key, std::uint64_t epoch) {
  auto it = scaled_objects.find(so_key);
  if (it == scaled_objects.end() || it->second.epoch != epoch) return;
  scaled_object_rt& so = it->second;
  const time_point now = clock.now();
  // As startScaleLoop: the next tick is set before the check, so checks stay pollingInterval
  // apart whatever a check costs.
  so.last_poll = now;
  so.next_poll = now + std::chrono::seconds(so.spec.polling_interval);
  so.poll_timer = schedule_at(*so.next_poll, [so_key, epoch](impl& s) { s.poll_scaled_object(so_key, epoch); });
  const std::string& ns = so_key.first;
  ns_name target{ns, so.spec.target.name};
  auto write_status = [&] {
    auto* o = find(objects::kind::scaled_object, ns, so_key.second);
    if (!o) return;
    json st{{"scaleTargetKind", so.spec.target.api_version + "." + so.spec.target.kind},
            {"scaleTargetGVKR", {{"group", "apps"}, {"kind", "Deployment"}, {"resource", "deployments"}, {"version", "v1"}}},
            {"hpaName", so.spec.hpa_name},
            {"conditions", json::array({condition_json("Ready", so.status.ready), condition_json("Active", so.status.active),
                                        condition_json("Fallback", so.status.fallback),
                                        condition_json("Paused", so.status.paused)})}};
    json names = json::array();
    for (std::size_t i = 0; i < so.spec.triggers.size(); ++i)
      if (so.spec.triggers[i].type != "cpu" && so.spec.triggers[i].type != "memory")
        names.push_back(keda_metric_name(so.spec.triggers[i], i));
    st["externalMetricNames"] = names;
    if (so.status.last_active_time) st["lastActiveTime"] = metav1_time(*so.status.last_active_time);
    if (so.status.original_replica_count) st["originalReplicaCount"] = *so.status.original_replica_count;
    if (so.status.paused_replica_count) st["pausedReplicaCount"] = *so.status.paused_replica_count;
    if (!so.status.health.empty()) {
      json h = json::object();
      for (const auto& [m, hs] : so.status.health) h[m] = {{"numberOfFailures", hs.failures}, {"status", hs.status}};
      st["health"] = h;
    }
    if (o->obj.value("status", json()) != st) {
      o->obj["status"] = st;
      persist(object_key{objects::kind::scaled_object, ns, so_key.second});
    }
  };
  auto dit = deployments.find(target);
  if (dit == deployments.end()) {
    if (so.status.ready.reason != "ScaledObjectCheckFailed")
      record(objects::kind::scaled_object, ns, so_key.second, "Warning", "ScaledObjectCheckFailed", "keda-operator",
             "Target resource doesn't exist");
    so.status.ready = {"False", "ScaledObjectCheckFailed", "ScaledObject doesn't have correct scaleTargetRef specification"};
    write_status();
    return;
  }
  const std::int32_t current = dit->second.spec.replicas;
  if (!so.status.original_replica_count) so.status.original_replica_count = current;
  auto pause = scaling::pause_from_annotations(so.annotations);
  bool is_active = false, is_error = false;
  std::vector<std::string> active_triggers;
  std::optional<double> first_metric;
  so.scalers.resize(so.spec.triggers.size());
  if (!pause.paused) {
    std::size_t cpu_mem = 0;
    for (std::size_t i = 0; i < so.spec.triggers.size(); ++i) {
      const auto& t = so.spec.triggers[i];
      auto reading = evaluate_trigger(so_key, i);
      auto& sc = so.scalers[i];
      sc.trigger_name = scaler_name(t);
      sc.metric_name = reading.external ? keda_metric_name(t, i) : t.type;
      if (!reading.external) {
        ++cpu_mem;
        continue;
      }
      sc.error = reading.error;
      sc.active = reading.error.empty() && reading.active;
      sc.value = reading.value_milli ? std::optional<double>(as_value(*reading.value_milli)) : std::nullopt;
      if (!first_metric && sc.value) first_metric = sc.value;
      if (!reading.error.empty()) {
        is_error = true;
        record(objects::kind::scaled_object, ns, so_key.second, "Warning", "KEDAScalerFailed", "keda-operator", reading.error);
      } else if (reading.active) {
        is_active = true;
        active_triggers.push_back(sc.trigger_name);
      }
    }
    // cpu/memory triggers alone can never activate from zero: such an object is always active.
    if (so.spec.triggers.size() <= cpu_mem && !is_error) is_active = true;
  }
  scaling::poll_input in;
  in.spec = &so.spec;
  in.pause = pause;
  in.target_description = so.spec.target.api_version + "." + so.spec.target.kind + " " + ns + "/" + so.spec.target.name;
  in.created = so.created;
  in.now = now;
  in.current_replicas = current;
  in.is_active = is_active;
  in.is_error = is_error;
  in.active_triggers = active_triggers;
  // What the cooldown rests on, before this poll changes it.
  const std::optional<time_point> last_active_before = so.status.last_active_time;
  const time_point cooldown_ends_before = scaling::cooldown_end(so.spec, so.status, so.created);
  if (!is_error) so.checked_ok = true;
  auto out = scaling::request_scale(in, so.status);
  auto cooldown_extra = [&](const std::optional<time_point>& last_active, time_point ends) {
    json j{{"cooldownEnds", metav1_time(ends)}};
    j["lastActiveTime"] = last_active ? json(metav1_time(*last_active)) : json(nullptr);
    return j;
  };
  if (out.cooldown_started_until) {
    // hayloft's event: KEDA only sets the Active condition to ScalerCooldown.
    std::string since = so.status.last_active_time
                            ? "last active poll at " + metav1_time(*so.status.last_active_time) + ", cooldownPeriod " +
                                  seconds_text(so.spec.cooldown_period)
                            : "no trigger active since creation at " + metav1_time(so.created) +
                                  ", initialCooldownPeriod " + seconds_text(so.spec.initial_cooldown_period);
    record(objects::kind::scaled_object, ns, so_key.second, "Normal", "ScalerCooldown", "keda-operator",
           "Scaler cooling down because triggers are not active (" + since + "); scale-in at the first poll from " +
               metav1_time(*out.cooldown_started_until),
           std::nullopt, std::nullopt, std::nullopt, cooldown_extra(so.status.last_active_time, *out.cooldown_started_until));
  }
  if (out.scale_to) {
    json extra = json::object();
    if (out.event_reason == "KEDAScaleTargetDeactivated") extra = cooldown_extra(last_active_before, cooldown_ends_before);
    record(objects::kind::scaled_object, ns, so_key.second, out.event_type.empty() ? "Normal" : out.event_type,
           out.event_reason.empty() ? "KEDAScaleTargetScaled" : out.event_reason, "keda-operator",
           out.event_message.empty() ? "Scaled " + in.target_description + " from " + std::to_string(current) + " to " +
                                           std::to_string(*out.scale_to)
                                     : out.event_message,
           current, *out.scale_to, first_metric, extra);
    set_replicas(target, *out.scale_to);
  }
  write_status();
}

json controller::impl::scale_loop_json(const ns_name& so_key) {
  auto it = scaled_objects.find(so_key);
  if (it == scaled_objects.end()) return nullptr;
  const auto& so = it->second;
  json j{{"pollingInterval", so.spec.polling_interval},
         {"cooldownPeriod", so.spec.cooldown_period},
         {"initialCooldownPeriod", so.spec.initial_cooldown_period},
         {"lastPoll", so.last_poll ? json(metav1_time(*so.last_poll)) : json(nullptr)},
         {"nextPoll", so.next_poll ? json(metav1_time(*so.next_poll)) : json(nullptr)},
         {"lastActiveTime", so.status.last_active_time ? json(metav1_time(*so.status.last_active_time)) : json(nullptr)},
         {"cooldownEnds", metav1_time(scaling::cooldown_end(so.spec, so.status, so.created))},
         {"active", so.status.active.status},
         {"activeReason", so.status.active.reason}};
  return j;
}

void controller::impl::start_hpa(const ns_name& h) {
  auto& rt = hpas.at(h);
  cancel(rt.sync_timer);
  const std::uint64_t epoch = ++rt.epoch;
  // A new HPA is first processed one resync period after it is added (the controller's work
  // queue uses a fixed 15 s rate limiter).
  rt.sync_timer = schedule_at(clock.now() + scaling::sync_period, [h, epoch](impl& s) { s.sync_hpa(h, epoch); });
}

void controller::impl::sync_hpa(const ns_name& h, std::uint64_t epoch) {
  auto it = hpas.find(h);
  if (it == hpas.end() || it->second.epoch != epoch) return;
  hpa_rt& rt = it->second;
  const time_point now = clock.now();
  const std::string now_text = core::iso8601(now);
  rt.sync_timer = schedule_at(now + scaling::sync_period, [h, epoch](impl& s) { s.sync_hpa(h, epoch); });
  const std::string& ns = h.first;
  ns_name target{ns, rt.spec.target.name};
  auto write_status = [&] {
    auto* o = find(objects::kind::horizontal_pod_autoscaler, ns, h.second);
    if (!o) return;
    json st{{"currentReplicas", rt.current_replicas}, {"desiredReplicas", rt.desired_replicas},
            {"currentMetrics", rt.current_metrics}, {"conditions", rt.conditions}};
    if (rt.last_scale_time) st["lastScaleTime"] = core::iso8601(*rt.last_scale_time);
    if (o->obj.value("status", json()) != st) {
      o->obj["status"] = st;
      persist(object_key{objects::kind::horizontal_pod_autoscaler, ns, h.second});
    }
  };
  auto dit = deployments.find(target);
  if (dit == deployments.end()) {
    std::string msg = "deployments.apps \"" + target.second + "\" not found";
    rt.conditions = json::array({hpa_condition(
        "AbleToScale", {"False", "FailedGetScale", "the HPA controller was unable to get the target's current scale: " + msg},
        now_text)});
    record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Warning", "FailedGetScale",
           "horizontal-pod-autoscaler", msg);
    write_status();
    return;
  }
  const std::int32_t current = dit->second.spec.replicas;
  scaling::tolerances tol = scaling::tolerances_of(rt.spec.behavior);
  std::vector<scaling::metric_proposal> proposals;
  json current_metrics = json::array();
  std::optional<double> first_value;
  scaled_object_rt* owner = nullptr;
  if (!rt.owner.empty())
    if (auto so = scaled_objects.find({ns, rt.owner}); so != scaled_objects.end()) owner = &so->second;

  // Per-pod samples for Resource and Pods metrics. A Pods metric is one query for all pods.
  auto pod_samples = [&](const objects::metric_spec& m, std::string* error = nullptr) {
    std::vector<scaling::pod_sample> out;
    std::map<std::string, double> pod_values;
    if (m.type == "Pods") {
      std::vector<std::string> names;
      for (auto* p : pods_of(target)) names.push_back(p->name);
      auto got = pods_metric(ns, m, names);
      if (got)
        pod_values = std::move(*got);
      else if (error)
        *error = got.err().message;
    }
    for (auto* p : pods_of(target)) {
      scaling::pod_sample s;
      s.name = p->name;
      s.ready = pod_ready(*p);
      s.pending = std::any_of(p->containers.begin(), p->containers.end(),
                              [](const container_rt& c) { return c.state == container_rt::phase::waiting && c.restarts == 0; });
      if (m.type == "Resource" && m.name == "memory") {
        // Bytes as milli-units, like the quantities they are compared with.
        std::int64_t req = 0, use = 0;
        bool all_req = true, all_use = true;
        for (auto& c : p->containers) {
          if (c.spec.memory_request_bytes)
            req += *c.spec.memory_request_bytes * 1000;
          else
            all_req = false;
          auto bytes = c.running ? c.running->memory_bytes() : std::nullopt;
          if (bytes)
            use += static_cast<std::int64_t>(*bytes) * 1000;
          else
            all_use = false;
        }
        if (all_req) s.request_milli = req;
        if (all_use) s.value_milli = use;
      } else if (m.type == "Resource") {
        std::int64_t req = 0, use = 0;
        bool all_req = true, all_use = true;
        for (auto& c : p->containers) {
          if (c.spec.cpu_request_milli) req += *c.spec.cpu_request_milli;
          else all_req = false;
          auto ns_now = c.running ? c.running->cpu_time_ns() : std::nullopt;
          auto steady = std::chrono::steady_clock::now();
          if (ns_now && c.cpu_ns) {
            double secs = std::chrono::duration<double>(steady - c.cpu_at).count();
            if (secs > 0) c.cpu_milli = static_cast<std::int64_t>(static_cast<double>(*ns_now - *c.cpu_ns) / 1e6 / secs);
          }
          if (ns_now) {
            c.cpu_ns = ns_now;
            c.cpu_at = steady;
          }
          if (c.cpu_milli) use += *c.cpu_milli;
          else all_use = false;
        }
        if (all_req) s.request_milli = req;
        if (all_use) s.value_milli = use;
      } else if (auto v = pod_values.find(p->name); v != pod_values.end()) {
        s.value_milli = static_cast<std::int64_t>(std::llround(v->second * 1000));
      }
      out.push_back(s);
    }
    return out;
  };

  for (const auto& m : rt.spec.metrics) {
    if (m.type == "External") {
      std::string desc = "external metric " + m.name + "(" + selector_text(m.selector) + ")";
      std::optional<std::int64_t> total;
      std::string err;
      if (owner) {
        std::optional<std::size_t> index;
        for (std::size_t i = 0; i < owner->spec.triggers.size(); ++i)
          if (keda_metric_name(owner->spec.triggers[i], i) == m.name) index = i;
        if (!index) {
          err = "unable to fetch metrics from external metrics API: no matching metrics found for " + m.name;
        } else {
          auto reading = evaluate_trigger({ns, rt.owner}, *index);
          std::int64_t target_avg = m.target.average_value_milli.value_or(m.target.value_milli.value_or(1000));
          auto fb = scaling::metric_with_fallback(owner->spec, owner->spec.triggers[*index].metric_type, m.name, target_avg,
                                                  current, reading.error.empty() ? reading.value_milli : std::nullopt,
                                                  reading.error, owner->status);
          total = fb.value_milli;
          if (!fb.error.empty()) err = "unable to fetch metrics from external metrics API: " + fb.error;
          if (fb.fallback_active)
            record(objects::kind::scaled_object, ns, rt.owner, "Warning", "KEDAScalerFailed", "keda-operator",
                   "Suppressing error, using fallback metrics: " + reading.error);
        }
      } else {
        auto v = external_metric(ns, m);
        if (v)
          total = static_cast<std::int64_t>(std::llround(*v * 1000));
        else
          err = v.err().message;
      }
      json metric{{"name", m.name}, {"selector", {{"matchLabels", m.selector}}}};
      if (!total) {
        std::string msg = "unable to get external metric " + ns + "/" + m.name + "/" + selector_text(m.selector) +
                          ": " + err;
        proposals.push_back({desc, std::nullopt, msg, "FailedGetExternalMetric"});
        record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Warning", "FailedGetExternalMetric",
               "horizontal-pod-autoscaler", msg);
        current_metrics.push_back({{"type", "External"}, {"external", {{"metric", metric}, {"current", json::object()}}}});
        continue;
      }
      if (!first_value) first_value = as_value(*total);
      if (m.target.type == "Value") {
        std::int32_t ready = 0;
        for (auto* p : pods_of(target)) ready += pod_ready(*p) ? 1 : 0;
        proposals.push_back({desc, scaling::external_value_replicas(current, *m.target.value_milli, *total, ready, tol), "", ""});
        current_metrics.push_back({{"type", "External"},
                                   {"external", {{"metric", metric}, {"current", {{"value", objects::format_milli(*total)}}}}}});
      } else {
        std::int64_t avg = 0;
        auto replicas = scaling::external_average_replicas(current, *m.target.average_value_milli, *total, tol, &avg);
        proposals.push_back({desc, replicas, "", ""});
        current_metrics.push_back({{"type", "External"},
                                   {"external", {{"metric", metric}, {"current", {{"averageValue", objects::format_milli(avg)}}}}}});
      }
    } else if (m.type == "Resource" && (m.name == "cpu" || m.name == "memory")) {
      auto samples = pod_samples(m);
      scaling::pods_result r;
      std::string desc;
      json cur;
      if (m.target.type == "Utilization") {
        desc = m.name + " resource utilization (percentage of request)";
        r = scaling::resource_utilization_replicas(current, *m.target.average_utilization, samples, tol);
        cur = {{"averageUtilization", r.utilization}};
      } else {
        desc = m.name + " resource";
        r = scaling::plain_metric_replicas(current, *m.target.average_value_milli, samples, true, tol);
        cur = {{"averageValue", objects::format_milli(r.utilization)}};
      }
      if (!r.error.empty()) {
        std::string msg = "failed to get " + m.name + " utilization: " + r.error;
        proposals.push_back({desc, std::nullopt, msg, "FailedGetResourceMetric"});
        record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Warning", "FailedGetResourceMetric",
               "horizontal-pod-autoscaler", msg);
        current_metrics.push_back({{"type", "Resource"}, {"resource", {{"name", m.name}, {"current", json::object()}}}});
        continue;
      }
      if (!first_value) first_value = static_cast<double>(r.utilization);
      proposals.push_back({desc, r.replicas, "", ""});
      current_metrics.push_back({{"type", "Resource"}, {"resource", {{"name", m.name}, {"current", cur}}}});
    } else if (m.type == "Pods") {
      std::string fetch_error;
      auto samples = pod_samples(m, &fetch_error);
      auto r = scaling::plain_metric_replicas(current, *m.target.average_value_milli, samples, false, tol);
      std::string desc = "pods metric " + m.name;
      if (!fetch_error.empty() || !r.error.empty()) {
        std::string msg = "unable to get metric " + m.name + ": " + (fetch_error.empty() ? r.error : fetch_error);
        proposals.push_back({desc, std::nullopt, msg, "FailedGetPodsMetric"});
        record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Warning", "FailedGetPodsMetric",
               "horizontal-pod-autoscaler", msg);
        current_metrics.push_back({{"type", "Pods"}, {"pods", {{"metric", {{"name", m.name}}}, {"current", json::object()}}}});
        continue;
      }
      if (!first_value) first_value = as_value(r.utilization);
      proposals.push_back({desc, r.replicas, "", ""});
      current_metrics.push_back({{"type", "Pods"},
                                 {"pods", {{"metric", {{"name", m.name}}}, {"current", {{"averageValue", objects::format_milli(r.utilization)}}}}}});
    } else if (m.type == "Object") {
      // GetObjectMetricReplicas (Value) and GetObjectPerPodMetricReplicas (AverageValue): the
      // same arithmetic as an External metric's.
      const auto& d = m.described_object;
      std::string desc = lower_ascii(d.kind) + " metric " + m.name;
      json metric{{"name", m.name}};
      if (!m.selector.empty()) metric["selector"] = {{"matchLabels", m.selector}};
      json described{{"apiVersion", d.api_version}, {"kind", d.kind}, {"name", d.name}};
      auto v = object_metric(ns, m);
      if (!v) {
        std::string msg = "unable to get metric " + m.name + ": " + d.kind + " on " + ns + " " + d.name + "/" + v.err().message;
        proposals.push_back({desc, std::nullopt, msg, "FailedGetObjectMetric"});
        record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Warning", "FailedGetObjectMetric",
               "horizontal-pod-autoscaler", msg);
        current_metrics.push_back({{"type", "Object"},
                                   {"object", {{"describedObject", described}, {"metric", metric}, {"current", json::object()}}}});
        continue;
      }
      const auto total = static_cast<std::int64_t>(std::llround(*v * 1000));
      if (!first_value) first_value = *v;
      if (m.target.type == "Value") {
        std::int32_t ready = 0;
        for (auto* p : pods_of(target)) ready += pod_ready(*p) ? 1 : 0;
        proposals.push_back({desc, scaling::external_value_replicas(current, *m.target.value_milli, total, ready, tol), "", ""});
        current_metrics.push_back({{"type", "Object"},
                                   {"object", {{"describedObject", described}, {"metric", metric},
                                               {"current", {{"value", objects::format_milli(total)}}}}}});
      } else {
        std::int64_t avg = 0;
        proposals.push_back({desc, scaling::external_average_replicas(current, *m.target.average_value_milli, total, tol, &avg), "", ""});
        current_metrics.push_back({{"type", "Object"},
                                   {"object", {{"describedObject", described}, {"metric", metric},
                                               {"current", {{"averageValue", objects::format_milli(avg)}}}}}});
      }
    } else {
      proposals.push_back({m.type + " metric " + m.name, std::nullopt,
                           m.type + " metric " + m.name + " is not implemented by hayloft", "FailedGetResourceMetric"});
    }
  }
  if (owner) {
    // The fallback counters live in the ScaledObject's status.
    auto* o = find(objects::kind::scaled_object, ns, rt.owner);
    if (o && !owner->status.health.empty()) {
      json hj = json::object();
      for (const auto& [mn, hs] : owner->status.health) hj[mn] = {{"numberOfFailures", hs.failures}, {"status", hs.status}};
      if (o->obj["status"].value("health", json()) != hj) {
        o->obj["status"]["health"] = hj;
        if (o->obj["status"].contains("conditions"))
          for (auto& c : o->obj["status"]["conditions"])
            if (c.value("type", "") == "Fallback") c = condition_json("Fallback", owner->status.fallback);
        persist(object_key{objects::kind::scaled_object, ns, rt.owner});
      }
    }
  }
  scaling::sync_input in;
  in.current_replicas = current;
  in.min_replicas = rt.spec.min_replicas;
  in.max_replicas = rt.spec.max_replicas;
  in.behavior = rt.spec.behavior;
  in.metrics = std::move(proposals);
  in.now = now;
  auto d = scaling::reconcile(in, rt.mem);
  rt.current_replicas = current;
  if (d.error.empty()) rt.desired_replicas = d.desired;
  rt.current_metrics = current_metrics;
  rt.conditions = json::array({hpa_condition("AbleToScale", d.able_to_scale, now_text)});
  if (!d.scaling_active.status.empty()) rt.conditions.push_back(hpa_condition("ScalingActive", d.scaling_active, now_text));
  if (d.scaling_limited) rt.conditions.push_back(hpa_condition("ScalingLimited", *d.scaling_limited, now_text));
  if (!d.error.empty())
    record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Warning", "FailedComputeMetricsReplicas",
           "horizontal-pod-autoscaler", d.error);
  if (d.rescale) {
    record(objects::kind::horizontal_pod_autoscaler, ns, h.second, "Normal", "SuccessfulRescale",
           "horizontal-pod-autoscaler", "New size: " + std::to_string(d.desired) + "; reason: " + d.rescale_reason, current,
           d.desired, first_value);
    rt.last_scale_time = now;
    set_replicas(target, d.desired);
  }
  write_status();
}

}  // namespace hayloft::orchestrator
