#include "orchestrator/kube/tracker.h"

#include "orchestrator/kube/limits.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "orchestrator/kube/stream.h"
#include "orchestrator/kube/synthetic.h"

namespace hayloft::orchestrator::kube {
namespace {

constexpr slot node_slot = 100;
constexpr slot crd_slot = 101;
constexpr std::size_t history_limit = 4096;
constexpr auto bookmark_period = std::chrono::seconds(60);
constexpr auto reread_period = std::chrono::milliseconds(1000);

using key = std::pair<std::string, std::string>;  // namespace, name

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

struct entry {
  json raw;     // as the controller serves it
  json object;  // decorated, with resourceVersion
  std::uint64_t rv = 0;
};

struct history_event {
  std::uint64_t rv;
  slot collection;
  std::string type;  // ADDED, MODIFIED, DELETED
  json object;
  json previous;  // MODIFIED: the object before
};

class watch_stream final : public queued_stream {
 public:
  watch_stream(watch_request r, std::chrono::steady_clock::time_point now)
      : req(std::move(r)), deadline(now + req.timeout), next_bookmark(now + bookmark_period) {}

  const watch_request req;
  const std::chrono::steady_clock::time_point deadline;
  std::chrono::steady_clock::time_point next_bookmark;  // guarded by the tracker's state mutex
};

std::string event_line(const watch_request& req, const std::string& type, const json& obj) {
  return json{{"type", type}, {"object", req.render ? req.render(obj) : obj}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string bookmark_line(const watch_request& req, std::uint64_t rv, bool initial_end) {
  json md{{"resourceVersion", std::to_string(rv)}, {"creationTimestamp", nullptr}};
  if (initial_end) md["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  return json{{"type", "BOOKMARK"},
              {"object", {{"kind", req.bookmark_kind}, {"apiVersion", req.bookmark_api_version}, {"metadata", md}}}}
             .dump() + "\n";
}

bool in_scope(const watch_request& req, const json& obj) {
  const json& md = obj["metadata"];
  if (!req.namespace_name.empty() && str(md, "namespace") != req.namespace_name) return false;
  if (req.name && str(md, "name") != *req.name) return false;
  return !req.matches || req.matches(obj);
}

}  // namespace

std::string derived_uid(std::string_view kind, std::string_view ns, std::string_view name) {
  // Two FNV-1a 64-bit hashes with different offset bases: stable, well spread, and no crypto
  // library to initialise (a SHA-1 here pulled OpenSSL's providers into every start: 3.5 MiB).
  const std::string text = std::string(kind) + "/" + std::string(ns) + "/" + std::string(name);
  auto fnv = [&](std::uint64_t h) {
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
    return h;
  };
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(fnv(0xcbf29ce484222325ULL)),
                static_cast<unsigned long long>(fnv(0x84222325cbf29ce4ULL)));
  std::string h(buf, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

slot slot_of(const resource& r) {
  if (r.source == synthetic::node) return node_slot;
  if (r.source == synthetic::crd) return crd_slot;
  return static_cast<slot>(*r.backing);
}

struct tracker::state {
  state(controller& c, core::clock& k) : ctl(c), clock(k) {}
  controller& ctl;
  core::clock& clock;

  std::mutex refresh_mutex;  // serialises re-reads (taken before the controller's mutex)
  mutable std::mutex state_mutex;  // guards everything below
  std::uint64_t rv = 0;
  std::map<slot, std::map<key, entry>> collections;
  std::deque<history_event> history;
  std::uint64_t history_floor = 0;  // watches from a resourceVersion below this get 410 Gone
  std::vector<std::weak_ptr<watch_stream>> watches;
  std::chrono::steady_clock::time_point last_reread{};

  std::uint64_t reread();
  json decorate(slot s, const json& raw, const std::map<slot, std::map<key, json>>& fresh, std::uint64_t rv) const;
  void add_static(slot s, json obj) {
    const json& md = obj["metadata"];
    key k{str(md, "namespace"), str(md, "name")};
    ++rv;
    obj["metadata"]["resourceVersion"] = std::to_string(rv);
    collections[s][k] = entry{obj, obj, rv};
  }
};

json tracker::state::decorate(slot s, const json& raw, const std::map<slot, std::map<key, json>>& fresh,
                              std::uint64_t version) const {
  json obj = raw;
  json& md = obj["metadata"];
  std::string ns = str(md, "namespace"), name = str(md, "name");
  md["resourceVersion"] = std::to_string(version);
  auto kind_of = [](objects::kind k) { return static_cast<slot>(k); };
  auto uid_of = [&](slot sl, const std::string& n, const std::string& nm) -> std::string {
    auto c = fresh.find(sl);
    if (c == fresh.end()) return "";
    auto it = c->second.find({n, nm});
    if (it == c->second.end()) return "";
    return str(it->second["metadata"], "uid");
  };
  if (s == kind_of(objects::kind::replica_set)) {
    md["uid"] = derived_uid("ReplicaSet", ns, name);
    md["generation"] = 1;
    md["annotations"] = {{"deployment.kubernetes.io/revision", "1"}};
    std::string deploy;
    if (md.contains("ownerReferences") && !md["ownerReferences"].empty()) {
      auto& ref = md["ownerReferences"][0];
      deploy = str(ref, "name");
      ref["uid"] = uid_of(kind_of(objects::kind::deployment), ns, deploy);
      ref["blockOwnerDeletion"] = true;
    }
    auto dc = fresh.find(kind_of(objects::kind::deployment));
    if (dc != fresh.end()) {
      auto it = dc->second.find({ns, deploy});
      if (it != dc->second.end() && it->second.contains("spec") && it->second["spec"].contains("template")) {
        json tmpl = it->second["spec"]["template"];
        std::string hash = str(md["labels"], "pod-template-hash");
        tmpl["metadata"]["labels"]["pod-template-hash"] = hash;
        obj["spec"]["template"] = tmpl;
        obj["spec"]["selector"]["matchLabels"]["pod-template-hash"] = hash;
      }
    }
    obj["status"]["observedGeneration"] = 1;
  } else if (s == kind_of(objects::kind::pod)) {
    if (md.contains("ownerReferences") && !md["ownerReferences"].empty()) {
      auto& ref = md["ownerReferences"][0];
      ref["uid"] = derived_uid("ReplicaSet", ns, str(ref, "name"));
      ref["blockOwnerDeletion"] = true;
      md["generateName"] = str(ref, "name") + "-";
    }
  } else if (s == kind_of(objects::kind::namespace_)) {
    // What the API server defaults on a Namespace.
    if (!obj.contains("spec") || !obj["spec"].is_object()) obj["spec"] = {{"finalizers", json::array({"kubernetes"})}};
    if (!obj.contains("status") || !obj["status"].is_object()) obj["status"] = {{"phase", "Active"}};
  } else if (s == kind_of(objects::kind::event)) {
    md["uid"] = derived_uid("Event", ns, name);
    md["creationTimestamp"] = str(obj, "firstTimestamp");
    json& inv = obj["involvedObject"];
    std::string kind = str(inv, "kind");
    for (const auto& r : all_resources()) {
      if (r.kind != kind || !r.backing) continue;
      inv["apiVersion"] = r.group_version();
      std::string uid = uid_of(kind_of(*r.backing), r.namespaced ? str(inv, "namespace") : "", str(inv, "name"));
      if (kind == "ReplicaSet") uid = derived_uid("ReplicaSet", str(inv, "namespace"), str(inv, "name"));
      if (!uid.empty()) inv["uid"] = uid;
      break;
    }
    obj["reportingComponent"] = str(obj["source"], "component");
    obj["reportingInstance"] = "";
    obj.erase("hayloft");
  }
  if (!md.contains("uid")) md["uid"] = derived_uid(str(obj, "kind"), ns, name);
  return obj;
}

std::uint64_t tracker::state::reread() {
  std::lock_guard refresh_lock(refresh_mutex);
  // Every collection the controller holds, read with its own lock, outside ours.
  std::map<slot, std::map<key, json>> fresh;
  for (const auto& ki : objects::all_kinds()) {
    auto r = ctl.get(std::string(ki.plural), "*", "");
    if (!r.ok()) {
      spdlog::debug("k8s: reading {} failed: {}", ki.plural, r.err().message);
      continue;
    }
    auto& c = fresh[static_cast<slot>(ki.id)];
    for (auto& item : (*r)["items"]) {
      const json& md = item["metadata"];
      c[{str(md, "namespace"), str(md, "name")}] = std::move(item);
    }
  }
  std::vector<std::pair<std::shared_ptr<watch_stream>, std::string>> out;
  std::uint64_t newest;
  {
    std::lock_guard lock(state_mutex);
    std::vector<history_event> changes;
    for (auto& [s, items] : fresh) {
      auto& stored = collections[s];
      for (auto it = stored.begin(); it != stored.end();) {
        if (items.count(it->first)) {
          ++it;
          continue;
        }
        json gone = it->second.object;
        gone["metadata"]["resourceVersion"] = std::to_string(++rv);
        changes.push_back({rv, s, "DELETED", std::move(gone), json()});
        it = stored.erase(it);
      }
      for (const auto& [k, raw] : items) {
        auto it = stored.find(k);
        if (it != stored.end() && it->second.raw == raw) continue;
        ++rv;
        json obj = decorate(s, raw, fresh, rv);
        if (it == stored.end()) {
          changes.push_back({rv, s, "ADDED", obj, json()});
          stored[k] = entry{raw, std::move(obj), rv};
        } else {
          changes.push_back({rv, s, "MODIFIED", obj, it->second.object});
          it->second = entry{raw, std::move(obj), rv};
        }
      }
    }
    newest = rv;
    for (auto& ch : changes) {
      for (auto& w : watches) {
        auto ws = w.lock();
        if (!ws || ws->req.collection != ch.collection) continue;
        bool now_in = in_scope(ws->req, ch.object);
        bool was_in = !ch.previous.is_null() && in_scope(ws->req, ch.previous);
        std::string type = ch.type;
        if (type == "MODIFIED" && was_in && !now_in) type = "DELETED";
        else if (type == "MODIFIED" && !was_in && now_in) type = "ADDED";
        else if (!now_in) continue;
        out.emplace_back(ws, event_line(ws->req, type, ch.object));
      }
      history.push_back(std::move(ch));
    }
    while (history.size() > history_limit) {
      history_floor = history.front().rv;
      history.pop_front();
    }
    last_reread = std::chrono::steady_clock::now();
  }
  for (auto& [ws, line] : out) ws->push(std::move(line));
  return newest;
}

tracker::tracker(controller& c, core::clock& clock) : state_(std::make_shared<state>(c, clock)) {
  std::lock_guard lock(state_->state_mutex);
  std::string now = core::iso8601(clock.now());
  state_->add_static(node_slot, node_object(now));
  for (auto& crd : crd_objects(now)) state_->add_static(crd_slot, std::move(crd));
  state_->history_floor = state_->rv;
}

tracker::~tracker() {
  std::vector<std::shared_ptr<watch_stream>> open;
  {
    std::lock_guard lock(state_->state_mutex);
    for (auto& w : state_->watches)
      if (auto ws = w.lock()) open.push_back(ws);
    state_->watches.clear();
  }
  for (auto& ws : open) ws->finish();
}

std::function<void()> tracker::loop_listener() {
  return [weak = std::weak_ptr<state>(state_)] {
    auto s = weak.lock();
    if (!s) return;
    {
      std::lock_guard lock(s->state_mutex);
      if (s->watches.empty()) return;
    }
    s->reread();
  };
}

listing tracker::list(const resource& r, const std::string& ns) {
  slot s = slot_of(r);
  if (r.backing) state_->reread();
  std::lock_guard lock(state_->state_mutex);
  listing out;
  out.resource_version = state_->rv;
  for (const auto& [k, e] : state_->collections[s])
    if (ns.empty() || !r.namespaced || k.first == ns) out.items.push_back(e.object);
  return out;
}

std::optional<json> tracker::get(const resource& r, const std::string& ns, const std::string& name) {
  slot s = slot_of(r);
  if (r.backing) state_->reread();
  std::lock_guard lock(state_->state_mutex);
  auto& c = state_->collections[s];
  auto it = c.find({r.namespaced ? ns : "", name});
  if (it == c.end()) return std::nullopt;
  return it->second.object;
}

std::uint64_t tracker::refresh() { return state_->reread(); }

std::uint64_t tracker::current_version() const {
  std::lock_guard lock(state_->state_mutex);
  return state_->rv;
}

tracker::watch_result tracker::watch(watch_request req) {
  state_->reread();
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(state_->state_mutex);
  std::uint64_t from = 0;
  bool initial = req.resource_version.empty() || req.resource_version == "0" || req.send_initial_events;
  if (!initial) {
    auto rv = parse_resource_version(req.resource_version);
    if (!rv) return {nullptr, unknown_error(rv.err().message)};  // what the API server answers (see limits.h)
    from = *rv;
    if (from < state_->history_floor)
      return {nullptr, gone("too old resource version: " + req.resource_version + " (" +
                            std::to_string(state_->history_floor) + ")")};
  }
  auto ws = std::make_shared<watch_stream>(std::move(req), now);
  const watch_request& r = ws->req;
  if (initial) {
    for (const auto& [k, e] : state_->collections[r.collection])
      if (in_scope(r, e.object)) ws->push(event_line(r, "ADDED", e.object));
    if (r.send_initial_events && r.bookmarks) ws->push(bookmark_line(r, state_->rv, true));
  } else {
    for (const auto& h : state_->history) {
      if (h.rv <= from || h.collection != r.collection) continue;
      bool now_in = in_scope(r, h.object);
      bool was_in = !h.previous.is_null() && in_scope(r, h.previous);
      std::string type = h.type;
      if (type == "MODIFIED" && was_in && !now_in) type = "DELETED";
      else if (type == "MODIFIED" && !was_in && now_in) type = "ADDED";
      else if (!now_in) continue;
      ws->push(event_line(r, type, h.object));
    }
  }
  state_->watches.push_back(ws);
  return {ws, std::nullopt};
}

void tracker::tick(std::chrono::steady_clock::time_point now) {
  std::vector<std::shared_ptr<watch_stream>> expired;
  std::vector<std::pair<std::shared_ptr<watch_stream>, std::string>> marks;
  bool reread = false;
  {
    std::lock_guard lock(state_->state_mutex);
    auto& ws = state_->watches;
    for (auto it = ws.begin(); it != ws.end();) {
      auto w = it->lock();
      if (!w || w->finished()) {
        it = ws.erase(it);
        continue;
      }
      if (now >= w->deadline) {
        expired.push_back(w);
        it = ws.erase(it);
        continue;
      }
      if (w->req.bookmarks && now >= w->next_bookmark) {
        w->next_bookmark = now + bookmark_period;
        marks.emplace_back(w, bookmark_line(w->req, state_->rv, false));
      }
      ++it;
    }
    reread = !ws.empty() && now - state_->last_reread >= reread_period;
  }
  for (auto& w : expired) w->finish();
  for (auto& [w, line] : marks) w->push(std::move(line));
  if (reread) state_->reread();
}

std::size_t tracker::open_watches() const {
  std::lock_guard lock(state_->state_mutex);
  std::size_t n = 0;
  for (const auto& w : state_->watches)
    if (auto ws = w.lock(); ws && !ws->finished()) ++n;
  return n;
}

}  // namespace hayloft::orchestrator::kube
