#include "orchestrator/kube/discovery.h"

#include "orchestrator/kube/resources.h"

namespace hayloft::orchestrator::kube {
namespace {

json strings(const std::vector<std::string_view>& v) {
  json a = json::array();
  for (auto s : v) a.push_back(s);
  return a;
}

json group_version_entry(std::string_view group, std::string_view version) {
  std::string gv = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return {{"groupVersion", gv}, {"version", version}};
}

json discovery_resource(const resource& r) {
  json d{{"resource", r.plural},
         {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
         {"scope", r.namespaced ? "Namespaced" : "Cluster"},
         {"singularResource", r.singular},
         {"verbs", strings(r.verbs)}};
  if (!r.short_names.empty()) d["shortNames"] = strings(r.short_names);
  if (!r.categories.empty()) d["categories"] = strings(r.categories);
  if (!r.subresources.empty()) {
    json subs = json::array();
    for (const auto& s : r.subresources)
      subs.push_back({{"subresource", s.name},
                      {"responseKind", {{"group", s.group}, {"version", s.version}, {"kind", s.kind}}},
                      {"verbs", strings(s.verbs)}});
    d["subresources"] = subs;
  }
  return d;
}

}  // namespace

json version_info() {
  return {{"major", served_major},
          {"minor", served_minor},
          {"gitVersion", "v" + std::string(served_major) + "." + std::string(served_minor) + ".0+hayloft"},
          {"gitCommit", "hayloft"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23.0"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json api_versions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", json::array({"v1"})},
          {"serverAddressByClientCIDRs", json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}})}};
}

json api_group(std::string_view group) {
  for (const auto& g : all_groups()) {
    if (g.name != group || g.name.empty()) continue;
    json versions = json::array();
    for (auto v : g.versions) versions.push_back(group_version_entry(g.name, v));
    return {{"kind", "APIGroup"},
            {"apiVersion", "v1"},
            {"name", g.name},
            {"versions", versions},
            {"preferredVersion", group_version_entry(g.name, g.versions.front())}};
  }
  return nullptr;
}

json api_group_list() {
  json groups = json::array();
  for (const auto& g : all_groups()) {
    if (g.name.empty()) continue;
    json j = api_group(g.name);
    j.erase("kind");
    j.erase("apiVersion");
    groups.push_back(j);
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

json api_resource_list(std::string_view group, std::string_view version) {
  if (!serves_group_version(group, version)) return nullptr;
  json list = json::array();
  for (const resource* r : resources_of(group, version)) {
    json e{{"name", r->plural}, {"singularName", r->singular}, {"namespaced", r->namespaced}, {"kind", r->kind},
           {"verbs", strings(r->verbs)}};
    if (!r->short_names.empty()) e["shortNames"] = strings(r->short_names);
    if (!r->categories.empty()) e["categories"] = strings(r->categories);
    list.push_back(e);
    for (const auto& s : r->subresources) {
      json se{{"name", std::string(r->plural) + "/" + std::string(s.name)}, {"singularName", ""},
              {"namespaced", r->namespaced}, {"kind", s.kind}, {"verbs", strings(s.verbs)}};
      if (s.group != r->group) se["group"] = s.group;
      if (s.version != r->version) se["version"] = s.version;
      list.push_back(se);
    }
  }
  std::string gv = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return {{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", list}};
}

json aggregated_discovery(bool core) {
  json items = json::array();
  for (const auto& g : all_groups()) {
    if (g.name.empty() != core) continue;
    json versions = json::array();
    for (auto v : g.versions) {
      json resources = json::array();
      for (const resource* r : resources_of(g.name, v)) resources.push_back(discovery_resource(*r));
      versions.push_back({{"version", v}, {"resources", resources}, {"freshness", "Current"}});
    }
    json md = json::object();
    if (!g.name.empty()) md["name"] = g.name;
    items.push_back({{"metadata", md}, {"versions", versions}});
  }
  return {{"kind", "APIGroupDiscoveryList"}, {"apiVersion", "apidiscovery.k8s.io/v2"}, {"metadata", json::object()},
          {"items", items}};
}

bool wants_aggregated(std::string_view accept) {
  // Each comma-separated media type with its parameters; the first acceptable one wins.
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    auto end = accept.find(',', pos);
    std::string_view item = accept.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    bool aggregated = item.find("as=APIGroupDiscoveryList") != std::string_view::npos &&
                      item.find("g=apidiscovery.k8s.io") != std::string_view::npos;
    bool v2 = item.find("v=v2") != std::string_view::npos && item.find("v=v2beta1") == std::string_view::npos;
    if (aggregated && v2) return true;
    if (item.find("application/json") != std::string_view::npos && !aggregated) return false;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return false;
}

}  // namespace hayloft::orchestrator::kube
