// Construction, lifecycle, timers and persistence of the controller.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "emulator/core/ids.h"
#include "orchestrator/controller/state.h"
#include "orchestrator/errc.h"
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator {

namespace {

const store::migration_set schema{
    "orchestrator",
    {"CREATE TABLE orchestrator_objects("
     "  kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,"
     "  body TEXT NOT NULL, last_applied TEXT NOT NULL,"
     "  PRIMARY KEY (kind, namespace, name)) WITHOUT ROWID;"}};

std::string kind_name(objects::kind k) { return std::string(objects::info(k).name); }

}  // namespace

std::string now_iso(const core::clock& c) { return core::iso8601(c.now()); }

error not_found(objects::kind k, const std::string& name) {
  return error{make_error_code(errc::not_found), objects::qualified_plural(k) + " \"" + name + "\" not found"};
}

std::string template_hash(const json& pod_template) {
  // fnv32a over the template, rendered with the alphabet of rand.SafeEncodeString as the
  // Deployment controller renders pod-template-hash.
  std::string s = pod_template.dump();
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  static const std::string alphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (char c : std::to_string(h)) out.push_back(alphanums[static_cast<unsigned char>(c) % alphanums.size()]);
  return out;
}

controller::impl::impl(store::state_store& s, core::clock& c, queue_metrics& q, const pods::workload_registry& w,
                       options o)
    : store(s), clock(c), queues(q), workloads(w), opts(std::move(o)), events(opts.max_events) {
  if (opts.log_dir.empty()) opts.log_dir = store.dir() / "pods";
  alive->target = this;
}

timer_id controller::impl::schedule_at(time_point at, std::function<void(impl&)> fn) {
  return clock.call_at(at, [life = alive, fn = std::move(fn)] {
    life->with([&](impl& self) {
      auto work = [self = &self, fn] {
        {
          std::lock_guard lock(self->mutex);
          if (!self->running) return;
          fn(*self);
        }
        if (self->loop_listener) self->loop_listener();
      };
      if (self.clock.rate() == 0)
        self.executor.post_and_wait(work);
      else
        self.executor.post(work);
    });
  });
}

void controller::impl::cancel(std::optional<timer_id>& t) {
  if (t) clock.cancel(*t);
  t.reset();
}

void controller::impl::persist(const object_key& k) {
  auto it = objects.find(k);
  if (it == objects.end()) return;
  std::string kind = kind_name(k.kind), ns = k.namespace_name, name = k.name;
  std::string body = it->second.obj.dump(), applied = it->second.last_applied.dump();
  store.submit(
      [kind, ns, name, body, applied](store::database& db) -> result<void> {
        auto st = db.cached(
            "INSERT INTO orchestrator_objects(kind, namespace, name, body, last_applied) VALUES(?,?,?,?,?) "
            "ON CONFLICT(kind, namespace, name) DO UPDATE SET body = excluded.body, last_applied = excluded.last_applied");
        if (!st) return st.err();
        (*st)->bind(1, kind).bind(2, ns).bind(3, name).bind(4, body).bind(5, applied);
        return (*st)->run();
      },
      [](result<void> r) {
        if (!r) spdlog::error("orchestrator: persisting an object failed: {}", r.err().message);
      });
}

void controller::impl::unpersist(const object_key& k) {
  std::string kind = kind_name(k.kind), ns = k.namespace_name, name = k.name;
  store.submit(
      [kind, ns, name](store::database& db) -> result<void> {
        auto st = db.cached("DELETE FROM orchestrator_objects WHERE kind = ? AND namespace = ? AND name = ?");
        if (!st) return st.err();
        (*st)->bind(1, kind).bind(2, ns).bind(3, name);
        return (*st)->run();
      },
      [](result<void> r) {
        if (!r) spdlog::error("orchestrator: deleting an object failed: {}", r.err().message);
      });
}

void controller::impl::record(objects::kind kind, const std::string& ns, const std::string& name, std::string type,
                              std::string reason, std::string source, std::string message,
                              std::optional<std::int32_t> from, std::optional<std::int32_t> to,
                              std::optional<double> metric, json extra) {
  controller_detail::event_record e;
  e.first_time = e.last_time = clock.now();
  e.type = std::move(type);
  e.reason = std::move(reason);
  e.object_kind = kind_name(kind);
  e.namespace_name = ns;
  e.object_name = name;
  e.source = std::move(source);
  e.message = std::move(message);
  e.from_replicas = from;
  e.to_replicas = to;
  e.metric_value = metric;
  e.extra = std::move(extra);
  spdlog::debug("orchestrator: {} {}/{} {}: {}", e.object_kind, ns, name, e.reason, e.message);
  events.add(std::move(e));
}

std::string controller::impl::new_uid() { return core::uuid4(); }

stored_object* controller::impl::find(objects::kind k, const std::string& ns, const std::string& name) {
  auto it = objects.find(object_key{k, objects::info(k).namespaced ? ns : "", name});
  return it == objects.end() ? nullptr : &it->second;
}

void controller::impl::ensure_default_namespaces() {
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    object_key k{objects::kind::namespace_, "", ns};
    if (objects.count(k)) continue;
    json obj{{"apiVersion", "v1"},
             {"kind", "Namespace"},
             {"metadata", {{"name", ns}, {"uid", new_uid()}, {"creationTimestamp", now_iso(clock)}}},
             {"spec", {{"finalizers", json::array({"kubernetes"})}}},
             {"status", {{"phase", "Active"}}}};
    objects[k] = stored_object{obj, json::object()};
    persist(k);
  }
}

