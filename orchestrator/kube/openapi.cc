#include "orchestrator/kube/openapi.h"

#include "emulator/core/hash.h"
#include "orchestrator/kube/resources.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string gv_path(std::string_view group, std::string_view version) {
  return group.empty() ? "api/" + std::string(version) : "apis/" + std::string(group) + "/" + std::string(version);
}

json query_param(const char* name) {
  return {{"name", name}, {"in", "query"}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

json operation(const resource& r, const char* action, bool with_validation) {
  json params = json::array({query_param("dryRun"), query_param("fieldManager")});
  if (with_validation) params.push_back(query_param("fieldValidation"));
  return {{"operationId", std::string(action) + std::string(r.kind)},
          {"parameters", params},
          {"responses", {{"200", {{"description", "OK"}}}}},
          {"x-kubernetes-action", action},
          {"x-kubernetes-group-version-kind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}}};
}

}  // namespace

json openapi_index(std::string_view base) {
  json paths = json::object();
  for (const auto& g : all_groups()) {
    for (auto v : g.versions) {
      std::string p = gv_path(g.name, v);
      std::string hash = core::to_hex(core::sha256_raw(openapi_group_version(g.name, v).dump())).substr(0, 32);
      paths[p] = {{"serverRelativeURL", std::string(base) + "/openapi/v3/" + p + "?hash=" + hash}};
    }
  }
  return {{"paths", paths}};
}

json openapi_group_version(std::string_view group, std::string_view version) {
  if (!serves_group_version(group, version)) return nullptr;
  json paths = json::object();
  for (const resource* r : resources_of(group, version)) {
    std::string base = "/" + gv_path(group, version) + (r->namespaced ? "/namespaces/{namespace}/" : "/") +
                       std::string(r->plural);
    json collection = json::object(), item = json::object();
    if (r->has_verb("create")) collection["post"] = operation(*r, "post", true);
    if (r->has_verb("list")) collection["get"] = operation(*r, "list", false);
    if (r->has_verb("get")) item["get"] = operation(*r, "get", false);
    if (r->has_verb("update")) item["put"] = operation(*r, "put", true);
    if (r->has_verb("patch")) item["patch"] = operation(*r, "patch", true);
    if (r->has_verb("delete")) item["delete"] = operation(*r, "delete", false);
    paths[base] = collection;
    paths[base + "/{name}"] = item;
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0+hayloft"}}},
          {"paths", paths},
          {"components", {{"schemas", json::object()}}}};
}

}  // namespace hayloft::orchestrator::kube
