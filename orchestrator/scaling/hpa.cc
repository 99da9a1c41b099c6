#include "orchestrator/scaling/hpa.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

namespace hayloft::orchestrator::scaling {
namespace {

std::int32_t ceil_i32(double v) {
  if (!std::isfinite(v) || v > static_cast<double>(INT32_MAX)) return INT32_MAX;
  return static_cast<std::int32_t>(std::ceil(v));
}

// groupPods: ready pods counted, pending (and, for cpu, unready) pods ignored, pods without a
// sample missing, terminating/failed pods skipped.
struct grouped {
  int ready = 0;
  std::map<std::string, std::int64_t> metrics;  // pod -> value (ignored pods removed)
  std::vector<const pod_sample*> ignored;
  std::vector<const pod_sample*> missing;
};

grouped group_pods(const std::vector<pod_sample>& pods, bool is_cpu) {
  grouped g;
  for (const auto& p : pods) {
    if (p.terminating_or_failed) continue;
    if (p.pending) {
      g.ignored.push_back(&p);
      continue;
    }
    if (!p.value_milli) {
      g.missing.push_back(&p);
      continue;
    }
    if (is_cpu && !p.ready) {
      g.ignored.push_back(&p);
      continue;
    }
    g.metrics[p.name] = *p.value_milli;
    ++g.ready;
  }
  return g;
}

// GetResourceUtilizationRatio: the utilization is truncated to a whole percent first.
bool utilization_ratio(const std::map<std::string, std::int64_t>& metrics,
                       const std::map<std::string, std::int64_t>& requests, std::int32_t target, double& ratio,
                       std::int64_t& utilization) {
  std::int64_t metrics_total = 0, requests_total = 0;
  for (const auto& [pod, value] : metrics) {
    auto it = requests.find(pod);
    if (it == requests.end()) continue;
    metrics_total += value;
    requests_total += it->second;
  }
  if (requests_total == 0) return false;
  utilization = static_cast<std::int32_t>((metrics_total * 100) / requests_total);
  ratio = static_cast<double>(utilization) / static_cast<double>(target);
  return true;
}

// GetMetricUtilizationRatio: the integer average of the samples over the target.
void metric_ratio(const std::map<std::string, std::int64_t>& metrics, std::int64_t target, double& ratio,
                  std::int64_t& average) {
  std::int64_t total = 0;
  for (const auto& [_, v] : metrics) total += v;
  average = metrics.empty() ? 0 : total / static_cast<std::int64_t>(metrics.size());
  ratio = static_cast<double>(average) / static_cast<double>(target);
}

rules rules_with_defaults(const std::optional<objects::scaling_rules>& user, bool up) {
  rules r;
  if (up) {
    r.stabilization_window_seconds = 0;
    r.policies = {{"Pods", 4, 15}, {"Percent", 100, 15}};
  } else {
    r.stabilization_window_seconds = static_cast<std::int32_t>(downscale_stabilization.count());
    r.policies = {{"Percent", 100, 15}};
  }
  if (!user) return r;
  if (user->stabilization_window_seconds) r.stabilization_window_seconds = *user->stabilization_window_seconds;
  if (user->select_policy) r.select_policy = *user->select_policy;
  if (user->policies) r.policies = *user->policies;
  if (user->tolerance) r.tolerance = *user->tolerance;
  return r;
}

std::int32_t change_in_period(std::int32_t period_seconds, const std::vector<memory::scale_event>& events,
                              time_point now) {
  time_point cutoff = now - std::chrono::seconds(period_seconds);
  std::int32_t sum = 0;
  for (const auto& e : events)
    if (e.at > cutoff) sum += e.change;
  return sum;
}

std::int32_t scale_up_limit(std::int32_t current, const memory& mem, const rules& r, time_point now) {
  if (r.select_policy == "Disabled") return current;
  bool min_policy = r.select_policy == "Min";
  std::int32_t result = min_policy ? INT32_MAX : INT32_MIN;
  for (const auto& p : r.policies) {
    std::int32_t added = change_in_period(p.period_seconds, mem.scale_up_events, now);
    std::int32_t deleted = change_in_period(p.period_seconds, mem.scale_down_events, now);
    std::int32_t start = current - added + deleted;
    std::int32_t proposed = p.type == "Pods" ? start + p.value
                                             : ceil_i32(static_cast<double>(start) * (1.0 + p.value / 100.0));
    result = min_policy ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

std::int32_t scale_down_limit(std::int32_t current, const memory& mem, const rules& r, time_point now) {
  if (r.select_policy == "Disabled") return current;
  bool min_policy = r.select_policy == "Min";
  std::int32_t result = min_policy ? INT32_MIN : INT32_MAX;
  for (const auto& p : r.policies) {
    std::int32_t added = change_in_period(p.period_seconds, mem.scale_up_events, now);
    std::int32_t deleted = change_in_period(p.period_seconds, mem.scale_down_events, now);
    std::int32_t start = current - added + deleted;
    std::int32_t proposed = p.type == "Pods" ? start - p.value
                                             : static_cast<std::int32_t>(static_cast<double>(start) * (1.0 - p.value / 100.0));
    result = min_policy ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

std::int32_t longest_period(const rules& r) {
  std::int32_t longest = 0;
  for (const auto& p : r.policies) longest = std::max(longest, p.period_seconds);
  return longest;
}

void store_event(std::vector<memory::scale_event>& events, std::int32_t longest, std::int32_t change, time_point now) {
  time_point cutoff = now - std::chrono::seconds(longest);
  for (auto& e : events)
    if (e.at < cutoff) e.outdated = true;
  std::optional<std::size_t> old;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].outdated) old = i;
  memory::scale_event fresh{change, now, false};
  if (old)
    events[*old] = fresh;
  else
    events.push_back(fresh);
}

// normalizeDesiredReplicas: legacy path for an HPA without behavior.
std::int32_t normalize_legacy(const sync_input& in, std::int32_t prenormalized, memory& mem, decision& d) {
  std::int32_t max_rec = prenormalized;
  time_point cutoff = in.now - downscale_stabilization;
  std::optional<std::size_t> old;
  for (std::size_t i = 0; i < mem.recommendations.size(); ++i) {
    const auto& rec = mem.recommendations[i];
    if (rec.at < cutoff)
      old = i;
    else if (rec.replicas > max_rec)
      max_rec = rec.replicas;
  }
  if (old)
    mem.recommendations[*old] = {prenormalized, in.now};
  else
    mem.recommendations.push_back({prenormalized, in.now});
  std::int32_t stabilized = max_rec;
  if (stabilized != prenormalized)
    d.able_to_scale = {"True", "ScaleDownStabilized",
                       "recent recommendations were higher than current one, applying the highest recent recommendation"};
  else
    d.able_to_scale = {"True", "ReadyForNewScale", "recommended size matches current size"};

  // convertDesiredReplicasWithRules
  std::int32_t limit = static_cast<std::int32_t>(std::max(2.0 * in.current_replicas, 4.0));
  std::int32_t max_allowed;
  condition limited;
  if (in.max_replicas > limit) {
    max_allowed = limit;
    limited = {"True", "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"};
  } else {
    max_allowed = in.max_replicas;
    limited = {"True", "TooManyReplicas", "the desired replica count is more than the maximum replica count"};
  }
  std::int32_t desired = stabilized;
  if (stabilized < in.min_replicas) {
    limited = {"True", "TooFewReplicas", "the desired replica count is less than the minimum replica count"};
    desired = in.min_replicas;
  } else if (stabilized > max_allowed) {
    desired = max_allowed;
  } else {
    limited = {"False", "DesiredWithinRange", "the desired count is within the acceptable range"};
  }
  d.scaling_limited = limited;
  return desired;
}

// normalizeDesiredReplicasWithBehaviors.
std::int32_t normalize_with_behavior(const sync_input& in, std::int32_t prenormalized, memory& mem, decision& d) {
  behavior b = defaulted_behavior(*in.behavior);
  time_point up_cutoff = in.now - std::chrono::seconds(b.scale_up.stabilization_window_seconds);
  time_point down_cutoff = in.now - std::chrono::seconds(b.scale_down.stabilization_window_seconds);
  std::int32_t up_rec = prenormalized, down_rec = prenormalized;
  std::optional<std::size_t> old;
  for (std::size_t i = 0; i < mem.recommendations.size(); ++i) {
    const auto& rec = mem.recommendations[i];
    if (rec.at > up_cutoff) up_rec = std::min(rec.replicas, up_rec);
    if (rec.at > down_cutoff) down_rec = std::max(rec.replicas, down_rec);
    if (rec.at < up_cutoff && rec.at < down_cutoff) old = i;
  }
  std::int32_t stabilized = in.current_replicas;
  if (stabilized < up_rec) stabilized = up_rec;
  if (stabilized > down_rec) stabilized = down_rec;
  if (old)
    mem.recommendations[*old] = {prenormalized, in.now};
  else
    mem.recommendations.push_back({prenormalized, in.now});
  if (stabilized != prenormalized) {
    if (prenormalized >= in.current_replicas)
      d.able_to_scale = {"True", "ScaleUpStabilized",
                         "recent recommendations were lower than current one, applying the lowest recent recommendation"};
    else
      d.able_to_scale = {"True", "ScaleDownStabilized",
                         "recent recommendations were higher than current one, applying the highest recent "
                         "recommendation"};
  } else {
    d.able_to_scale = {"True", "ReadyForNewScale", "recommended size matches current size"};
  }

  // convertDesiredReplicasWithBehaviorRate
  std::int32_t desired = stabilized;
  condition limited{"False", "DesiredWithinRange", "the desired count is within the acceptable range"};
  if (stabilized > in.current_replicas) {
    std::int32_t limit = std::max(scale_up_limit(in.current_replicas, mem, b.scale_up, in.now), in.current_replicas);
    std::int32_t max_allowed = in.max_replicas;
    condition reason{"True", "TooManyReplicas", "the desired replica count is more than the maximum replica count"};
    if (max_allowed > limit) {
      max_allowed = limit;
      reason = {"True", "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"};
    }
    if (stabilized > max_allowed) {
      desired = max_allowed;
      limited = reason;
    }
  } else if (stabilized < in.current_replicas) {
    std::int32_t limit = std::min(scale_down_limit(in.current_replicas, mem, b.scale_down, in.now), in.current_replicas);
    std::int32_t min_allowed = in.min_replicas;
    condition reason{"True", "TooFewReplicas", "the desired replica count is less than the minimum replica count"};
    if (min_allowed < limit) {
      min_allowed = limit;
      reason = {"True", "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"};
    }
    if (stabilized < min_allowed) {
      desired = min_allowed;
      limited = reason;
    }
  }
  d.scaling_limited = limited;
  return desired;
}

}  // namespace

std::int32_t external_average_replicas(std::int32_t status_replicas, std::int64_t target_average_milli,
                                       std::int64_t total_milli, const tolerances& tol, std::int64_t* average_milli) {
  double total = static_cast<double>(total_milli), target = static_cast<double>(target_average_milli);
  std::int32_t replicas = status_replicas;
  double ratio = status_replicas == 0 ? INFINITY : total / (target * status_replicas);
  if (status_replicas == 0 && total == 0) ratio = 0;
  if (!tol.within(ratio)) replicas = ceil_i32(total / target);
  if (average_milli)
    *average_milli = status_replicas == 0 ? total_milli
                                          : static_cast<std::int64_t>(std::ceil(total / static_cast<double>(status_replicas)));
  return replicas;
}

std::int32_t external_value_replicas(std::int32_t current_replicas, std::int64_t target_milli, std::int64_t total_milli,
                                     std::int32_t ready_pods, const tolerances& tol) {
  double ratio = static_cast<double>(total_milli) / static_cast<double>(target_milli);
  if (current_replicas == 0) return ceil_i32(ratio);
  if (tol.within(ratio)) return current_replicas;
  return ceil_i32(ratio * ready_pods);
}

pods_result resource_utilization_replicas(std::int32_t current_replicas, std::int32_t target_percent,
                                          const std::vector<pod_sample>& pods, const tolerances& tol) {
  pods_result out;
  if (pods.empty()) return {0, 0, "no pods returned by selector while calculating replica count"};
  std::map<std::string, std::int64_t> requests;
  for (const auto& p : pods) {
    if (!p.request_milli) return {0, 0, "missing request for cpu in container of pod " + p.name};
    requests[p.name] = *p.request_milli;
  }
  grouped g = group_pods(pods, true);
  if (g.metrics.empty()) return {0, 0, "did not receive metrics for targeted pods (pods might be unready)"};
  double ratio;
  std::int64_t utilization;
  if (!utilization_ratio(g.metrics, requests, target_percent, ratio, utilization))
    return {0, 0, "no metrics returned matched known pods"};
  out.utilization = utilization;
  bool rebalance_ignored = !g.ignored.empty() && ratio > 1.0;
  if (!rebalance_ignored && g.missing.empty()) {
    out.replicas = tol.within(ratio) ? current_replicas : ceil_i32(ratio * g.ready);
    return out;
  }
  auto metrics = g.metrics;
  if (!g.missing.empty()) {
    for (const auto* p : g.missing) {
      if (ratio < 1.0) metrics[p->name] = requests[p->name];  // scale-down: missing pods at 100%
      else if (ratio > 1.0) metrics[p->name] = 0;            // scale-up: missing pods at 0%
    }
  }
  if (rebalance_ignored)
    for (const auto* p : g.ignored) metrics[p->name] = 0;
  double new_ratio;
  std::int64_t ignored_util;
  if (!utilization_ratio(metrics, requests, target_percent, new_ratio, ignored_util))
    return {0, utilization, "no metrics returned matched known pods"};
  if (tol.within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
    out.replicas = current_replicas;
    return out;
  }
  std::int32_t replicas = ceil_i32(new_ratio * static_cast<double>(metrics.size()));
  if ((new_ratio < 1.0 && replicas > current_replicas) || (new_ratio > 1.0 && replicas < current_replicas))
    replicas = current_replicas;
  out.replicas = replicas;
  return out;
}

pods_result plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_average_milli,
                                  const std::vector<pod_sample>& pods, bool is_cpu, const tolerances& tol) {
  pods_result out;
  if (pods.empty()) return {0, 0, "no pods returned by selector while calculating replica count"};
  grouped g = group_pods(pods, is_cpu);
  if (g.metrics.empty()) return {0, 0, "did not receive metrics for targeted pods (pods might be unready)"};
  double ratio;
  std::int64_t average;
  metric_ratio(g.metrics, target_average_milli, ratio, average);
  out.utilization = average;
  bool rebalance_ignored = !g.ignored.empty() && ratio > 1.0;
  if (!rebalance_ignored && g.missing.empty()) {
    out.replicas = tol.within(ratio) ? current_replicas : ceil_i32(ratio * g.ready);
    return out;
  }
  auto metrics = g.metrics;
  for (const auto* p : g.missing) metrics[p->name] = ratio < 1.0 ? target_average_milli : 0;
  if (rebalance_ignored)
    for (const auto* p : g.ignored) metrics[p->name] = 0;
  double new_ratio;
  std::int64_t unused;
  metric_ratio(metrics, target_average_milli, new_ratio, unused);
  if (tol.within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
    out.replicas = current_replicas;
    return out;
  }
  out.replicas = ceil_i32(new_ratio * static_cast<double>(metrics.size()));
  return out;
}

behavior defaulted_behavior(const objects::hpa_behavior& user) {
  return {rules_with_defaults(user.scale_up, true), rules_with_defaults(user.scale_down, false)};
}

tolerances tolerances_of(const std::optional<objects::hpa_behavior>& user) {
  tolerances t;
  if (!user) return t;
  if (user->scale_up && user->scale_up->tolerance) t.scale_up = *user->scale_up->tolerance;
  if (user->scale_down && user->scale_down->tolerance) t.scale_down = *user->scale_down->tolerance;
  return t;
}

decision reconcile(const sync_input& in, memory& mem) {
  decision d;
  d.able_to_scale = {"True", "SucceededGetScale", "the HPA controller was able to get the target's current scale"};
  if (mem.recommendations.empty()) mem.recommendations.push_back({in.current_replicas, in.now});

  std::int32_t desired = 0;
  bool rescale = true;
  if (in.current_replicas == 0 && in.min_replicas != 0) {
    rescale = false;
    d.scaling_active = {"False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero"};
  } else if (in.current_replicas > in.max_replicas) {
    d.rescale_reason = "Current number of replicas above Spec.MaxReplicas";
    desired = in.max_replicas;
  } else if (in.current_replicas < in.min_replicas) {
    d.rescale_reason = "Current number of replicas below Spec.MinReplicas";
    desired = in.min_replicas;
  } else {
    // computeReplicasForMetrics
    std::int32_t best = 0;
    std::string best_name;
    int invalid = 0;
    const metric_proposal* first_invalid = nullptr;
    for (const auto& m : in.metrics) {
      if (!m.replicas) {
        ++invalid;
        if (!first_invalid) first_invalid = &m;
        continue;
      }
      if (best_name.empty() || *m.replicas > best) {
        best = *m.replicas;
        best_name = m.name;
      }
    }
    if (in.metrics.empty() || invalid >= static_cast<int>(in.metrics.size()) ||
        (invalid > 0 && best < in.current_replicas)) {
      std::string err = first_invalid ? first_invalid->error : "no metrics configured";
      d.scaling_active = {"False", first_invalid ? first_invalid->failure_reason : "FailedGetScale",
                          "the HPA was unable to compute the replica count: " + err};
      d.error = "invalid metrics (" + std::to_string(invalid) + " invalid out of " +
                std::to_string(in.metrics.size()) + "), first error is: " + err;
      d.desired = in.current_replicas;
      return d;
    }
    d.scaling_active = {"True", "ValidMetricFound",
                        "the HPA was able to successfully calculate a replica count from " + best_name};
    if (best > desired) desired = best;
    if (desired > in.current_replicas) d.rescale_reason = best_name + " above target";
    if (desired < in.current_replicas) d.rescale_reason = "All metrics below target";
    desired = in.behavior ? normalize_with_behavior(in, desired, mem, d) : normalize_legacy(in, desired, mem, d);
    rescale = desired != in.current_replicas;
  }
  if (rescale) {
    if (in.behavior) {
      behavior b = defaulted_behavior(*in.behavior);
      if (desired > in.current_replicas)
        store_event(mem.scale_up_events, longest_period(b.scale_up), desired - in.current_replicas, in.now);
      else
        store_event(mem.scale_down_events, longest_period(b.scale_down), in.current_replicas - desired, in.now);
    }
    d.desired = desired;
    d.rescale = true;
  } else {
    d.desired = in.current_replicas;
  }
  return d;
}

}  // namespace hayloft::orchestrator::scaling
