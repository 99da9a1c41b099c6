// get, list (selectors, limit/continue, Table) and watch.
#include <algorithm>

#include "emulator/core/hash.h"
#include "orchestrator/kube/api_internal.h"
#include "orchestrator/kube/limits.h"
#include "orchestrator/kube/selectors.h"
#include "orchestrator/kube/tables.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

// The fields each resource accepts in a fieldSelector (the API server's field label conversion
// funcs: pkg/apis/core/v1/conversion.go, apps, events); metadata.name/namespace for all.
bool field_supported(const resource& r, const std::string& f) {
  if (f == "metadata.name" || f == "metadata.namespace") return true;
  if (r.kind == "Pod")
    return f == "spec.nodeName" || f == "spec.restartPolicy" || f == "spec.schedulerName" ||
           f == "spec.serviceAccountName" || f == "spec.hostNetwork" || f == "status.phase" || f == "status.podIP" ||
           f == "status.nominatedNodeName";
  if (r.kind == "Event")
    return f.rfind("involvedObject.", 0) == 0 || f == "reason" || f == "reportingComponent" || f == "source" ||
           f == "type";
  if (r.kind == "Secret") return f == "type";
  if (r.kind == "Namespace") return f == "status.phase";
  if (r.kind == "ReplicaSet") return f == "status.replicas";
  if (r.kind == "Node") return f == "spec.unschedulable";
  return false;
}

struct selectors {
  label_selector labels;
  field_selector fields;
  bool matches(const json& obj) const {
    return labels.matches(obj["metadata"].value("labels", json::object())) && fields.matches(obj);
  }
};

std::optional<status_error> parse_selectors(const resource_request& rr, selectors& out) {
  auto l = parse_label_selector(rr.param("labelSelector"));
  if (!l) return bad_request(l.err().message);
  auto f = parse_field_selector(rr.param("fieldSelector"));
  if (!f) return bad_request(f.err().message);
  for (const auto& req : f->requirements)
    if (!field_supported(*rr.res, req.field))
      return bad_request("field label not supported: " + req.field);
  out.labels = std::move(*l);
  out.fields = std::move(*f);
  return std::nullopt;
}

json hpa_to_v1(const json& v2) {
  json v1 = v2;
  v1["apiVersion"] = "autoscaling/v1";
  json spec{{"scaleTargetRef", v2["spec"].value("scaleTargetRef", json::object())},
            {"maxReplicas", v2["spec"].value("maxReplicas", 0)}};
  if (v2["spec"].contains("minReplicas")) spec["minReplicas"] = v2["spec"]["minReplicas"];
  const json& st = v2.value("status", json::object());
  json status{{"currentReplicas", st.value("currentReplicas", 0)}, {"desiredReplicas", st.value("desiredReplicas", 0)}};
  if (st.contains("lastScaleTime")) status["lastScaleTime"] = st["lastScaleTime"];
  const json list1 = v2["spec"].value("metrics", json::array());
  for (const auto& m : list1)
    if (m.value("type", "") == "Resource" && m["resource"].value("name", "") == "cpu" &&
        m["resource"]["target"].contains("averageUtilization"))
      spec["targetCPUUtilizationPercentage"] = m["resource"]["target"]["averageUtilization"];
  const json list2 = st.value("currentMetrics", json::array());
  for (const auto& m : list2)
    if (m.value("type", "") == "Resource" && m["resource"].value("name", "") == "cpu" &&
        m["resource"]["current"].contains("averageUtilization"))
      status["currentCPUUtilizationPercentage"] = m["resource"]["current"]["averageUtilization"];
  v1["spec"] = spec;
  v1["status"] = status;
  return v1;
}