void controller::impl::activate(const object_key& k, bool restored) {
  auto it = objects.find(k);
  if (it == objects.end()) return;
  const json& obj = it->second.obj;
  ns_name key{k.namespace_name, k.name};
  objects::validation v;
  switch (k.kind) {
    case objects::kind::deployment: {
      deployment_rt d{objects::parse_deployment(obj, v), template_hash(obj["spec"]["template"])};
      deployments[key] = std::move(d);
      request_reconcile(key);
      if (!restored) recheck_failed_scaled_objects(k.namespace_name);
      break;
    }
    case objects::kind::scaled_object: {
      auto& so = scaled_objects[key];
      so.spec = objects::parse_scaled_object(obj, v);
      so.annotations.clear();
      if (obj["metadata"].contains("annotations") && obj["metadata"]["annotations"].is_object())
        for (const auto& [ak, av] : obj["metadata"]["annotations"].items())
          if (av.is_string()) so.annotations[ak] = av.get<std::string>();
      time_point created;
      core::parse_iso8601(obj["metadata"].value("creationTimestamp", ""), created);
      so.created = created;
      if (restored && obj.contains("status")) {
        const json& st = obj["status"];
        time_point t;
        if (st.contains("lastActiveTime") && st["lastActiveTime"].is_string() &&
            core::parse_iso8601(st["lastActiveTime"].get<std::string>(), t))
          so.status.last_active_time = scaling::whole_seconds(t);
        if (st.contains("originalReplicaCount")) so.status.original_replica_count = st["originalReplicaCount"].get<std::int32_t>();
        if (st.contains("health") && st["health"].is_object())
          for (const auto& [m, h] : st["health"].items())
            so.status.health[m] = {h.value("numberOfFailures", 0), h.value("status", "Happy")};
      }
      start_scaled_object(key);
      sync_keda_hpa(key);
      break;
    }
    case objects::kind::horizontal_pod_autoscaler: {
      auto& h = hpas[key];
      h.spec = objects::parse_hpa(obj, v);
      h.owner.clear();
      if (obj["metadata"].contains("ownerReferences"))
        for (const auto& ref : obj["metadata"]["ownerReferences"])
          if (ref.value("kind", "") == "ScaledObject") h.owner = ref.value("name", "");
      time_point created;
      core::parse_iso8601(obj["metadata"].value("creationTimestamp", ""), created);
      h.created = created;
      start_hpa(key);
      break;
    }
    case objects::kind::secret:
    case objects::kind::config_map:
      retry_config_errors();
      if (!restored) recheck_failed_scaled_objects(k.namespace_name);
      break;
    case objects::kind::trigger_authentication:
      if (!restored) recheck_failed_scaled_objects(k.namespace_name);
      break;
    case objects::kind::service:
      services[key] = objects::parse_service(obj, v);
      schedule_now([](impl&) {});  // a loop iteration: listeners (the Service proxy) see it
      break;
    case objects::kind::pod_monitoring:
      pod_monitorings[key] = objects::parse_pod_monitoring(obj, v);
      schedule_now([](impl&) {});  // a loop iteration: the scraper's targets follow
      break;
    default: break;
  }
}

void controller::impl::deactivate(const object_key& k) {
  ns_name key{k.namespace_name, k.name};
  switch (k.kind) {
    case objects::kind::deployment: {
      terminate_pods(pods_of(key));
      deployments.erase(key);
      break;
    }
    case objects::kind::scaled_object: {
      auto it = scaled_objects.find(key);
      if (it == scaled_objects.end()) break;
      cancel(it->second.poll_timer);
      std::string hpa = it->second.spec.hpa_name;
      bool restore = it->second.spec.restore_to_original_replica_count;
      auto original = it->second.status.original_replica_count;
      std::string target = it->second.spec.target.name;
      scaled_objects.erase(it);
      if (find(objects::kind::horizontal_pod_autoscaler, k.namespace_name, hpa))
        delete_one(objects::kind::horizontal_pod_autoscaler, k.namespace_name, hpa);
      if (restore && original && deployments.count({k.namespace_name, target}))
        set_replicas({k.namespace_name, target}, *original);
      break;
    }
    case objects::kind::horizontal_pod_autoscaler: {
      auto it = hpas.find(key);
      if (it == hpas.end()) break;
      cancel(it->second.sync_timer);
      hpas.erase(it);
      break;
    }
    case objects::kind::service:
      if (services.erase(key)) schedule_now([](impl&) {});
      break;
    case objects::kind::pod_monitoring:
      if (pod_monitorings.erase(key)) schedule_now([](impl&) {});
      break;
    default: break;
  }
}

