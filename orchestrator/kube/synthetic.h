#pragma once
// The objects the Kubernetes front door serves that the controller does not hold: the one node
// ("hayloft", Ready, where every pod runs) and the CustomResourceDefinitions of the KEDA kinds
// hayloft implements (so `kubectl get crd` lists them, with KEDA's printer columns).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

json node_object(const std::string& created);
std::vector<json> crd_objects(const std::string& created);

// A stable uid (UUID-shaped, from SHA-1) for objects hayloft derives (ReplicaSets, Events).
std::string derived_uid(std::string_view kind, std::string_view ns, std::string_view name);

}  // namespace hayloft::orchestrator::kube