// autoscaling/v2 -> v2beta1, field for field as kubernetes pkg/apis/autoscaling/v2beta1/conversion.go
// (the reverse of objects::convert_hpa_to_v2): targets flatten into target*/current* fields,
// metric identifiers into metricName + selector; `behavior` has no v2beta1 form.
json metric_to_v2beta1(const json& m, bool status) {
  const std::string type = m.value("type", "");
  json out{{"type", type}};
  auto put_values = [&](json& dst, const json& v, const char* value_key, const char* average_key, const char* util_key) {
    if (value_key && v.contains("value")) dst[value_key] = v["value"];
    if (average_key && v.contains("averageValue")) dst[average_key] = v["averageValue"];
    if (util_key && v.contains("averageUtilization")) dst[util_key] = v["averageUtilization"];
  };
  const char* pre = status ? "current" : "target";
  const std::string value_key = std::string(pre) + "Value", average_key = std::string(pre) + "AverageValue",
                    util_key = std::string(pre) + "AverageUtilization";
  if (type == "Resource" || type == "ContainerResource") {
    const char* key = type == "Resource" ? "resource" : "containerResource";
    const json& b = m.value(key, json::object());
    json r{{"name", b.value("name", json())}};
    if (b.contains("container")) r["container"] = b["container"];
    put_values(r, b.value(pre, json::object()), nullptr, average_key.c_str(), util_key.c_str());
    out[key] = r;
  } else if (type == "Pods") {
    const json& b = m.value("pods", json::object());
    json p{{"metricName", b.value("metric", json::object()).value("name", json())}};
    if (const json id = b.value("metric", json::object()); id.contains("selector")) p["selector"] = id["selector"];
    put_values(p, b.value(pre, json::object()), nullptr, average_key.c_str(), nullptr);
    out["pods"] = p;
  } else if (type == "Object") {
    const json& b = m.value("object", json::object());
    json o{{"target", b.value("describedObject", json::object())},
           {"metricName", b.value("metric", json::object()).value("name", json())}};
    if (const json id = b.value("metric", json::object()); id.contains("selector")) o["selector"] = id["selector"];
    put_values(o, b.value(pre, json::object()), value_key.c_str(), "averageValue", nullptr);
    out["object"] = o;
  } else if (type == "External") {
    const json& b = m.value("external", json::object());
    json e{{"metricName", b.value("metric", json::object()).value("name", json())}};
    if (const json id = b.value("metric", json::object()); id.contains("selector")) e["metricSelector"] = id["selector"];
    put_values(e, b.value(pre, json::object()), value_key.c_str(), average_key.c_str(), nullptr);
    out["external"] = e;
  }
  return out;
}

json hpa_to_v2beta1(const json& v2) {
  json out = v2;
  out["apiVersion"] = "autoscaling/v2beta1";
  if (out.contains("spec") && out["spec"].is_object()) {
    out["spec"].erase("behavior");
    if (out["spec"].contains("metrics"))
      for (auto& m : out["spec"]["metrics"]) m = metric_to_v2beta1(m, false);
  }
  if (out.contains("status") && out["status"].is_object() && out["status"].contains("currentMetrics"))
    for (auto& m : out["status"]["currentMetrics"]) m = metric_to_v2beta1(m, true);
  return out;
}

core::time_point server_now(core::clock& c) { return c.now(); }

// The storage layer parses resourceVersion as an unsigned number; anything else fails there with
// a plain Go error, which the API server (1.32) answers as a 500 without a reason
// (kubernetes/kubernetes#101350, #139485). hayloft answers the same.
std::optional<status_error> bad_resource_version(const resource_request& rr) {
  auto rv = parse_resource_version(rr.param("resourceVersion"));
  if (!rv) return unknown_error(rv.err().message);
  return std::nullopt;
}

}  // namespace

json served_form(const resource& r, const json& obj) {
  if (r.kind == "HorizontalPodAutoscaler" && r.version == "v1") return hpa_to_v1(obj);
  if (r.kind == "HorizontalPodAutoscaler" && r.version == "v2beta1") return hpa_to_v2beta1(obj);
  return obj;
}

std::string list_kind(const resource& r) { return std::string(r.kind) + "List"; }

core::response kube_api::impl::get(const resource_request& rr) {
  const resource& r = *rr.res;
  if (auto e = bad_resource_version(rr)) return error_response(*e);
  if (r.namespaced && rr.namespace_name.empty()) return error_response(not_found(r.group, r.plural, rr.name));
  auto obj = objects.get(r, rr.namespace_name, rr.name);
  if (!obj) return error_response(not_found(r.group, r.plural, rr.name));
  json out = served_form(r, *obj);
  std::string accept(rr.req->header("accept").value_or(""));
  if (wants_table(accept))
    return json_response(to_table(r, {out}, str((*obj)["metadata"], "resourceVersion"), server_now(clock),
                                  rr.param("includeObject")));
  return json_response(out);
}

