#include "orchestrator/controller/api.h"

#include <charconv>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator {
namespace {

core::response json_response(const json& body) {
  core::response r;
  r.status = 200;
  r.headers.set("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

core::response from_result(const result<json>& r) {
  if (r) return json_response(*r);
  return error_response(http_status_of(r.code()), reason_of(r.code()), r.err().message);
}

std::string param(const core::request& req, std::string_view name) {
  auto v = req.param(name);
  return v ? std::string(*v) : std::string();
}

template <class T>
bool parse_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

core::response error_response(unsigned status, std::string_view code, std::string_view message) {
  core::response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = json{{"error", {{"code", code}, {"status", status}, {"message", message}}}}.dump();
  return r;
}

bool admin_api::serves(std::string_view path) {
  for (std::string_view p : {"/_hayloft/apply", "/_hayloft/delete", "/_hayloft/get", "/_hayloft/describe",
                             "/_hayloft/scale", "/_hayloft/logs", "/_hayloft/events", "/_hayloft/top"})
    if (path == p) return true;
  return false;
}

core::response admin_api::render_error(const core::request&, const core::aws_error& err) const {
  return error_response(err.status, err.code, err.message);
}

void admin_api::handle(core::request req, core::completion done) {
  const std::string& path = req.path;
  const bool post = req.method == "POST";
  auto bad = [&](std::string msg) { done(error_response(400, "BadRequest", msg)); };
  auto method_not_allowed = [&] { done(error_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")); };
  std::string ns = param(req, "namespace");
  bool ns_explicit = req.has_param("namespace");
  if (path == "/_hayloft/apply" || (path == "/_hayloft/delete" && !req.has_param("kind"))) {
    if (!post) return method_not_allowed();
    if (req.body_size > max_body) {
      done(error_response(413, "RequestEntityTooLarge", "the manifests exceed 8 MiB"));
      return;
    }
    std::string body = req.body_text();
    done(from_result(path == "/_hayloft/apply" ? controller_.apply(body, ns, ns_explicit)
                                               : controller_.delete_manifests(body, ns, ns_explicit)));
    return;
  }
  if (path == "/_hayloft/delete") {
    if (!post && req.method != "DELETE") return method_not_allowed();
    done(from_result(controller_.delete_object(param(req, "kind"), ns, param(req, "name"))));
    return;
  }
  if (path == "/_hayloft/get" || path == "/_hayloft/describe") {
    if (req.method != "GET") return method_not_allowed();
    std::string kind = param(req, "kind");
    if (kind.empty()) return bad("you must specify the type of resource to get");
    done(from_result(path == "/_hayloft/get" ? controller_.get(kind, ns, param(req, "name"))
                                             : controller_.describe(kind, ns, param(req, "name"))));
    return;
  }
  if (path == "/_hayloft/scale") {
    if (!post) return method_not_allowed();
    std::int32_t replicas;
    if (!parse_number(param(req, "replicas"), replicas)) return bad("--replicas=COUNT is required, and COUNT must be an integer");
    done(from_result(controller_.scale(param(req, "kind"), ns, param(req, "name"), replicas)));
    return;
  }
  if (path == "/_hayloft/top") {
    if (req.method != "GET") return method_not_allowed();
    done(from_result(controller_.pod_usage(ns, param(req, "name"))));
    return;
  }
  if (path == "/_hayloft/logs") {
    if (req.method != "GET") return method_not_allowed();
    controller::log_query q;
    q.namespace_name = ns;
    q.pod = param(req, "pod");
    q.deployment = param(req, "deployment");
    q.container = param(req, "container");
    q.previous = param(req, "previous") == "true";
    if (q.pod.empty() == q.deployment.empty()) return bad("exactly one of pod= and deployment= is required");
    if (auto t = param(req, "tail"); !t.empty()) {
      long long n;
      if (!parse_number(t, n)) return bad("tail must be an integer");
      q.tail = n;
    }
    if (auto s = param(req, "since"); !s.empty()) {
      std::uint64_t off;
      if (!parse_number(s, off)) return bad("since must be a byte offset");
      q.since_offset = off;
    }
    done(from_result(controller_.logs(q)));
    return;
  }
  if (path == "/_hayloft/events") {
    if (req.method != "GET") return method_not_allowed();
    done(from_result(controller_.events(ns, param(req, "kind"), param(req, "name"))));
    return;
  }
  done(error_response(404, "NotFound", "the server could not find the requested resource"));
}

}  // namespace hayloft::orchestrator
