// Routing of the Kubernetes front door: discovery documents, then resource paths to the verb
// handlers in api_reads.cc, api_writes.cc and api_logs.cc.
#include <spdlog/spdlog.h>

#include "orchestrator/kube/api_internal.h"
#include "orchestrator/kube/discovery.h"
#include "orchestrator/kube/limits.h"
#include "orchestrator/kube/openapi.h"

namespace hayloft::orchestrator::kube {
namespace {

std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < p.size()) {
    auto slash = p.find('/', pos);
    if (slash == std::string_view::npos) slash = p.size();
    if (slash > pos) out.emplace_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

status_error path_not_found() {
  return {404, "NotFound", "the server could not find the requested resource", json::object()};
}

core::response discovery_response(const json& body, bool aggregated) {
  core::response r = json_response(body);
  if (aggregated) r.headers.set("Content-Type", std::string(aggregated_content_type));
  return r;
}

}  // namespace

kube_api::kube_api(controller& c, core::clock& clock, api_options opts) : impl_(std::make_unique<impl>(c, clock)) {
  if (opts.tick_period.count() > 0) {
    impl_->ticker = std::thread([this, period = opts.tick_period] {
      std::unique_lock lock(impl_->ticker_mutex);
      while (!impl_->stopping) {
        impl_->ticker_cv.wait_for(lock, period, [this] { return impl_->stopping; });
        if (impl_->stopping) break;
        lock.unlock();
        tick();
        lock.lock();
      }
    });
  }
}

kube_api::~kube_api() {
  {
    std::lock_guard lock(impl_->ticker_mutex);
    impl_->stopping = true;
  }
  impl_->ticker_cv.notify_all();
  if (impl_->ticker.joinable()) impl_->ticker.join();
  std::lock_guard lock(impl_->follows_mutex);
  for (auto& f : impl_->follows) f.stream->finish();
  impl_->follows.clear();
}

std::function<void()> kube_api::loop_listener() { return impl_->objects.loop_listener(); }
tracker& kube_api::objects() { return impl_->objects; }

void kube_api::tick() {
  impl_->objects.tick(std::chrono::steady_clock::now());
  impl_->poll_follows();
}

void kube_api::handle(core::request req, core::completion done) {
  core::response r;
  try {
    r = impl_->serve(req);
  } catch (const std::exception& e) {
    spdlog::error("k8s: {} {} failed: {}", req.method, req.target, e.what());
    r = error_response(internal(e.what()));
  }
  done(std::move(r));
}

core::response kube_api::render_error(const core::request&, const core::aws_error& err) const {
  std::string reason = err.status == 401 ? "Unauthorized" : err.status == 403 ? "Forbidden" : err.code;
  return error_response(status_error{err.status, reason, err.message, json::object()});
}

core::response kube_api::impl::serve(const core::request& req) {
  std::string_view path = req.path;
  if (path.substr(0, prefix.size()) != prefix) return error_response(path_not_found());
  // limitedReadBody: the body is refused by size before anything reads it.
  if (req.method != "GET" && req.method != "HEAD" && std::max<std::uint64_t>(req.body.size(), req.body_size) > max_request_body)
    return error_response(request_entity_too_large("limit is " + std::to_string(max_request_body)));
  path.remove_prefix(prefix.size());
  // A client that joins a server-relative URL (which names the prefix) to its base path.
  if (path.substr(0, prefix.size()) == prefix) path.remove_prefix(prefix.size());
  auto segs = split_path(path);
  std::string accept(req.header("accept").value_or(""));
  bool get = req.method == "GET" || req.method == "HEAD";

  if (segs.empty()) {
    if (!get) return error_response(method_not_allowed(req.method, "", ""));
    return json_response({{"paths", json::array({"/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1",
                                                 "/apis/autoscaling", "/apis/autoscaling/v1", "/apis/autoscaling/v2",
                                                 "/apis/apiextensions.k8s.io", "/apis/apiextensions.k8s.io/v1",
                                                 "/apis/keda.sh", "/apis/keda.sh/v1alpha1", "/healthz", "/livez",
                                                 "/readyz", "/version"})}});
  }
  if (segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "livez" || segs[0] == "readyz")) {
    core::response r{200, {}, "ok"};
    r.headers.add("Content-Type", "text/plain; charset=utf-8");
    return r;
  }
  if (segs.size() == 1 && segs[0] == "version") return json_response(version_info());
  if (segs[0] == "openapi") {
    // v3 only: kubectl 1.32 reads v2 only when v3 is absent.
    if (segs.size() < 2 || segs[1] != "v3") return error_response(path_not_found());
    if (segs.size() == 2) return json_response(openapi_index(prefix));
    json doc;
    if (segs.size() == 4 && segs[2] == "api") doc = openapi_group_version("", segs[3]);
    if (segs.size() == 5 && segs[2] == "apis") doc = openapi_group_version(segs[3], segs[4]);
    if (doc.is_null()) return error_response(path_not_found());
    return json_response(doc);
  }

