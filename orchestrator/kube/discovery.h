#pragma once
// Discovery documents: /version, /api, /apis, /apis/{group}, each group-version's
// APIResourceList, and the aggregated APIGroupDiscoveryList (apidiscovery.k8s.io/v2) that
// kubectl 1.30+ asks for first. Shapes from k8s.io/apimachinery pkg/apis/meta/v1/types.go and
// k8s.io/api/apidiscovery/v2/types.go. Pure functions.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

// The Kubernetes version hayloft reports (kubectl warns when the skew to its own is > 1 minor).
inline constexpr std::string_view served_major = "1";
inline constexpr std::string_view served_minor = "32";

json version_info();
// /api: APIVersions. `server_address` is host:port as the client reached us.
json api_versions(const std::string& server_address);
// /apis: APIGroupList of every non-core group.
json api_group_list();
// /apis/{group}: APIGroup; null when the group is not served.
json api_group(std::string_view group);
// /api/v1, /apis/{group}/{version}: APIResourceList; null when not served.
json api_resource_list(std::string_view group, std::string_view version);
// /api (core = true) or /apis (core = false) as an APIGroupDiscoveryList.
json aggregated_discovery(bool core);

// The Content-Type of an aggregated discovery response.
inline constexpr std::string_view aggregated_content_type =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
// True when an Accept header asks for the aggregated v2 document (kubectl sends a list of
// media types, aggregated first, plain application/json last).
bool wants_aggregated(std::string_view accept);

}  // namespace hayloft::orchestrator::kube
