// Bad input through the Kubernetes front door: each answer is the API server's status, reason
// and message for the same request (sources in orchestrator/kube/README.md, "Limits and bad
// input"), the body is valid JSON, and the server keeps serving.
#include <gtest/gtest.h>

#include "emulator/core/utf8.h"
#include "orchestrator/kube/limits.h"
#include "tests/kube/kube_fixture.h"

namespace hayloft::orchestrator::kube::testing {
namespace {

class KubeBadInput : public KubeFixture {
 protected:
  void SetUp() override {
    KubeFixture::SetUp();
    create_namespace("indexing");
    auto r = post("/apis/apps/v1/namespaces/indexing/deployments", manifest("deployment-consumer.yaml"));
    ASSERT_EQ(r.status, 201u) << r.text;
  }
  static constexpr const char* deploy = "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer";
  reply patch(const std::string& body, const std::string& type = "application/merge-patch+json") {
    return call("PATCH", deploy, body, type);
  }
  // The answer is a Status that is valid JSON and valid UTF-8, and the API still answers.
  void expect_status(const reply& r, unsigned code, const std::string& reason, const std::string& message) {
    EXPECT_EQ(r.status, code) << r.text;
    ASSERT_FALSE(r.body.is_discarded()) << r.text;
    EXPECT_TRUE(core::valid_utf8(r.text)) << r.text;
    EXPECT_EQ(r.body["kind"], "Status");
    EXPECT_EQ(r.body["code"], code);
    if (reason.empty()) {
      EXPECT_FALSE(r.body.contains("reason")) << r.text;
    } else {
      EXPECT_EQ(r.body["reason"], reason);
    }
    if (!message.empty()) {
      EXPECT_EQ(r.body["message"], message);
    }
    EXPECT_EQ(get(deploy).status, 200u);
  }
};

TEST_F(KubeBadInput, PatchChangingUidIsImmutable) {
  auto r = patch(R"({"metadata":{"uid":"bogus"}})");
  expect_status(r, 422, "Invalid",
                "Deployment.apps \"indexing-consumer\" is invalid: metadata.uid: Invalid value: \"bogus\": field is immutable");
  EXPECT_EQ(r.body["details"]["causes"][0]["field"], "metadata.uid");
  EXPECT_NE(get(deploy).body["metadata"]["uid"], "bogus");
  auto put_body = get(deploy).body;
  put_body["metadata"]["uid"] = "other";
  expect_status(call("PUT", deploy, put_body.dump()), 422, "Invalid", "");
}

TEST_F(KubeBadInput, PatchChangingNamespaceIsBadRequest) {
  expect_status(patch(R"({"metadata":{"namespace":"elsewhere"}})"), 400, "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the request");
  expect_status(patch(R"({"metadata":{"name":"renamed"}})"), 400, "BadRequest",
                "the name of the object (renamed) does not match the name on the URL (indexing-consumer)");
}

TEST_F(KubeBadInput, StrategicDirectivesAsTheApiServerAnswersThem) {
  const json replicas = get(deploy).body["spec"]["replicas"];
  // An unknown $patch is a plain Go error in strategicpatch: the API server answers 500, no reason.
  expect_status(patch(R"({"spec":{"$patch":"bogus"}})", "application/strategic-merge-patch+json"), 500, "",
                "unknown patch type: bogus in map: map[$patch:bogus]");
  expect_status(patch(R"({"spec":{"$retainKeys":"replicas"}})", "application/strategic-merge-patch+json"), 400,
                "BadRequest", "invalid patch format of retainKeys");
  expect_status(patch(R"({"spec":{"$retainKeys":["paused"],"replicas":3}})", "application/strategic-merge-patch+json"),
                400, "BadRequest", "invalid patch format of retainKeys");
  EXPECT_EQ(get(deploy).body["spec"]["replicas"], replicas);
}

TEST_F(KubeBadInput, ResourceVersionThatIsNotANumber) {
  // kubernetes/kubernetes#101350: the storage layer's ParseUint error reaches the client as 500.
  expect_status(get("/apis/apps/v1/namespaces/indexing/deployments?resourceVersion=abc"), 500, "",
                "resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax");
  auto w = get("/apis/apps/v1/namespaces/indexing/deployments?watch=true&resourceVersion=-1");
  expect_status(w, 500, "", "resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\": invalid syntax");
  EXPECT_EQ(w.raw.stream, nullptr);
  EXPECT_EQ(objects_open(), 0u);
  EXPECT_EQ(get("/apis/apps/v1/namespaces/indexing/deployments?resourceVersion=0").status, 200u);
}

TEST_F(KubeBadInput, BodiesOverTheApiServersLimits) {
  json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "big"}}},
          {"data", {{"blob", std::string(3 * 1024 * 1024, 'x')}}}};
  expect_status(call("POST", "/api/v1/namespaces/indexing/configmaps", cm.dump()), 413, "RequestEntityTooLarge",
                "Request entity too large: limit is 3145728");
  cm["data"]["blob"] = std::string(1024 * 1024 + 1, 'x');
  auto r = call("POST", "/api/v1/namespaces/indexing/configmaps", cm.dump());
  expect_status(r, 422, "Invalid", "ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes");
  EXPECT_EQ(r.body["details"]["causes"][0]["reason"], "FieldValueTooLong");
  json secret{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "big"}}},
              {"stringData", {{"a", std::string(600 * 1024, 'x')}, {"b", std::string(600 * 1024, 'y')}}}};
  expect_status(call("POST", "/api/v1/namespaces/indexing/secrets", secret.dump()), 422, "Invalid",
                "Secret \"big\" is invalid: data: Too long: must have at most 1048576 bytes");
  cm["data"]["blob"] = std::string(1024 * 1024, 'x');
  EXPECT_EQ(call("POST", "/api/v1/namespaces/indexing/configmaps", cm.dump()).status, 201u);
}

