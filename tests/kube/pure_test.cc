// Pure pieces: selectors, the three patch types, kubeconfig merging, Status bodies.
#include <gtest/gtest.h>

#include "orchestrator/kube/kubeconfig.h"
#include "orchestrator/kube/patch.h"
#include "orchestrator/kube/selectors.h"
#include "orchestrator/kube/status.h"

namespace hayloft::orchestrator::kube {
namespace {

TEST(KubeSelectors, LabelSelectorOperators) {
  json labels{{"app", "web"}, {"tier", "front"}};
  auto match = [&](const char* text) {
    auto s = parse_label_selector(text);
    EXPECT_TRUE(s) << text;
    return s && s->matches(labels);
  };
  EXPECT_TRUE(match(""));
  EXPECT_TRUE(match("app=web"));
  EXPECT_TRUE(match("app==web,tier"));
  EXPECT_FALSE(match("app!=web"));
  EXPECT_TRUE(match("app in (db, web)"));
  EXPECT_FALSE(match("app notin (web)"));
  EXPECT_TRUE(match("!missing"));
  EXPECT_FALSE(match("missing"));
  EXPECT_FALSE(parse_label_selector("app=web,"));
}

TEST(KubeSelectors, FieldSelectorPaths) {
  json ev{{"metadata", {{"name", "e1"}}}, {"involvedObject", {{"kind", "Deployment"}, {"name", "x"}}}};
  auto s = parse_field_selector("involvedObject.kind=Deployment,involvedObject.name==x,metadata.name!=e2");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->matches(ev));
  EXPECT_EQ(parse_field_selector("metadata.name=e1")->pinned_name(), "e1");
  EXPECT_FALSE(parse_field_selector("nonsense"));
}

TEST(KubePatch, StrategicMergeByKeyWithDirectives) {
  json live = json::parse(R"({"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}],
                                       "finalizers":["x","y"],"strategy":{"type":"Recreate","rollingUpdate":null}}})");
  json patch = json::parse(R"({"spec":{"containers":[{"name":"b","image":"3"},{"name":"a","$patch":"delete"},{"name":"c","image":"4"}],
                                        "$setElementOrder/containers":[{"name":"c"},{"name":"b"}],
                                        "$deleteFromPrimitiveList/finalizers":["x"],
                                        "strategy":{"$retainKeys":["type"],"type":"RollingUpdate"}}})");
  json out = strategic_merge(live, patch);
  EXPECT_EQ(out["spec"]["containers"], json::parse(R"([{"name":"c","image":"4"},{"name":"b","image":"3"}])"));
  EXPECT_EQ(out["spec"]["finalizers"], json::array({"y"}));
  EXPECT_EQ(out["spec"]["strategy"], json({{"type", "RollingUpdate"}}));
  json replaced = strategic_merge(live, json::parse(R"({"spec":{"containers":[{"$patch":"replace"},{"name":"z"}]}})"));
  EXPECT_EQ(replaced["spec"]["containers"], json::parse(R"([{"name":"z"}])"));
}

TEST(KubePatch, MergeAndJsonPatch) {
  json live{{"spec", {{"replicas", 1}, {"paused", true}}}};
  auto m = apply_patch(patch_type::merge, live, R"({"spec":{"replicas":3,"paused":null}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, json({{"spec", {{"replicas", 3}}}}));
  auto j = apply_patch(patch_type::json_patch, live, R"([{"op":"replace","path":"/spec/replicas","value":5}])");
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["spec"]["replicas"], 5);
  EXPECT_FALSE(apply_patch(patch_type::json_patch, live, R"([{"op":"remove","path":"/nope"}])"));
  EXPECT_EQ(patch_type_of("application/strategic-merge-patch+json; charset=utf-8"), patch_type::strategic);
  EXPECT_EQ(patch_type_of("application/apply-patch+yaml"), patch_type::apply);
  EXPECT_FALSE(patch_type_of("text/plain"));
}

TEST(KubeKubeconfig, MergeKeepsOtherContextsAndSwitchesOnlyWhenAsked) {
  std::string existing = R"(apiVersion: v1
kind: Config
clusters:
- name: k3d-dev
  cluster: {server: "https://0.0.0.0:6443"}
users:
- name: admin@k3d-dev
  user: {token: abc}
contexts:
- name: k3d-dev
  context: {cluster: k3d-dev, user: admin@k3d-dev}
current-context: k3d-dev
)";
  auto kept = merge_kubeconfig(existing, "http://127.0.0.1:4566/_hayloft/k8s", false);
  ASSERT_TRUE(kept) << kept.err().message;
  EXPECT_NE(kept->find("k3d-dev"), std::string::npos);
  EXPECT_NE(kept->find("server: http://127.0.0.1:4566/_hayloft/k8s"), std::string::npos);
  EXPECT_NE(kept->find("current-context: k3d-dev"), std::string::npos);
  auto switched = merge_kubeconfig(*kept, "http://127.0.0.1:5000/_hayloft/k8s", true);
  ASSERT_TRUE(switched);
  EXPECT_NE(switched->find("current-context: hayloft"), std::string::npos);
  EXPECT_EQ(switched->find("4566"), std::string::npos);  // replaced, not duplicated
  EXPECT_NE(switched->find("5000"), std::string::npos);
  EXPECT_FALSE(merge_kubeconfig("[1, 2]", "x", false));
  EXPECT_NE(kubeconfig_yaml("http://h:1/_hayloft/k8s").find("current-context: hayloft"), std::string::npos);
  EXPECT_EQ(server_url("http://127.0.0.1:4566/"), "http://127.0.0.1:4566/_hayloft/k8s");
}

TEST(KubeStatus, ErrorsAsTheApiServerWritesThem) {
  EXPECT_EQ(to_json(not_found("", "pods", "p")),
            json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"p\" not found",
                            "reason":"NotFound","details":{"name":"p","kind":"pods"},"code":404})"));
  EXPECT_EQ(to_json(conflict("apps", "deployments", "d", "why"))["message"],
            "Operation cannot be fulfilled on deployments.apps \"d\": why");
  EXPECT_EQ(to_json(method_not_allowed("create", "", "pods"))["code"], 405);
}

}  // namespace
}  // namespace hayloft::orchestrator::kube