  std::string group, version;
  std::size_t rest = 0;
  if (segs[0] == "api") {
    if (segs.size() == 1) {
      if (!get) return error_response(method_not_allowed(req.method, "", ""));
      if (wants_aggregated(accept)) return discovery_response(aggregated_discovery(true), true);
      return json_response(api_versions(std::string(req.headers.value_or("host", "127.0.0.1"))));
    }
    version = segs[1];
    rest = 2;
  } else if (segs[0] == "apis") {
    if (segs.size() == 1) {
      if (!get) return error_response(method_not_allowed(req.method, "", ""));
      if (wants_aggregated(accept)) return discovery_response(aggregated_discovery(false), true);
      return json_response(api_group_list());
    }
    group = segs[1];
    if (segs.size() == 2) {
      json g = api_group(group);
      if (g.is_null()) return error_response(path_not_found());
      return json_response(g);
    }
    version = segs[2];
    rest = 3;
  } else {
    return error_response(path_not_found());
  }
  if (!serves_group_version(group, version)) return error_response(path_not_found());
  if (segs.size() == rest) {
    if (!get) return error_response(method_not_allowed(req.method, "", ""));
    return json_response(api_resource_list(group, version));
  }

  resource_request rr;
  rr.req = &req;
  std::vector<std::string> tail(segs.begin() + static_cast<std::ptrdiff_t>(rest), segs.end());
  if (tail[0] == "namespaces" && tail.size() >= 3 && find_resource(group, version, tail[2])) {
    rr.namespace_name = tail[1];
    tail.erase(tail.begin(), tail.begin() + 2);
  }
  rr.res = find_resource(group, version, tail[0]);
  if (!rr.res || tail.size() > 3) return error_response(path_not_found());
  if (tail.size() >= 2) rr.name = tail[1];
  if (tail.size() == 3) rr.subresource = tail[2];
  if (!rr.namespace_name.empty() && !rr.res->namespaced) return error_response(path_not_found());
  if (rr.res->source == synthetic::metrics) return metrics(rr);
  return serve_resource(rr);
}

core::response kube_api::impl::serve_resource(resource_request& rr) {
  const resource& r = *rr.res;
  const std::string& m = rr.req->method;
  auto not_allowed = [&](std::string_view verb) { return error_response(method_not_allowed(verb, r.group, r.plural)); };
  if (!rr.subresource.empty()) {
    const subresource* sub = r.find_subresource(rr.subresource);
    if (!sub) {
      if (rr.subresource == "exec" || rr.subresource == "attach" || rr.subresource == "portforward")
        return error_response({405, "MethodNotAllowed",
                               "hayloft does not serve pods/" + rr.subresource +
                                   " (no SPDY/WebSocket streams); use `hayloft port-forward` or the pod's log",
                               {{"group", r.group}, {"kind", r.plural}, {"name", rr.name}}});
      return error_response(path_not_found());
    }
    if (sub->name == "log") {
      if (m != "GET") return not_allowed(m == "POST" ? "create" : "update");
      return logs(rr);
    }
    if (sub->name == "scale") {
      if (m == "GET") return get_scale(rr);
      if (m == "PUT") return update_scale(rr, false);
      if (m == "PATCH") return update_scale(rr, true);
      return not_allowed(m == "POST" ? "create" : "delete");
    }
    return error_response(path_not_found());
  }
  if (m == "GET" || m == "HEAD") {
    if (rr.name.empty()) {
      if (rr.flag("watch")) return r.has_verb("watch") ? watch(rr) : not_allowed("watch");
      return r.has_verb("list") ? list(rr) : not_allowed("list");
    }
    return r.has_verb("get") ? get(rr) : not_allowed("get");
  }
  if (m == "POST") {
    if (!rr.name.empty()) return error_response(method_not_allowed("create", "", ""));
    return r.has_verb("create") ? create(rr) : not_allowed("create");
  }
  if (m == "PUT") {
    if (rr.name.empty()) return error_response(method_not_allowed("update", "", ""));
    return r.has_verb("update") ? update(rr) : not_allowed("update");
  }
  if (m == "PATCH") {
    if (rr.name.empty()) return error_response(method_not_allowed("patch", "", ""));
    return r.has_verb("patch") ? patch(rr) : not_allowed("patch");
  }
  if (m == "DELETE") {
    if (rr.name.empty()) return not_allowed("deletecollection");
    return r.has_verb("delete") ? remove(rr) : not_allowed("delete");
  }
  return error_response(method_not_allowed(m, "", ""));
}

}  // namespace hayloft::orchestrator::kube
