// Reads and writes through the Kubernetes front door, checked against the API server's
// responses for the same calls (Status bodies from k8s.io/apimachinery pkg/api/errors, Table
// columns from pkg/printers/internalversion; see orchestrator/kube/README.md).
#include <gtest/gtest.h>

#include "tests/kube/kube_fixture.h"

namespace hayloft::orchestrator::kube::testing {
namespace {

using KubeApi = KubeFixture;

const char* table_accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

class KubeDeployed : public KubeFixture {
 protected:
  void SetUp() override {
    KubeFixture::SetUp();
    create_namespace("indexing");
    auto r = post("/apis/apps/v1/namespaces/indexing/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
                  manifest("deployment-consumer.yaml"));
    ASSERT_EQ(r.status, 201u) << r.text;
  }
  reply scale(int replicas) {
    return call("PATCH", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer/scale",
                json{{"spec", {{"replicas", replicas}}}}.dump(), "application/merge-patch+json");
  }
};

TEST_F(KubeApi, CreatedNamespaceThenAlreadyExists) {
  create_namespace("indexing");
  auto again = post("/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "indexing"}}}});
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.body["reason"], "AlreadyExists");
  EXPECT_EQ(again.body["message"], "namespaces \"indexing\" already exists");
  EXPECT_EQ(again.body["details"], json({{"name", "indexing"}, {"kind", "namespaces"}}));
}

TEST_F(KubeApi, ProtobufNamespaceFromKubectlCreate) {
  // The body `kubectl create namespace indexing` (1.32) sends, recorded with -v=9.
  const unsigned char bytes[] = {0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x09, 0x4e, 0x61, 0x6d,
                                 0x65, 0x73, 0x70, 0x61, 0x63, 0x65, 0x12, 0x20, 0x0a, 0x18, 0x0a, 0x08, 0x69, 0x6e, 0x64,
                                 0x65, 0x78, 0x69, 0x6e, 0x67, 0x12, 0x00, 0x1a, 0x00, 0x22, 0x00, 0x2a, 0x00, 0x32, 0x00,
                                 0x38, 0x00, 0x42, 0x00, 0x12, 0x00, 0x1a, 0x02, 0x0a, 0x00, 0x1a, 0x00, 0x22, 0x00};
  auto r = call("POST", "/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict",
                std::string(reinterpret_cast<const char*>(bytes), sizeof bytes), "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(r.status, 201u) << r.text;
  EXPECT_EQ(r.body["metadata"]["name"], "indexing");
  EXPECT_EQ(r.body["status"]["phase"], "Active");
}

TEST_F(KubeApi, MissingObjectIsNotFoundStatus) {
  auto r = get("/apis/apps/v1/namespaces/default/deployments/nope");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.body, json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
    "message":"deployments.apps \"nope\" not found","reason":"NotFound",
    "details":{"name":"nope","group":"apps","kind":"deployments"},"code":404})"));
}

TEST_F(KubeApi, InvalidObjectNamesTheField) {
  create_namespace("indexing");
  json d = manifest("deployment-consumer.yaml");
  d["spec"]["replicas"] = -1;
  auto r = post("/apis/apps/v1/namespaces/indexing/deployments", d);
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(r.body["reason"], "Invalid");
  EXPECT_EQ(r.body["message"],
            "Deployment.apps \"indexing-consumer\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(r.body["details"]["kind"], "Deployment");
  EXPECT_EQ(r.body["details"]["causes"][0]["field"], "spec.replicas");
  EXPECT_EQ(r.body["details"]["causes"][0]["reason"], "FieldValueInvalid");
}

TEST_F(KubeApi, StrictFieldValidationRejectsUnknownFields) {
  create_namespace("indexing");
  json d = manifest("deployment-consumer.yaml");
  d["spec"]["replicaz"] = 2;
  auto r = post("/apis/apps/v1/namespaces/indexing/deployments?fieldValidation=Strict", d);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.body["message"],
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\"");
  auto warn = post("/apis/apps/v1/namespaces/indexing/deployments?fieldValidation=Warn", d);
  EXPECT_EQ(warn.status, 201u);
  EXPECT_NE(warn.raw.headers.value_or("Warning", "").find("unknown field \\\"spec.replicaz\\\""), std::string_view::npos);
}

TEST_F(KubeDeployed, CreatedObjectHasServerFields) {
  auto r = get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer");
  ASSERT_EQ(r.status, 200u);
  const json& md = r.body["metadata"];
  EXPECT_FALSE(md["uid"].get<std::string>().empty());
  EXPECT_FALSE(md["resourceVersion"].get<std::string>().empty());
  EXPECT_EQ(md["generation"], 1);
  EXPECT_EQ(r.body["status"]["conditions"][0]["type"], "Available");
}

TEST_F(KubeDeployed, ScaleSubresourceStartsPodsOwnedThroughTheReplicaSet) {
  auto s = scale(2);
  ASSERT_EQ(s.status, 200u) << s.text;
  EXPECT_EQ(s.body["kind"], "Scale");
  EXPECT_EQ(s.body["spec"]["replicas"], 2);
  advance(std::chrono::seconds(0));
  auto pods = get("/api/v1/namespaces/indexing/pods?labelSelector=k8s-app%3Dindexing-consumer");
  ASSERT_EQ(pods.body["items"].size(), 2u);
  auto rs = get("/apis/apps/v1/namespaces/indexing/replicasets");
  ASSERT_EQ(rs.body["items"].size(), 1u);
  auto deploy = get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer");
  const json& rs_md = rs.body["items"][0]["metadata"];
  EXPECT_EQ(rs_md["ownerReferences"][0]["uid"], deploy.body["metadata"]["uid"]);
  EXPECT_EQ(pods.body["items"][0]["metadata"]["ownerReferences"][0]["uid"], rs_md["uid"]);
  // kubectl describe finds the new ReplicaSet by comparing templates.
  EXPECT_EQ(rs.body["items"][0]["spec"]["template"]["spec"], deploy.body["spec"]["template"]["spec"]);
  auto bad = scale(-1);
  EXPECT_EQ(bad.status, 422u);
}

TEST_F(KubeDeployed, StrategicMergePatchAsKubectlApplySendsIt) {
  json patch = json::parse(R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
    "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"indexing-consumer"}],
    "containers":[{"name":"indexing-consumer","env":[{"name":"EXTRA","value":"1"}],
    "$setElementOrder/env":[{"name":"AWS_ENDPOINT"},{"name":"AWS_REGION"},{"name":"AWS_ACCESS_KEY_ID"},{"name":"AWS_SECRET_ACCESS_KEY"},{"name":"EXTRA"}]}]}}}})");
  auto r = call("PATCH", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer?fieldManager=kubectl-client-side-apply",
                patch.dump(), "application/strategic-merge-patch+json");
  ASSERT_EQ(r.status, 200u) << r.text;
  const json& c = r.body["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["image"], "arzelaascoli/keda-haystack-consumer:latest");
  ASSERT_EQ(c["env"].size(), 5u);
  EXPECT_EQ(c["env"][4]["name"], "EXTRA");
  EXPECT_EQ(r.body["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"], "{}");
  EXPECT_EQ(r.body["metadata"]["generation"], 2);
}

