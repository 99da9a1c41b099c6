// apply / delete / scale: manifests become stored objects (three-way merge like kubectl apply),
// and the HPA KEDA creates for each ScaledObject is kept in step with it.
#include "orchestrator/controller/state.h"
#include "orchestrator/errc.h"
#include "orchestrator/objects/quantity.h"
#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"
#include "orchestrator/scaling/triggers.h"

namespace hayloft::orchestrator {
namespace {

json item_error(const error& e) {
  return {{"error", {{"code", std::string(reason_of(e.code))}, {"status", http_status_of(e.code)}, {"message", e.message}}}};
}

// kubectl's three-way patch: every field of the new manifest that differs from the live object,
// plus the removal of fields the previous manifest had and the new one dropped.
json three_way_patch(const json& original, const json& modified, const json& current) {
  json patch = json::object();
  for (const auto& [k, mv] : modified.items()) {
    if (!current.is_object() || !current.contains(k)) {
      if (!mv.is_null()) patch[k] = mv;
      continue;
    }
    const json& cv = current[k];
    if (mv.is_object() && cv.is_object()) {
      json sub = three_way_patch(original.is_object() && original.contains(k) ? original[k] : json::object(), mv, cv);
      if (!sub.empty()) patch[k] = sub;
    } else if (mv != cv) {
      patch[k] = mv;
    }
  }
  if (original.is_object())
    for (const auto& [k, _] : original.items())
      if (!modified.contains(k) && current.is_object() && current.contains(k)) patch[k] = nullptr;
  return patch;
}

std::string resource_of(objects::kind k) { return objects::qualified_singular(k); }

}  // namespace

json controller::impl::apply_one(json manifest, const std::string& default_ns, bool ns_explicit, json& warnings) {
  std::string api_version = manifest.value("apiVersion", ""), kind_name = manifest.value("kind", "");
  const json& md = manifest.contains("metadata") && manifest["metadata"].is_object() ? manifest["metadata"] : json::object();
  std::string name = md.value("name", "");
  auto k = objects::kind_from_manifest(api_version, kind_name);
  if (api_version.empty() || kind_name.empty()) {
    return item_error({make_error_code(errc::bad_request),
                       std::string("error validating data: [") + (api_version.empty() ? "apiVersion not set" : "") +
                           (api_version.empty() && kind_name.empty() ? ", " : "") + (kind_name.empty() ? "kind not set" : "") +
                           "]"});
  }
  if (!k || !objects::info(*k).appliable) {
    return item_error({make_error_code(errc::bad_request),
                       "resource mapping not found for name: \"" + name + "\" namespace: \"" + md.value("namespace", "") +
                           "\": no matches for kind \"" + kind_name + "\" in version \"" + api_version +
                           "\"\nensure CRDs are installed first"});
  }
  const auto& ki = objects::info(*k);
  std::string ns;
  if (ki.namespaced) {
    std::string own = md.contains("namespace") && md["namespace"].is_string() ? md["namespace"].get<std::string>() : "";
    if (!own.empty() && ns_explicit && own != default_ns) {
      return item_error({make_error_code(errc::bad_request),
                         "the namespace from the provided object \"" + own + "\" does not match the namespace \"" +
                             default_ns + "\". You must pass '--namespace=" + own + "' to perform this operation."});
    }
    ns = !own.empty() ? own : (default_ns.empty() ? "default" : default_ns);
    manifest["metadata"]["namespace"] = ns;
  } else if (manifest.contains("metadata") && manifest["metadata"].is_object()) {
    manifest["metadata"].erase("namespace");
  }
  json normalized = manifest;
  objects::validation v = objects::validate_object(*k, normalized);
  for (const auto& w : v.warnings()) warnings.push_back(w);
  if (!v.ok()) return item_error({make_error_code(errc::invalid), v.message(ki.name, name)});
  if (ki.namespaced && !find(objects::kind::namespace_, "", ns)) {
    if (!opts.auto_create_namespaces)
      return item_error({make_error_code(errc::not_found), "namespaces \"" + ns + "\" not found"});
    object_key nk{objects::kind::namespace_, "", ns};
    json nobj{{"apiVersion", "v1"},
              {"kind", "Namespace"},
              {"metadata", {{"name", ns}, {"uid", new_uid()}, {"creationTimestamp", now_iso(clock)}}},
              {"spec", {{"finalizers", json::array({"kubernetes"})}}},
              {"status", {{"phase", "Active"}}}};
    objects[nk] = stored_object{nobj, json::object()};
    persist(nk);
    warnings.push_back("namespace \"" + ns + "\" did not exist; hayloft created it");
  }
  // Images that run as built-in workloads ignore command/args.
  if (*k == objects::kind::deployment) {
    objects::validation tv;
    auto spec = objects::parse_deployment(normalized, tv);
    for (std::size_t i = 0; i < spec.tmpl.containers.size(); ++i) {
      const auto& c = spec.tmpl.containers[i];
      std::string builtin = image_builtin(c.image);
      std::string path = "spec.template.spec.containers[" + std::to_string(i) + "]";
      if (!builtin.empty() && (!c.command.empty() || !c.args.empty()))
        warnings.push_back(path + ": image \"" + c.image + "\" runs the built-in workload \"" + builtin +
                           "\"; command and args are passed to it but not executed");
      if (builtin.empty() && c.command.empty())
        warnings.push_back(path + ": image \"" + c.image +
                           "\" is not a hayloft built-in workload and no command is given; the container cannot start "
                           "(map the image with image_map or give a command)");
      if (!builtin.empty())
        for (const auto& [key, probe] : {std::pair{"readinessProbe", &c.readiness_probe},
                                         std::pair{"livenessProbe", &c.liveness_probe},
                                         std::pair{"startupProbe", &c.startup_probe}})
          if (*probe && (*probe)->type == objects::probe_spec::handler::exec)
            warnings.push_back(path + "." + key + ".exec: the built-in workload \"" + builtin +
                               "\" runs in-process; exec probes are not run and always succeed");
    }
  }

  object_key key{*k, ns, name};
  std::string action;
  auto existing = objects.find(key);
  if (existing == objects.end()) {
    json obj = normalized;
    obj["metadata"]["uid"] = new_uid();
    obj["metadata"]["creationTimestamp"] = now_iso(clock);
    obj["metadata"]["generation"] = 1;
    obj.erase("status");
    if (*k == objects::kind::service)
      if (auto e = allocate_service(ns, name, obj, nullptr)) return item_error(*e);
    objects[key] = stored_object{std::move(obj), manifest};
    action = "created";
  } else {
    json& live = existing->second.obj;
    json modified = manifest;
    modified.erase("status");
    json patch = three_way_patch(existing->second.last_applied, modified, live);
    patch.erase("status");
    if (patch.empty()) {
      existing->second.last_applied = manifest;
      action = "unchanged";
    } else {
      json merged = live;
      merged.merge_patch(patch);
      objects::validation mv = objects::validate_object(*k, merged);
      if (!mv.ok()) return item_error({make_error_code(errc::invalid), mv.message(ki.name, name)});
      if (*k == objects::kind::service)
        if (auto e = allocate_service(ns, name, merged, &live)) return item_error(*e);
      if (merged.value("spec", json()) != live.value("spec", json()))
        merged["metadata"]["generation"] = live["metadata"].value("generation", 1) + 1;
      live = std::move(merged);
      existing->second.last_applied = manifest;
      action = "configured";
    }
  }
  persist(key);
  if (action != "unchanged") {
    if (action == "configured") deactivate_for_update(key);
    activate(key, false);
  }
  return {{"kind", ki.name}, {"apiVersion", ki.api_version}, {"namespace", ns}, {"name", name},
          {"resource", resource_of(*k)}, {"action", action}};
}

json controller::impl::delete_one(objects::kind k, const std::string& ns, const std::string& name) {
  object_key key{k, objects::info(k).namespaced ? ns : "", name};
  auto it = objects.find(key);
  if (it == objects.end()) return item_error(not_found(k, name));
  if (k == objects::kind::namespace_) {
    if (name == "default" || name == "kube-system" || name == "kube-public" || name == "kube-node-lease")
      return item_error({make_error_code(errc::bad_request),
                         "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted"});
    std::vector<object_key> inside;
    for (const auto& [ok, _] : objects)
      if (ok.namespace_name == name) inside.push_back(ok);
    // ScaledObjects first (they own HPAs), then the rest.
    std::stable_sort(inside.begin(), inside.end(), [](const object_key& a, const object_key& b) {
      return (a.kind == objects::kind::scaled_object) > (b.kind == objects::kind::scaled_object);
    });
    for (const auto& ok : inside)
      if (objects.count(ok)) delete_one(ok.kind, ok.namespace_name, ok.name);
  }
  deactivate(key);
  objects.erase(key);
  unpersist(key);
  return {{"kind", objects::info(k).name}, {"namespace", key.namespace_name}, {"name", name},
          {"resource", resource_of(k)}, {"deleted", true}};
}

void controller::impl::deactivate_for_update(const object_key& k) {
  // A changed ScaledObject or HPA restarts its loops with the new spec; its status (and the HPA's
  // recommendations) carry over, as they would in the real controllers.
  ns_name key{k.namespace_name, k.name};
  if (k.kind == objects::kind::scaled_object) {
    if (auto it = scaled_objects.find(key); it != scaled_objects.end()) cancel(it->second.poll_timer);
  } else if (k.kind == objects::kind::horizontal_pod_autoscaler) {
    if (auto it = hpas.find(key); it != hpas.end()) cancel(it->second.sync_timer);
  }
}

void controller::impl::sync_keda_hpa(const ns_name& so_key) {
  auto it = scaled_objects.find(so_key);
  if (it == scaled_objects.end()) return;
  const auto& so = it->second;
  const std::string& ns = so_key.first;
  auto pause = scaling::pause_from_annotations(so.annotations);
  object_key hk{objects::kind::horizontal_pod_autoscaler, ns, so.spec.hpa_name};
  if (pause.paused) {
    // KEDA deletes the HPA while a ScaledObject is paused.
    if (objects.count(hk)) delete_one(hk.kind, ns, hk.name);
    return;
  }
  json metrics = json::array();
  json selector{{"matchLabels", {{"scaledobject.keda.sh/name", so_key.second}}}};
  for (std::size_t i = 0; i < so.spec.triggers.size(); ++i) {
    const auto& t = so.spec.triggers[i];
    if (t.type == "cpu" || t.type == "memory") {
      auto cpu = scaling::parse_cpu_trigger(t);
      json target = cpu && cpu->metric_type == "AverageValue"
                        ? json{{"type", "AverageValue"}, {"averageValue", objects::format_milli(cpu->value_milli)}}
                        : json{{"type", "Utilization"}, {"averageUtilization", cpu ? cpu->value_milli / 1000 : 0}};
      metrics.push_back({{"type", "Resource"}, {"resource", {{"name", t.type}, {"target", target}}}});
      continue;
    }
    std::int64_t target_milli = 1000;
    if (t.type == "aws-sqs-queue") {
      auto parsed = scaling::parse_sqs_trigger(t, {}, {});
      target_milli = parsed ? parsed->queue_length_milli : 5000;
    } else if (t.type == "prometheus") {
      auto parsed = scaling::parse_prometheus_trigger(t);
      if (parsed) target_milli = parsed->threshold_milli;
    }
    std::string metric = keda_metric_name(t, i);
    json target = t.metric_type == "Value" ? json{{"type", "Value"}, {"value", objects::format_milli(target_milli)}}
                                           : json{{"type", "AverageValue"}, {"averageValue", objects::format_milli(target_milli)}};
    metrics.push_back({{"type", "External"}, {"external", {{"metric", {{"name", metric}, {"selector", selector}}}, {"target", target}}}});
  }
  json spec{{"scaleTargetRef", {{"apiVersion", so.spec.target.api_version}, {"kind", so.spec.target.kind}, {"name", so.spec.target.name}}},
            {"minReplicas", so.spec.hpa_min_replicas()},
            {"maxReplicas", so.spec.max_replica_count},
            {"metrics", metrics}};
  auto so_obj = objects.find(object_key{objects::kind::scaled_object, ns, so_key.second});
  if (so_obj != objects.end()) {
    const json& adv = so_obj->second.obj["spec"].value("advanced", json::object());
    if (adv.is_object() && adv.contains("horizontalPodAutoscalerConfig") &&
        adv["horizontalPodAutoscalerConfig"].contains("behavior"))
      spec["behavior"] = adv["horizontalPodAutoscalerConfig"]["behavior"];
  }
  auto existing = objects.find(hk);
  if (existing != objects.end() && existing->second.obj["spec"] == spec) return;
  json obj{{"apiVersion", "autoscaling/v2"},
           {"kind", "HorizontalPodAutoscaler"},
           {"metadata",
            {{"name", hk.name},
             {"namespace", ns},
             {"labels", {{"app.kubernetes.io/managed-by", "keda-operator"}, {"scaledobject.keda.sh/name", so_key.second}}},
             {"ownerReferences",
              json::array({{{"apiVersion", "keda.sh/v1alpha1"}, {"kind", "ScaledObject"}, {"name", so_key.second},
                            {"controller", true}, {"blockOwnerDeletion", true}}})}}},
           {"spec", spec}};
  if (existing == objects.end()) {
    obj["metadata"]["uid"] = new_uid();
    obj["metadata"]["creationTimestamp"] = now_iso(clock);
    objects[hk] = stored_object{obj, json::object()};
    record(objects::kind::scaled_object, ns, so_key.second, "Normal", "KEDAScalersStarted", "keda-operator",
           "Started scalers watch");
  } else {
    obj["metadata"]["uid"] = existing->second.obj["metadata"]["uid"];
    obj["metadata"]["creationTimestamp"] = existing->second.obj["metadata"]["creationTimestamp"];
    existing->second.obj = obj;
    deactivate_for_update(hk);
  }
  persist(hk);
  activate(hk, false);
}

void controller::impl::set_replicas(const ns_name& d, std::int32_t replicas) {
  auto it = deployments.find(d);
  auto* so = find(objects::kind::deployment, d.first, d.second);
  if (it == deployments.end() || !so) return;
  if (it->second.spec.replicas == replicas) return;
  it->second.spec.replicas = replicas;
  so->obj["spec"]["replicas"] = replicas;
  so->obj["metadata"]["generation"] = so->obj["metadata"].value("generation", 1) + 1;
  persist(object_key{objects::kind::deployment, d.first, d.second});
  request_reconcile(d);
}

// ---- controller API ----

result<json> controller::apply(std::string_view manifests, const std::string& ns, bool ns_explicit) {
  auto docs = objects::parse_manifests(manifests);
  if (!docs) return docs.err();
  json items = json::array(), warnings = json::array();
  std::lock_guard lock(impl_->mutex);
  if (!impl_->running) return error{make_error_code(errc::unavailable), "the orchestrator is not running"};
  for (auto& d : *docs) items.push_back(impl_->apply_one(std::move(d), ns, ns_explicit, warnings));
  // Scale loops (re)started by this apply check their scalers now, with every object of the
  // call in place (a ScaledObject may come before its Deployment).
  impl_->run_first_polls();
  return json{{"items", items}, {"warnings", warnings}};
}

result<json> controller::delete_manifests(std::string_view manifests, const std::string& ns, bool ns_explicit) {
  auto docs = objects::parse_manifests(manifests);
  if (!docs) return docs.err();
  json items = json::array();
  std::lock_guard lock(impl_->mutex);
  for (const auto& d : *docs) {
    auto k = objects::kind_from_manifest(d.value("apiVersion", ""), d.value("kind", ""));
    std::string name = d.value("metadata", json::object()).value("name", "");
    if (!k) {
      items.push_back(item_error({make_error_code(errc::bad_request),
                                  "resource mapping not found for name: \"" + name + "\": no matches for kind \"" +
                                      d.value("kind", "") + "\" in version \"" + d.value("apiVersion", "") + "\""}));
      continue;
    }
    std::string own = d.value("metadata", json::object()).value("namespace", "");
    if (!own.empty() && ns_explicit && own != ns) {
      items.push_back(item_error({make_error_code(errc::bad_request),
                                  "the namespace from the provided object \"" + own + "\" does not match the namespace \"" +
                                      ns + "\". You must pass '--namespace=" + own + "' to perform this operation."}));
      continue;
    }
    items.push_back(impl_->delete_one(*k, !own.empty() ? own : (ns.empty() ? "default" : ns), name));
  }
  return json{{"items", items}};
}

result<json> controller::delete_object(const std::string& kind, const std::string& ns, const std::string& name) {
  auto k = objects::kind_from_word(kind);
  if (!k) return error{make_error_code(errc::bad_request), "the server doesn't have a resource type \"" + kind + "\""};
  std::lock_guard lock(impl_->mutex);
  if (*k == objects::kind::pod) {
    auto it = impl_->pods.find({ns.empty() ? "default" : ns, name});
    if (it == impl_->pods.end() || it->second->deletion) return not_found(*k, name);
    ns_name key = it->first;
    ns_name owner{key.first, it->second->deployment};
    impl_->terminate_pods({it->second.get()});
    impl_->request_reconcile(owner);
    return json{{"items", json::array({{{"kind", "Pod"}, {"namespace", key.first}, {"name", name},
                                        {"resource", "pod"}, {"deleted", true}}})}};
  }
  if (!objects::info(*k).appliable) return error{make_error_code(errc::bad_request), "hayloft manages " + kind + " itself"};
  json r = impl_->delete_one(*k, ns.empty() ? "default" : ns, name);
  if (r.contains("error"))
    return error{make_error_code(r["error"]["status"].get<unsigned>() == 404 ? errc::not_found : errc::bad_request),
                 r["error"]["message"].get<std::string>()};
  return json{{"items", json::array({r})}};
}

result<json> controller::scale(const std::string& kind, const std::string& ns_in, const std::string& name,
                               std::int32_t replicas) {
  auto k = objects::kind_from_word(kind);
  if (!k) return error{make_error_code(errc::bad_request), "the server doesn't have a resource type \"" + kind + "\""};
  if (*k != objects::kind::deployment)
    return error{make_error_code(errc::bad_request), "cannot scale " + objects::qualified_plural(*k) + ": hayloft scales deployments"};
  if (replicas < 0)
    return error{make_error_code(errc::bad_request), "The scale is invalid: spec.replicas: Invalid value: " +
                                                         std::to_string(replicas) + ": must be greater than or equal to 0"};
  std::string ns = ns_in.empty() ? "default" : ns_in;
  std::lock_guard lock(impl_->mutex);
  if (!impl_->deployments.count({ns, name})) return not_found(*k, name);
  impl_->set_replicas({ns, name}, replicas);
  return json{{"resource", "deployment.apps"}, {"namespace", ns}, {"name", name}, {"replicas", replicas}};
}

}  // namespace hayloft::orchestrator
