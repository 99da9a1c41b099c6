#include "orchestrator/scaling/keda.h"

#include <charconv>

namespace hayloft::orchestrator::scaling {
namespace {

void set(keda_condition& c, std::string status, std::string reason, std::string message) {
  c = {std::move(status), std::move(reason), std::move(message)};
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

time_point whole_seconds(time_point t) { return std::chrono::floor<std::chrono::seconds>(t); }

time_point cooldown_end(const objects::scaled_object_spec& spec, const keda_status& st, time_point created) {
  if (st.last_active_time) return whole_seconds(*st.last_active_time) + std::chrono::seconds(spec.cooldown_period);
  return whole_seconds(created) + std::chrono::seconds(spec.initial_cooldown_period);
}

pause_state pause_from_annotations(const objects::label_map& annotations) {
  pause_state p;
  if (auto it = annotations.find(paused_replicas_annotation); it != annotations.end()) {
    p.paused = true;
    long long v = 0;
    const std::string& s = it->second;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size() || v < -2147483648LL || v > 2147483647LL)
      p.error = "strconv.ParseInt: parsing \"" + s + "\": invalid syntax";
    else
      p.replicas = static_cast<std::int32_t>(v);
  }
  if (auto it = annotations.find(paused_annotation); it != annotations.end() && it->second == "true") p.paused = true;
  return p;
}

poll_output request_scale(const poll_input& in, keda_status& st) {
  poll_output out;
  const auto& spec = *in.spec;
  if (!in.is_error && st.ready.status != "True")
    set(st.ready, "True", "ScaledObjectReady", "ScaledObject is defined correctly and is ready for scaling");

  if (!in.pause.error.empty()) {
    set(st.ready, "False", "ScaledObjectReady", "error getting the paused replica count: " + in.pause.error);
    return out;
  }
  if (in.pause.paused) {
    std::string msg = in.pause.replicas ? "ScaledObject is paused at " + std::to_string(*in.pause.replicas) + " replicas"
                                        : "ScaledObject is paused";
    set(st.paused, "True", "ScaledObjectPaused", msg);
    if (in.pause.replicas) {
      if (*in.pause.replicas != in.current_replicas) {
        out.scale_to = *in.pause.replicas;
        out.event_type = "Normal";
        out.event_reason = "KEDAScaleTargetPaused";
        out.event_message = "Scaled " + in.target_description + " from " + std::to_string(in.current_replicas) +
                            " to " + std::to_string(*in.pause.replicas) + " (paused replicas)";
      }
      st.paused_replica_count = in.pause.replicas;
    }
    return out;
  }
  if (st.paused.status != "False") set(st.paused, "False", "ScaledObjectUnpaused", "pause annotation removed for ScaledObject");
  st.paused_replica_count.reset();

  const std::int32_t min = spec.min_replica_count.value_or(0);
  const std::int32_t current = in.current_replicas;
  if (in.is_active) {
    if ((spec.idle_replica_count && current < min) || current == 0) {
      // scaleFromZeroOrIdle
      std::int32_t to = min > 0 ? min : 1;
      out.scale_to = to;
      out.event_type = "Normal";
      out.event_reason = "KEDAScaleTargetActivated";
      out.event_message = "Scaled " + in.target_description + " from " + std::to_string(current) + " to " +
                          std::to_string(to) + ", triggered by " + join(in.active_triggers, ";");
      st.last_active_time = whole_seconds(in.now);
    } else if (in.is_error) {
      if (st.ready.status != "Unknown")
        set(st.ready, "Unknown", "PartialTriggerError", "Some triggers defined in ScaledObject are not working correctly");
    } else {
      st.last_active_time = whole_seconds(in.now);
    }
  } else {
    if (in.is_error && spec.fallback && spec.fallback->replicas != 0) {
      // Keep the target as it is: the HPA falls back after failureThreshold.
    } else if (in.is_error && !spec.fallback) {
      if (st.ready.status != "False")
        set(st.ready, "False", "TriggerError", "Triggers defined in ScaledObject are not working correctly");
    } else if ((spec.idle_replica_count && current > *spec.idle_replica_count) || (current > 0 && min == 0)) {
      // scaleToZeroOrIdle
      const time_point ends = cooldown_end(spec, st, in.created);
      if (ends <= in.now) {
        std::int32_t to = spec.idle_replica_count ? *spec.idle_replica_count : min;
        out.scale_to = to;
        out.event_type = "Normal";
        out.event_reason = "KEDAScaleTargetDeactivated";
        out.event_message = "Deactivated " + in.target_description + " from " + std::to_string(current) + " to " +
                            std::to_string(to);
        set(st.active, "False", "ScalerNotActive", "Scaling is not performed because triggers are not active");
      } else if (st.active.status != "False" || st.active.reason != "ScalerCooldown") {
        set(st.active, "False", "ScalerCooldown", "Scaler cooling down because triggers are not active");
        out.cooldown_started_until = ends;
      }
    } else if (current < min && !spec.idle_replica_count) {
      out.scale_to = min;
    }
  }
  if (st.active.status == "Unknown" || (st.active.status == "True") != in.is_active) {
    if (in.is_active)
      set(st.active, "True", "ScalerActive", "Scaling is performed because triggers are active");
    else
      set(st.active, "False", "ScalerNotActive", "Scaling is not performed because triggers are not active");
  }
  return out;
}

fallback_read metric_with_fallback(const objects::scaled_object_spec& spec, const std::string& metric_type,
                                   const std::string& metric_name, std::int64_t target_average_milli,
                                   std::int32_t current_replicas, const std::optional<std::int64_t>& reading,
                                   const std::string& reading_error, keda_status& st) {
  fallback_read out;
  const bool enabled = spec.fallback && metric_type == "AverageValue";
  const bool valid = enabled && spec.fallback->failure_threshold >= 0 && spec.fallback->replicas >= 0;
  auto update_condition = [&] {
    bool exists = false;
    for (const auto& [_, h] : st.health)
      exists = exists || (h.status == "Failing" && h.failures > spec.fallback->failure_threshold);
    if (exists)
      set(st.fallback, "True", "FallbackExists", "At least one trigger is falling back on this scaled object");
    else
      set(st.fallback, "False", "NoFallbackFound", "No fallbacks are active on this scaled object");
  };
  if (reading) {
    // The health record is only persisted when fallback is enabled and valid (updateStatus).
    if (valid) {
      st.health[metric_name] = {0, "Happy"};
      update_condition();
    }
    out.value_milli = reading;
    return out;
  }
  out.error = reading_error;
  if (!valid) return out;
  auto& h = st.health[metric_name];
  h.status = "Failing";
  ++h.failures;
  update_condition();
  if (h.failures <= spec.fallback->failure_threshold) return out;
  std::int64_t replicas = spec.fallback->replicas;
  const std::string& b = spec.fallback->behavior;
  if (b == "currentReplicas") replicas = current_replicas;
  else if (b == "currentReplicasIfHigher") replicas = std::max<std::int64_t>(current_replicas, replicas);
  else if (b == "currentReplicasIfLower") replicas = std::min<std::int64_t>(current_replicas, replicas);
  // int64(AverageValue.AsApproximateFloat64()): the target is truncated to an integer.
  std::int64_t normalisation = target_average_milli / 1000;
  out.value_milli = normalisation * 1000 * replicas;
  out.fallback_active = true;
  out.error.clear();
  return out;
}

}  // namespace hayloft::orchestrator::scaling
