#pragma once
// The Kubernetes resources hayloft serves under /_hayloft/k8s, with what discovery says about
// each (group, version, kind, scope, verbs, short names, categories, subresources) and the
// controller kind that holds its objects. Pure data; any thread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/objects/kinds.h"

namespace hayloft::orchestrator::kube {

struct subresource {
  std::string_view name;  // "scale", "status", "log"
  std::string_view group, version, kind;  // what it answers ("autoscaling", "v1", "Scale")
  std::vector<std::string_view> verbs;
};

// Objects that live outside the controller: the one node, the KEDA CRDs, and the pod usage
// metrics-server would serve (metrics.k8s.io).
enum class synthetic { none, node, crd, metrics };

struct resource {
  std::string_view group;    // "" for the core group
  std::string_view version;  // "v1"
  std::string_view plural;   // "deployments"
  std::string_view singular;
  std::string_view kind;
  bool namespaced = true;
  std::vector<std::string_view> short_names;
  std::vector<std::string_view> categories;
  std::vector<std::string_view> verbs;
  std::vector<subresource> subresources;
  std::optional<objects::kind> backing;  // the controller kind, unless synthetic
  synthetic source = synthetic::none;

  std::string group_version() const;  // "apps/v1", "v1"
  // "deployments.apps", "pods": the resource as the API server's messages name it.
  std::string qualified() const;
  bool has_verb(std::string_view v) const;
  const subresource* find_subresource(std::string_view name) const;
};

struct group_info {
  std::string_view name;                   // "" for core
  std::vector<std::string_view> versions;  // preferred first
};

// Groups in the order the API server lists them (core, apps, autoscaling, ..., then CRD groups).
const std::vector<group_info>& all_groups();
const std::vector<resource>& all_resources();
// The resources of one group-version, in discovery order.
std::vector<const resource*> resources_of(std::string_view group, std::string_view version);
const resource* find_resource(std::string_view group, std::string_view version, std::string_view plural);
bool serves_group_version(std::string_view group, std::string_view version);

}  // namespace hayloft::orchestrator::kube