controller::controller(store::state_store& store, core::clock& clock, queue_metrics& queues,
                       const pods::workload_registry& workloads, options opts)
    : impl_(std::make_shared<impl>(store, clock, queues, workloads, std::move(opts))) {}

controller::~controller() { stop(); }

void controller::set_loop_listener(std::function<void()> listener) { impl_->loop_listener = std::move(listener); }

namespace {

using object_row = std::tuple<std::string, std::string, std::string, std::string, std::string>;

result<std::vector<object_row>> read_objects(store::state_store& st) {
  std::vector<object_row> rows;
  try {
    auto db = st.reader();
    auto sel = db->prepare("SELECT kind, namespace, name, body, last_applied FROM orchestrator_objects");
    if (!sel) return sel.err();
    for (;;) {
      auto row = sel->step();
      if (!row) return row.err();
      if (!*row) break;
      rows.emplace_back(sel->text(0), sel->text(1), sel->text(2), sel->text(3), sel->text(4));
    }
  } catch (const std::exception& e) {
    return error{make_error_code(errc::internal), e.what()};
  }
  return rows;
}

}  // namespace

// With the mutex held: the objects of `rows` become the controller's, their loops and pods start.
static void load_objects(controller::impl& s, std::vector<object_row>& rows) {
  std::vector<object_key> loaded;
  for (auto& [kind, ns, name, body, applied] : rows) {
    std::optional<objects::kind> k;
    for (const auto& ki : objects::all_kinds())
      if (ki.name == kind) k = ki.id;
    if (!k) continue;
    json obj = json::parse(body, nullptr, false), last = json::parse(applied, nullptr, false);
    if (obj.is_discarded()) continue;
    object_key key{*k, ns, name};
    s.objects[key] = stored_object{std::move(obj), last.is_discarded() ? json::object() : std::move(last)};
    loaded.push_back(key);
  }
  s.ensure_default_namespaces();
  // HPAs after the ScaledObjects that own them; deployments first so targets exist.
  auto order = [](objects::kind k) {
    switch (k) {
      case objects::kind::deployment: return 0;
      case objects::kind::scaled_object: return 1;
      case objects::kind::horizontal_pod_autoscaler: return 2;
      default: return 3;
    }
  };
  std::stable_sort(loaded.begin(), loaded.end(),
                   [&](const object_key& a, const object_key& b) { return order(a.kind) < order(b.kind); });
  for (const auto& k : loaded) s.activate(k, true);
  s.run_first_polls();  // the operator's start: every scale loop checks its scalers at once
}

result<void> controller::start() {
  HAYLOFT_TRY(impl_->store.migrate(schema));
  auto rows = read_objects(impl_->store);
  if (!rows) return rows.err();
  std::lock_guard lock(impl_->mutex);
  impl_->running = true;
  load_objects(*impl_, *rows);
  impl_->usage_timer = impl_->schedule_now([](impl& s) { s.sample_usage(); });
  return {};
}

void controller::stop() {
  if (!impl_) return;
  impl_->alive->shut();  // pending timers and container callbacks become no-ops
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->running) {
      impl_->running = false;
      for (auto& [_, so] : impl_->scaled_objects) impl_->cancel(so.poll_timer);
      for (auto& [_, h] : impl_->hpas) impl_->cancel(h.sync_timer);
      impl_->cancel(impl_->usage_timer);
    }
  }
  impl_->executor.shutdown();
  std::lock_guard lock(impl_->mutex);
  impl_->stop_all_pods(impl_->opts.shutdown_grace_cap);
}

// With the mutex held: every loop and pod stopped, every object forgotten (the database untouched).
static void forget_all(controller::impl& s) {
  std::vector<object_key> keys;
  for (const auto& [k, _] : s.objects) keys.push_back(k);
  for (const auto& k : keys)
    if (s.objects.count(k)) s.deactivate(k);
  s.stop_all_pods(std::chrono::milliseconds(2000));
  s.pods.clear();
  s.objects.clear();
  s.deployments.clear();
  s.scaled_objects.clear();
  s.first_polls.clear();
  s.hpas.clear();
  s.services.clear();
  s.pod_monitorings.clear();
  s.events.clear();
}

result<void> controller::reset() {
  std::lock_guard lock(impl_->mutex);
  forget_all(*impl_);
  auto r = impl_->store.write([](store::database& db) { return db.exec("DELETE FROM orchestrator_objects"); });
  impl_->ensure_default_namespaces();
  return r;
}

result<void> controller::reload(const std::function<result<void>()>& swap) {
  std::lock_guard lock(impl_->mutex);
  forget_all(*impl_);
  auto swapped = swap();
  auto rows = read_objects(impl_->store);
  if (!rows) return rows.err();
  load_objects(*impl_, *rows);
  return swapped;
}

}  // namespace hayloft::orchestrator
