#include "orchestrator/kube/status.h"

namespace hayloft::orchestrator::kube {
namespace {

json details(std::string_view group, std::string_view kind, std::string_view name) {
  json d = json::object();
  if (!name.empty()) d["name"] = name;
  if (!group.empty()) d["group"] = group;
  if (!kind.empty()) d["kind"] = kind;
  return d;
}

std::string qualified(std::string_view group, std::string_view resource) {
  return group.empty() ? std::string(resource) : std::string(resource) + "." + std::string(group);
}

}  // namespace

status_error not_found(std::string_view group, std::string_view resource, std::string_view name) {
  return {404, "NotFound", qualified(group, resource) + " \"" + std::string(name) + "\" not found",
          details(group, resource, name)};
}

status_error already_exists(std::string_view group, std::string_view resource, std::string_view name) {
  return {409, "AlreadyExists", qualified(group, resource) + " \"" + std::string(name) + "\" already exists",
          details(group, resource, name)};
}

status_error conflict(std::string_view group, std::string_view resource, std::string_view name, std::string_view why) {
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + std::string(name) + "\": " + std::string(why),
          details(group, resource, name)};
}

status_error invalid(std::string_view group, std::string_view kind, std::string_view name, std::string message,
                     std::vector<status_cause> causes) {
  json d = details(group, kind, name);
  json cs = json::array();
  for (const auto& c : causes) cs.push_back({{"reason", c.type}, {"message", c.message}, {"field", c.field}});
  if (!cs.empty()) d["causes"] = cs;
  return {422, "Invalid", std::move(message), d};
}

status_error bad_request(std::string message) { return {400, "BadRequest", std::move(message), json::object()}; }

status_error method_not_allowed(std::string_view verb, std::string_view group, std::string_view resource) {
  if (resource.empty())
    return {405, "MethodNotAllowed", "the server does not allow this method on the requested resource", json::object()};
  return {405, "MethodNotAllowed",
          std::string(verb) + " is not supported on resources of kind \"" + qualified(group, resource) + "\"",
          details(group, resource, "")};
}

status_error not_acceptable(std::string message) { return {406, "NotAcceptable", std::move(message), json::object()}; }
status_error unsupported_media_type(std::string message) {
  return {415, "UnsupportedMediaType", std::move(message), json::object()};
}
status_error gone(std::string message) { return {410, "Expired", std::move(message), json::object()}; }
status_error internal(std::string message) { return {500, "InternalError", std::move(message), json::object()}; }
status_error request_entity_too_large(std::string message) {
  return {413, "RequestEntityTooLarge", "Request entity too large: " + std::move(message), json::object()};
}
status_error unknown_error(std::string message) { return {500, "", std::move(message), json::object()}; }

json to_json(const status_error& e) {
  json j{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
         {"message", e.message}};
  if (!e.reason.empty()) j["reason"] = e.reason;
  if (!e.details.empty()) j["details"] = e.details;
  j["code"] = e.code;
  return j;
}

core::response json_response(const json& body, unsigned status) {
  core::response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Cache-Control", "no-cache, private");
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

core::response error_response(const status_error& e) { return json_response(to_json(e), e.code); }

json success_status(std::string_view group, std::string_view kind, std::string_view name, std::string_view uid) {
  json d = details(group, kind, name);
  if (!uid.empty()) d["uid"] = uid;
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"}, {"details", d}};
}

}  // namespace hayloft::orchestrator::kube
