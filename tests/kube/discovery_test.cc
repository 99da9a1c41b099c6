// Discovery and OpenAPI documents against the shapes of a v1.32 API server (sources in
// orchestrator/kube/README.md, "Where the shapes come from").
#include <gtest/gtest.h>

#include "orchestrator/kube/discovery.h"
#include "orchestrator/kube/openapi.h"
#include "tests/kube/kube_fixture.h"

namespace hayloft::orchestrator::kube::testing {
namespace {

const char* aggregated_accept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/"
    "json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

using KubeDiscovery = KubeFixture;

TEST_F(KubeDiscovery, VersionNamesMajorMinorAndGitVersion) {
  auto r = get("/version");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body["major"], "1");
  EXPECT_EQ(r.body["minor"], "32");
  EXPECT_EQ(r.body["gitVersion"].get<std::string>().rfind("v1.32.", 0), 0u);
  EXPECT_EQ(r.body["platform"], "linux/amd64");
}

TEST_F(KubeDiscovery, AggregatedDocumentWhenKubectlAsksForIt) {
  auto r = get("/apis", aggregated_accept);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.raw.headers.value_or("Content-Type", ""), "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  EXPECT_EQ(r.body["kind"], "APIGroupDiscoveryList");
  EXPECT_EQ(r.body["apiVersion"], "apidiscovery.k8s.io/v2");
  json apps;
  for (const auto& g : r.body["items"])
    if (g["metadata"]["name"] == "apps") apps = g;
  ASSERT_TRUE(apps.is_object());
  const json& v1 = apps["versions"][0];
  EXPECT_EQ(v1["version"], "v1");
  EXPECT_EQ(v1["freshness"], "Current");
  json deployments;
  for (const auto& res : v1["resources"])
    if (res["resource"] == "deployments") deployments = res;
  EXPECT_EQ(deployments["scope"], "Namespaced");
  EXPECT_EQ(deployments["singularResource"], "deployment");
  EXPECT_EQ(deployments["responseKind"], json({{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}}));
  EXPECT_EQ(deployments["shortNames"], json::array({"deploy"}));
  EXPECT_EQ(deployments["categories"], json::array({"all"}));
  EXPECT_EQ(deployments["subresources"][0]["subresource"], "scale");
  EXPECT_EQ(deployments["subresources"][0]["responseKind"]["kind"], "Scale");
  EXPECT_EQ(deployments["subresources"][0]["responseKind"]["group"], "autoscaling");

  auto core = get("/api", aggregated_accept);
  ASSERT_EQ(core.body["items"].size(), 1u);
  EXPECT_FALSE(core.body["items"][0]["metadata"].contains("name"));  // the core group has no name
}

TEST_F(KubeDiscovery, PlainDocumentsForOtherClients) {
  auto api = get("/api");
  EXPECT_EQ(api.body["kind"], "APIVersions");
  EXPECT_EQ(api.body["versions"], json::array({"v1"}));
  auto apis = get("/apis");
  EXPECT_EQ(apis.body["kind"], "APIGroupList");
  json autoscaling;
  for (const auto& g : apis.body["groups"])
    if (g["name"] == "autoscaling") autoscaling = g;
  EXPECT_EQ(autoscaling["preferredVersion"]["groupVersion"], "autoscaling/v2");
  // v2, v1, and v2beta1 (served for old manifests; removed from Kubernetes in 1.25).
  EXPECT_EQ(autoscaling["versions"].size(), 3u);
}

TEST_F(KubeDiscovery, ResourceListCarriesVerbsShortNamesAndSubresources) {
  auto r = get("/api/v1");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body["kind"], "APIResourceList");
  EXPECT_EQ(r.body["groupVersion"], "v1");
  json pods, log, ns;
  for (const auto& res : r.body["resources"]) {
    if (res["name"] == "pods") pods = res;
    if (res["name"] == "pods/log") log = res;
    if (res["name"] == "namespaces") ns = res;
  }
  EXPECT_EQ(pods["shortNames"], json::array({"po"}));
  EXPECT_EQ(pods["categories"], json::array({"all"}));
  EXPECT_EQ(pods["namespaced"], true);
  EXPECT_EQ(log["verbs"], json::array({"get"}));
  EXPECT_EQ(ns["namespaced"], false);
  auto keda = get("/apis/keda.sh/v1alpha1");
  EXPECT_EQ(keda.body["resources"][0]["shortNames"], json::array({"so"}));
}

TEST_F(KubeDiscovery, UnknownPathsAreNotFoundStatus) {
  auto r = get("/apis/batch/v1");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.body["kind"], "Status");
  EXPECT_EQ(r.body["reason"], "NotFound");
  EXPECT_EQ(r.body["message"], "the server could not find the requested resource");
  EXPECT_EQ(get("/api/v1/persistentvolumeclaims").status, 404u);
  EXPECT_EQ(get("/api/v1/services").status, 200u);  // served since Services landed
  EXPECT_EQ(get("/api/v1/endpoints").status, 200u);
}

TEST_F(KubeDiscovery, OpenApiTellsKubectlThatTheServerValidatesFields) {
  auto index = get("/openapi/v3");
  ASSERT_EQ(index.status, 200u);
  std::string url = index.body["paths"]["apis/apps/v1"]["serverRelativeURL"];
  EXPECT_EQ(url.rfind("/_hayloft/k8s/openapi/v3/apis/apps/v1?hash=", 0), 0u);
  auto doc = get("/openapi/v3/apis/apps/v1");
  ASSERT_EQ(doc.status, 200u);
  const json& patch = doc.body["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "Deployment");
  bool field_validation = false;
  for (const auto& p : patch["parameters"]) field_validation = field_validation || p["name"] == "fieldValidation";
  EXPECT_TRUE(field_validation);
  // No schemas: kubectl computes strategic merge patches from its built-in types.
  EXPECT_TRUE(doc.body["components"]["schemas"].empty());
}

TEST(KubeDiscoveryAccept, OnlyTheV2AggregatedMediaTypeSelectsIt) {
  EXPECT_TRUE(wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"));
  EXPECT_FALSE(wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"));
  EXPECT_FALSE(wants_aggregated("application/json, */*"));
  EXPECT_FALSE(wants_aggregated(""));
}

}  // namespace
}  // namespace hayloft::orchestrator::kube::testing