core::response kube_api::impl::list(const resource_request& rr) {
  const resource& r = *rr.res;
  selectors sel;
  if (auto e = parse_selectors(rr, sel)) return error_response(*e);
  if (auto e = bad_resource_version(rr)) return error_response(*e);
  listing l = objects.list(r, rr.namespace_name);
  std::vector<json> items;
  for (auto& o : l.items)
    if (sel.matches(o)) items.push_back(served_form(r, o));
  std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return std::pair(str(a["metadata"], "namespace"), str(a["metadata"], "name")) <
           std::pair(str(b["metadata"], "namespace"), str(b["metadata"], "name"));
  });
  // limit/continue: the token is the last key served (base64 JSON), as opaque to clients as etcd's.
  std::string cont = rr.param("continue");
  if (!cont.empty()) {
    std::string raw;
    json tok = core::base64_decode(cont, raw) ? json::parse(raw, nullptr, false) : json();
    if (!tok.is_object() || !tok.contains("ns") || !tok.contains("name") || !tok["ns"].is_string() ||
        !tok["name"].is_string())
      return error_response(bad_request("continue key is not valid: illegal base64 data"));
    std::pair<std::string, std::string> after{tok["ns"].get<std::string>(), tok["name"].get<std::string>()};
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const json& o) {
                                 return std::pair(str(o["metadata"], "namespace"), str(o["metadata"], "name")) <= after;
                               }),
                items.end());
  }
  json md{{"resourceVersion", std::to_string(l.resource_version)}};
  long long limit = 0;
  try {
    limit = rr.param("limit").empty() ? 0 : std::stoll(rr.param("limit"));
  } catch (const std::exception&) {
    return error_response(bad_request("invalid limit: " + rr.param("limit")));
  }
  if (limit > 0 && items.size() > static_cast<std::size_t>(limit)) {
    std::size_t remaining = items.size() - static_cast<std::size_t>(limit);
    items.resize(static_cast<std::size_t>(limit));
    const json& last = items.back()["metadata"];
    md["continue"] = core::base64_encode(json{{"ns", str(last, "namespace")}, {"name", str(last, "name")}}.dump());
    md["remainingItemCount"] = remaining;
  }
  std::string accept(rr.req->header("accept").value_or(""));
  if (wants_table(accept)) {
    json t = to_table(r, items, std::to_string(l.resource_version), server_now(clock), rr.param("includeObject"));
    t["metadata"] = md;
    return json_response(t);
  }
  json arr = json::array();
  for (auto& i : items) arr.push_back(std::move(i));
  return json_response({{"kind", list_kind(r)}, {"apiVersion", r.group_version()}, {"metadata", md}, {"items", arr}});
}

core::response kube_api::impl::watch(const resource_request& rr) {
  const resource& r = *rr.res;
  auto sel = std::make_shared<selectors>();
  if (auto e = parse_selectors(rr, *sel)) return error_response(*e);
  watch_request w;
  w.collection = slot_of(r);
  w.namespace_name = r.namespaced ? rr.namespace_name : "";
  w.name = sel->fields.pinned_name();
  w.matches = [sel](const json& o) { return sel->matches(o); };
  std::string accept(rr.req->header("accept").value_or(""));
  bool table = wants_table(accept);
  std::string include = rr.param("includeObject");
  const resource* res = &r;
  core::clock* clk = &clock;
  w.render = [res, table, include, clk](const json& o) {
    json out = served_form(*res, o);
    if (!table) return out;
    return to_table(*res, {out}, str(o["metadata"], "resourceVersion"), clk->now(), include);
  };
  w.resource_version = rr.param("resourceVersion");
  w.send_initial_events = rr.flag("sendInitialEvents");
  w.bookmarks = rr.flag("allowWatchBookmarks");
  w.bookmark_kind = std::string(r.kind);
  w.bookmark_api_version = r.group_version();
  if (auto t = rr.param("timeoutSeconds"); !t.empty()) {
    try {
      w.timeout = std::chrono::seconds(std::max(0ll, std::stoll(t)));
    } catch (const std::exception&) {
      return error_response(bad_request("invalid timeoutSeconds: " + t));
    }
  }
  auto result = objects.watch(std::move(w));
  if (result.error) return error_response(*result.error);
  core::response resp;
  resp.headers.add("Content-Type", "application/json");
  resp.headers.add("Cache-Control", "no-cache, private");
  resp.stream = result.stream;
  return resp;
}

}  // namespace hayloft::orchestrator::kube