TEST_F(KubeBadInput, ScaleBeyondInt32) {
  const std::string scale = std::string(deploy) + "/scale";
  const json replicas = get(scale).body["spec"]["replicas"];
  auto put = call("PUT", scale, R"({"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"indexing-consumer"},"spec":{"replicas":2147483648}})");
  expect_status(put, 400, "BadRequest",
                "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal number 2147483648 into Go "
                "struct field ScaleSpec.spec.replicas of type int32");
  auto p = call("PATCH", scale, R"({"spec":{"replicas":2147483648}})", "application/merge-patch+json");
  expect_status(p, 422, "Invalid", "");
  EXPECT_NE(p.body["message"].get<std::string>().find("cannot unmarshal number 2147483648 into Go struct field ScaleSpec.spec.replicas of type int32"),
            std::string::npos);
  EXPECT_EQ(get(scale).body["spec"]["replicas"], replicas);
  EXPECT_EQ(call("PATCH", scale, R"({"spec":{"replicas":2147483647}})", "application/merge-patch+json").status, 200u);
}

TEST_F(KubeBadInput, InvalidUtf8IsAClientErrorNeverAnException) {
  // A name in the path: not found, and the message stays valid JSON.
  auto missing = get("/apis/apps/v1/namespaces/indexing/deployments/a%FFb");
  expect_status(missing, 404, "NotFound", "");
  // In a JSON body: read as U+FFFD (Go's decoder), then the name fails validation.
  json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}};
  std::string body = cm.dump();
  body.replace(body.find("\"x\""), 3, "\"x\xff\"");
  auto created = call("POST", "/api/v1/namespaces/indexing/configmaps", body);
  expect_status(created, 422, "Invalid", "");
  // In YAML: go-yaml refuses the text.
  auto yaml = call("POST", "/api/v1/namespaces/indexing/configmaps",
                   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\n", "application/yaml");
  expect_status(yaml, 400, "BadRequest", "error converting YAML to JSON: yaml: invalid leading UTF-8 octet");
  // In a selector: the API server's label validation, value quoted as Go quotes it.
  auto sel = get("/api/v1/namespaces/indexing/pods?labelSelector=app%3D%FF");
  expect_status(sel, 400, "BadRequest", "");
  EXPECT_NE(sel.body["message"].get<std::string>().find("Invalid value: \"\\xff\""), std::string::npos) << sel.text;
  // Data values keep their text as U+FFFD, as the API server stores what its decoder read.
  cm["metadata"]["name"] = "ok";
  cm["data"] = {{"k", "v"}};
  body = cm.dump();
  body.replace(body.find("\"v\""), 3, "\"v\xfe\"");
  auto stored = call("POST", "/api/v1/namespaces/indexing/configmaps", body);
  EXPECT_EQ(stored.status, 201u) << stored.text;
  EXPECT_EQ(stored.body["data"]["k"], "v\xef\xbf\xbd");
}

TEST_F(KubeBadInput, NestingAndAliasesAreBounded) {
  std::string deep = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"d\"},\"x\":" +
                     std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_status(call("POST", "/api/v1/namespaces/indexing/configmaps", deep), 400, "BadRequest", "");
  std::string laughs = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\na: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + std::string(1, c) + " [";
    for (int i = 0; i < 10; ++i) laughs += (i ? ", *" : "*") + prev;
    laughs += "]\n";
  }
  expect_status(call("POST", "/api/v1/namespaces/indexing/configmaps", laughs, "application/yaml"), 400, "BadRequest",
                "error converting YAML to JSON: yaml: document contains excessive aliasing");
  expect_status(call("POST", "/api/v1/namespaces/indexing/configmaps",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: r}\nx: &a [*a]\n", "application/yaml"),
                400, "BadRequest", "error converting YAML to JSON: yaml: anchor 'a' value contains itself");
  expect_status(call("POST", "/api/v1/namespaces/indexing/configmaps", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":"x"})"),
                400, "BadRequest",
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct "
                "field ConfigMap.metadata of type v1.ObjectMeta");
}

}  // namespace
}  // namespace hayloft::orchestrator::kube::testing
