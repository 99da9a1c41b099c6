// The API server stores every HorizontalPodAutoscaler as autoscaling/v2. Manifests written for
// older clusters (autoscaling/v1's targetCPUUtilizationPercentage, autoscaling/v2beta1's
// targetAverageUtilization / metricName / targetValue fields) are converted here before
// validation, field for field as kubernetes pkg/apis/autoscaling/v1/conversion.go and
// v2beta1/conversion.go do. v2beta2 has v2's shape.
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {
namespace {

// v2beta1 selector fields are plain LabelSelectors; v2 puts them in metric.selector.
json metric_identifier(const json& name, const json& selector) {
  json id{{"name", name}};
  if (!selector.is_null()) id["selector"] = selector;
  return id;
}

json target_of(const json& body, const char* value_key, const char* average_key, const char* utilization_key) {
  if (utilization_key && body.contains(utilization_key))
    return {{"type", "Utilization"}, {"averageUtilization", body[utilization_key]}};
  if (average_key && body.contains(average_key)) return {{"type", "AverageValue"}, {"averageValue", body[average_key]}};
  if (value_key && body.contains(value_key)) return {{"type", "Value"}, {"value", body[value_key]}};
  return json::object();
}

json convert_v2beta1_metric(const json& m) {
  if (!m.is_object()) return m;
  const std::string type = m.value("type", "");
  json out{{"type", type}};
  auto body = [&](const char* key) -> const json& {
    static const json empty = json::object();
    return m.contains(key) && m[key].is_object() ? m[key] : empty;
  };
  if (type == "Resource" || type == "ContainerResource") {
    const char* key = type == "Resource" ? "resource" : "containerResource";
    const json& b = body(key);
    json r{{"name", b.value("name", json())}, {"target", target_of(b, nullptr, "targetAverageValue", "targetAverageUtilization")}};
    if (b.contains("container")) r["container"] = b["container"];
    out[key] = r;
  } else if (type == "Pods") {
    const json& b = body("pods");
    out["pods"] = {{"metric", metric_identifier(b.value("metricName", json()), b.value("selector", json()))},
                   {"target", target_of(b, nullptr, "targetAverageValue", nullptr)}};
  } else if (type == "Object") {
    const json& b = body("object");
    json target = b.contains("averageValue") ? json{{"type", "AverageValue"}, {"averageValue", b["averageValue"]}}
                                             : target_of(b, "targetValue", nullptr, nullptr);
    out["object"] = {{"describedObject", b.value("target", json::object())},
                     {"metric", metric_identifier(b.value("metricName", json()), b.value("selector", json()))},
                     {"target", target}};
  } else if (type == "External") {
    const json& b = body("external");
    out["external"] = {{"metric", metric_identifier(b.value("metricName", json()), b.value("metricSelector", json()))},
                       {"target", target_of(b, "targetValue", "targetAverageValue", nullptr)}};
  } else {
    return m;  // unknown type: validation names it
  }
  return out;
}

}  // namespace

void convert_hpa_to_v2(json& obj) {
  const std::string version = obj.value("apiVersion", "");
  if (version == "autoscaling/v2") return;
  json& spec = obj["spec"];
  if (version == "autoscaling/v1") {
    // targetCPUUtilizationPercentage becomes a Resource metric.
    if (spec.is_object() && spec.contains("targetCPUUtilizationPercentage")) {
      json target{{"type", "Utilization"}, {"averageUtilization", spec["targetCPUUtilizationPercentage"]}};
      spec["metrics"] = json::array({json{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"target", target}}}}});
      spec.erase("targetCPUUtilizationPercentage");
    }
  } else if (version == "autoscaling/v2beta1") {
    if (spec.is_object() && spec.contains("metrics") && spec["metrics"].is_array())
      for (auto& m : spec["metrics"]) m = convert_v2beta1_metric(m);
  }
  obj["apiVersion"] = "autoscaling/v2";
}

}  // namespace hayloft::orchestrator::objects
