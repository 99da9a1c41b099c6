// Pure pieces: selectors, the three patch types, kubeconfig merging, Status bodies.
#include <gtest/gtest.h>

#include "emulator/core/utf8.h"
#include "orchestrator/kube/kubeconfig.h"
#include "orchestrator/kube/limits.h"
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
  // The message quotes the client's bytes as valid UTF-8 (U+FFFD), so the JSON answer stays valid.
  auto bad = parse_label_selector("en\x86 in (a, ta.name=a,s");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(core::valid_utf8(bad.err().message)) << bad.err().message;
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
  json out = *strategic_merge(live, patch);
  EXPECT_EQ(out["spec"]["containers"], json::parse(R"([{"name":"c","image":"4"},{"name":"b","image":"3"}])"));
  EXPECT_EQ(out["spec"]["finalizers"], json::array({"y"}));
  EXPECT_EQ(out["spec"]["strategy"], json({{"type", "RollingUpdate"}}));
  json replaced = *strategic_merge(live, json::parse(R"({"spec":{"containers":[{"$patch":"replace"},{"name":"z"}]}})"));
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

namespace hayloft::orchestrator::kube {
namespace {

TEST(KubeLimits, StrategicDirectivesAreCheckedAsStrategicpatchChecksThem) {
  json live = json::parse(R"({"spec":{"replicas":1,"containers":[{"name":"a"}]}})");
  // handleDirectiveInMergeMap: an unknown $patch is a plain Go error (the API server's 500).
  auto bogus = strategic_merge(live, json::parse(R"({"spec":{"$patch":"bogus"}})"));
  ASSERT_FALSE(bogus);
  EXPECT_EQ(patch_error_status(bogus.err()), 500u);
  EXPECT_EQ(bogus.err().message, "unknown patch type: bogus in map: map[$patch:bogus]");
  auto in_list = strategic_merge(live, json::parse(R"({"spec":{"containers":[{"name":"a","$patch":"merge"}]}})"));
  ASSERT_FALSE(in_list);
  EXPECT_EQ(in_list.err().message, "merging lists cannot yet be specified in the patch");
  auto no_key = strategic_merge(live, json::parse(R"({"spec":{"containers":[{"$patch":"delete"}]}})"));
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.err().message, "delete patch type with no merge key defined");
  // applyRetainKeysDirective: a list, covering every key the patch sets (400).
  for (const char* p : {R"({"spec":{"$retainKeys":"replicas"}})", R"({"spec":{"$retainKeys":["replicas"],"paused":true}})"}) {
    auto r = strategic_merge(live, json::parse(p));
    ASSERT_FALSE(r) << p;
    EXPECT_EQ(patch_error_status(r.err()), 400u);
    EXPECT_EQ(r.err().message, "invalid patch format of retainKeys");
  }
  EXPECT_TRUE(strategic_merge(live, json::parse(R"({"spec":{"$retainKeys":["replicas"],"replicas":2,"paused":null}})")));
}

TEST(KubeLimits, GoValueFormatsAsPercentV) {
  EXPECT_EQ(go_value(json::parse(R"({"b":[1,"x",true,null],"a":{"c":1.5}})")), "map[a:map[c:1.5] b:[1 x true <nil>]]");
  EXPECT_EQ(go_value(json(1e6 + 0.5)), "1.0000005e+06");
  EXPECT_EQ(go_value(json(0.25)), "0.25");
}

TEST(KubeLimits, JsonPatchIsBounded) {
  json live{{"spec", {{"replicas", 1}}}};
  json ops = json::array();
  for (std::size_t i = 0; i <= max_json_patch_operations; ++i) ops.push_back({{"op", "test"}, {"path", "/spec/replicas"}, {"value", 1}});
  auto many = apply_patch(patch_type::json_patch, live, ops.dump());
  ASSERT_FALSE(many);
  EXPECT_EQ(patch_error_status(many.err()), 413u);
  EXPECT_EQ(many.err().message, "The allowed maximum operations in a JSON patch is 10000, got 10001");
  // Each copy of the whole object into itself doubles it: stopped by the copy budget, not memory.
  json doubling = json::array();
  for (int i = 0; i < 64; ++i) doubling.push_back({{"op", "copy"}, {"from", ""}, {"path", "/x" + std::to_string(i)}});
  auto grown = apply_patch(patch_type::json_patch, json{{"s", std::string(1000, 'a')}}, doubling.dump());
  ASSERT_FALSE(grown);
  EXPECT_EQ(patch_error_status(grown.err()), 422u);
  EXPECT_NE(grown.err().message.find("accumulated size increase of copy"), std::string::npos) << grown.err().message;
  // Nesting grows one level per self-copy: stopped at the depth limit.
  json nest = json::array();
  for (int i = 0; i < 1100; ++i) nest.push_back({{"op", "copy"}, {"from", "/a"}, {"path", "/a/a"}});
  auto deep = apply_patch(patch_type::json_patch, json{{"a", {{"a", 1}}}}, nest.dump());
  EXPECT_FALSE(deep);
}

TEST(KubeLimits, DeepJsonIsRefusedBeforeParsing) {
  std::string deep = std::string(max_json_depth + 1, '[') + std::string(max_json_depth + 1, ']');
  EXPECT_EQ(json_text_depth(deep, max_json_depth), max_json_depth + 1);
  EXPECT_EQ(json_text_depth(R"({"a":"[[[[","b":[{}]})", 100), 3u);
  auto r = parse_json_body(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.err().message.find("exceeded max depth"), std::string::npos);
  auto patched = apply_patch(patch_type::merge, json::object(), "{\"a\":" + deep + "}");
  ASSERT_FALSE(patched);
  EXPECT_EQ(patch_error_status(patched.err()), 400u);
  // Not UTF-8: read as U+FFFD, as Go's decoder does.
  auto coerced = parse_json_body("{\"name\":\"a\xff\"}");
  ASSERT_TRUE(coerced);
  EXPECT_EQ((*coerced)["name"], "a\xef\xbf\xbd");
}

TEST(KubeLimits, ResourceVersionAsStrconvParseUint) {
  EXPECT_EQ(*parse_resource_version(""), 0u);
  EXPECT_EQ(*parse_resource_version("0"), 0u);
  EXPECT_EQ(*parse_resource_version("42"), 42u);
  EXPECT_EQ(parse_resource_version("abc").err().message,
            "resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax");
  EXPECT_EQ(parse_resource_version("-1").err().message,
            "resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\": invalid syntax");
  EXPECT_EQ(parse_resource_version("18446744073709551616").err().message,
            "resourceVersion: Invalid value: \"18446744073709551616\": strconv.ParseUint: parsing "
            "\"18446744073709551616\": value out of range");
  EXPECT_FALSE(parse_resource_version("+1"));
}

TEST(KubeLimits, LabelSelectorKeysAndValuesAreValidated) {
  auto key = parse_label_selector("a b=c");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.err().message.rfind("unable to parse requirement: <nil>: Invalid value: \"a b\": name part must consist of", 0), 0u)
      << key.err().message;
  auto value = parse_label_selector("app=v!");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.err().message.rfind("unable to parse requirement: [app]: Invalid value: \"v!\": a valid label must be", 0), 0u)
      << value.err().message;
  auto bytes = parse_label_selector("app=\xff");
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.err().message.find("\"\\xff\""), std::string::npos) << bytes.err().message;
  EXPECT_TRUE(parse_label_selector("example.com/app in (a, b-c),!x,y"));
  EXPECT_FALSE(parse_label_selector(std::string(64, 'a') + "=x"));
  EXPECT_FALSE(parse_label_selector("app=" + std::string(64, 'v')));
}

}  // namespace
}  // namespace hayloft::orchestrator::kube