TEST_F(KubeDeployed, RecordedKubectlApplyPatch) {
  // The body kubectl 1.32.4 sent (-v=9) re-applying deployment-consumer.yaml with AWS_REGION
  // changed to eu-north-1: a strategic merge patch with $setElementOrder directives.
  std::string body = read_file(kube_testdata_dir() / "kubectl-apply-patch.json");
  ASSERT_FALSE(body.empty());
  auto r = call("PATCH",
                "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
                body, "application/strategic-merge-patch+json");
  ASSERT_EQ(r.status, 200u) << r.text;
  const json& env = r.body["spec"]["template"]["spec"]["containers"][0]["env"];
  ASSERT_EQ(env.size(), 4u);
  EXPECT_EQ(env[0]["name"], "AWS_ENDPOINT");
  EXPECT_EQ(env[1], json({{"name", "AWS_REGION"}, {"value", "eu-north-1"}}));
  EXPECT_EQ(r.body["spec"]["template"]["spec"]["containers"][0]["command"], json::array({"python3", "consumer.py"}));
  std::string applied = r.body["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"];
  EXPECT_NE(applied.find("eu-north-1"), std::string::npos);
  // The next GET is what kubectl diffs against: the same object.
  EXPECT_EQ(get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer").body["spec"], r.body["spec"]);
}

TEST_F(KubeDeployed, DryRunValidatesWithoutApplying) {
  auto r = call("PATCH", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer?dryRun=All",
                R"({"spec":{"replicas":4}})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200u) << r.text;
  EXPECT_EQ(r.body["spec"]["replicas"], 4);
  EXPECT_EQ(get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer").body["spec"]["replicas"], 0);
  auto bad = call("PATCH", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer?dryRun=All",
                  R"({"spec":{"replicas":-4}})", "application/merge-patch+json");
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(call("DELETE", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer?dryRun=All").status, 200u);
  EXPECT_EQ(get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer").status, 200u);
}

TEST_F(KubeDeployed, StrategicMergePatchIsRefusedForCustomResources) {
  auto r = call("PATCH", "/apis/keda.sh/v1alpha1/namespaces/indexing/scaledobjects/x", "{}", "application/strategic-merge-patch+json");
  EXPECT_EQ(r.status, 415u);
  EXPECT_EQ(r.body["reason"], "UnsupportedMediaType");
}

TEST_F(KubeDeployed, StaleResourceVersionConflicts) {
  auto live = get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer");
  json stale = live.body;
  ASSERT_EQ(scale(1).status, 200u);
  stale["spec"]["replicas"] = 3;
  auto r = call("PUT", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer", stale.dump());
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.body["reason"], "Conflict");
  EXPECT_EQ(r.body["message"],
            "Operation cannot be fulfilled on deployments.apps \"indexing-consumer\": the object has been modified; please "
            "apply your changes to the latest version and try again");
  json fresh = get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer").body;
  fresh["spec"]["replicas"] = 3;
  EXPECT_EQ(call("PUT", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer", fresh.dump()).status, 200u);
}

TEST_F(KubeDeployed, TablesHaveTheColumnsKubectlPrints) {
  ASSERT_EQ(scale(1).status, 200u);
  advance(std::chrono::seconds(0));
  auto pods = get("/api/v1/namespaces/indexing/pods", table_accept);
  ASSERT_EQ(pods.body["kind"], "Table");
  std::vector<std::string> names;
  for (const auto& c : pods.body["columnDefinitions"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "Ip", "Node", "Nominated Node",
                                             "Readiness Gates"}));
  EXPECT_EQ(pods.body["columnDefinitions"][4]["priority"], 0);
  EXPECT_EQ(pods.body["columnDefinitions"][5]["priority"], 1);
  const json& row = pods.body["rows"][0];
  EXPECT_EQ(row["cells"][1], "1/1");
  EXPECT_EQ(row["cells"][2], "Running");
  EXPECT_EQ(row["object"]["kind"], "PartialObjectMetadata");
  auto deploy = get("/apis/apps/v1/namespaces/indexing/deployments", table_accept);
  EXPECT_EQ(deploy.body["rows"][0]["cells"][1], "1/1");
  EXPECT_EQ(deploy.body["rows"][0]["cells"][2], 1);
}

TEST_F(KubeDeployed, SelectorsLimitAndContinue) {
  ASSERT_EQ(scale(3).status, 200u);
  advance(std::chrono::seconds(0));
  auto none = get("/api/v1/namespaces/indexing/pods?labelSelector=k8s-app%21%3Dindexing-consumer");
  EXPECT_TRUE(none.body["items"].empty());
  auto first = get("/api/v1/namespaces/indexing/pods?limit=2");
  ASSERT_EQ(first.body["items"].size(), 2u);
  EXPECT_EQ(first.body["metadata"]["remainingItemCount"], 1);
  std::string cont = first.body["metadata"]["continue"];
  auto rest = get("/api/v1/namespaces/indexing/pods?limit=2&continue=" + core::url_encode(cont));
  ASSERT_EQ(rest.body["items"].size(), 1u);
  EXPECT_FALSE(rest.body["metadata"].contains("continue"));
  auto running = get("/api/v1/pods?fieldSelector=status.phase%3DRunning");
  EXPECT_EQ(running.body["items"].size(), 3u);
  auto unsupported = get("/api/v1/pods?fieldSelector=spec.containers%3Dx");
  EXPECT_EQ(unsupported.status, 400u);
  EXPECT_EQ(unsupported.body["message"], "field label not supported: spec.containers");
}

TEST_F(KubeDeployed, EventsMatchDescribesFieldSelector) {
  ASSERT_EQ(scale(1).status, 200u);
  advance(std::chrono::seconds(0));
  auto deploy = get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer");
  std::string uid = deploy.body["metadata"]["uid"];
  auto ev = get("/api/v1/namespaces/indexing/events?fieldSelector=" +
                core::url_encode("involvedObject.name=indexing-consumer,involvedObject.namespace=indexing,"
                                 "involvedObject.kind=Deployment,involvedObject.uid=" + uid));
  ASSERT_EQ(ev.status, 200u);
  ASSERT_FALSE(ev.body["items"].empty());
  EXPECT_EQ(ev.body["items"][0]["reason"], "ScalingReplicaSet");
  EXPECT_EQ(ev.body["items"][0]["source"]["component"], "deployment-controller");
}

TEST_F(KubeDeployed, DeleteRemovesTheDeploymentAndItsPods) {
  ASSERT_EQ(scale(2).status, 200u);
  advance(std::chrono::seconds(0));
  auto r = call("DELETE", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer",
                R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})");
  EXPECT_EQ(r.status, 200u) << r.text;
  advance(std::chrono::seconds(0));
  EXPECT_EQ(get("/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer").status, 404u);
  EXPECT_TRUE(get("/api/v1/namespaces/indexing/pods").body["items"].empty());
  EXPECT_EQ(call("DELETE", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer").status, 404u);
}

TEST_F(KubeDeployed, UnsupportedVerbsAreMethodNotAllowed) {
  auto create_pod = post("/api/v1/namespaces/indexing/pods", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}}}});
  EXPECT_EQ(create_pod.status, 405u);
  EXPECT_EQ(create_pod.body["reason"], "MethodNotAllowed");
  EXPECT_EQ(create_pod.body["message"], "create is not supported on resources of kind \"pods\"");
  auto exec = call("POST", "/api/v1/namespaces/indexing/pods/p/exec?command=sh");
  EXPECT_EQ(exec.status, 405u);
  auto collection = call("DELETE", "/apis/apps/v1/namespaces/indexing/deployments");
  EXPECT_EQ(collection.status, 405u);
}

TEST_F(KubeDeployed, LogsWholeTailAndFollowed) {
  ASSERT_EQ(scale(1).status, 200u);
  advance(std::chrono::seconds(0));
  std::string pod = get("/api/v1/namespaces/indexing/pods").body["items"][0]["metadata"]["name"];
  auto all = get("/api/v1/namespaces/indexing/pods/" + pod + "/log?container=indexing-consumer");
  ASSERT_EQ(all.status, 200u) << all.text;
  EXPECT_NE(all.text.find("started " + pod), std::string::npos);
  auto tail = get("/api/v1/namespaces/indexing/pods/" + pod + "/log?tailLines=1");
  EXPECT_EQ(std::count(tail.text.begin(), tail.text.end(), '\n'), 1);
  auto bad = get("/api/v1/namespaces/indexing/pods/" + pod + "/log?container=nope");
  EXPECT_EQ(bad.status, 400u);
  auto follow = get("/api/v1/namespaces/indexing/pods/" + pod + "/log?follow=true");
  ASSERT_TRUE(follow.raw.stream);
  auto stream = std::static_pointer_cast<queued_stream>(follow.raw.stream);
  EXPECT_NE(stream->drain().find("started"), std::string::npos);
  ASSERT_EQ(scale(0).status, 200u);  // the pod stops: the followed log ends
  advance(std::chrono::seconds(0));
  api_->tick();
  EXPECT_TRUE(stream->finished());
}

}  // namespace
}  // namespace hayloft::orchestrator::kube::testing
