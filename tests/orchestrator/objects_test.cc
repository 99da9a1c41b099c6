#include <gtest/gtest.h>

#include "orchestrator/objects/kinds.h"
#include "orchestrator/objects/quantity.h"
#include "orchestrator/objects/yaml_io.h"

namespace hayloft::orchestrator::objects {
namespace {

TEST(OrchYamlIo, ResolvesScalarsLikeGoYamlV2) {
  auto docs = parse_manifests(
      "a: yes\nb: \"yes\"\nc: 10\nd: \"10\"\ne: ~\nf: 1.5\ng: off\nh: 0x1F\ni: hello world\nj: ''\nk: 007\n");
  ASSERT_TRUE(docs);
  const json& d = docs->at(0);
  EXPECT_EQ(d["a"], true);
  EXPECT_EQ(d["b"], "yes");
  EXPECT_EQ(d["c"], 10);
  EXPECT_EQ(d["d"], "10");
  EXPECT_TRUE(d["e"].is_null());
  EXPECT_DOUBLE_EQ(d["f"].get<double>(), 1.5);
  EXPECT_EQ(d["g"], false);
  EXPECT_EQ(d["h"], 31);
  EXPECT_EQ(d["i"], "hello world");
  EXPECT_EQ(d["j"], "");
  EXPECT_EQ(d["k"], 7);
}

TEST(OrchYamlIo, SplitsDocumentsSkipsEmptyOnesAndExpandsLists) {
  auto docs = parse_manifests("---\nkind: A\n---\n---\nkind: List\nitems:\n- kind: B\n- kind: C\n...\n");
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ(docs->at(0)["kind"], "A");
  EXPECT_EQ(docs->at(2)["kind"], "C");
}

TEST(OrchYamlIo, ReportsSyntaxErrorsWithLine) {
  auto docs = parse_manifests("a: b\nc: [unclosed\n");
  ASSERT_FALSE(docs);
  EXPECT_NE(docs.err().message.find("error converting YAML to JSON: yaml: line"), std::string::npos);
  EXPECT_FALSE(parse_manifests("- a\n- b\n"));
}

// yaml-cpp 0.7 looped forever on a ',' where a node must start at flow level 0 (found by fuzzing
// kube_patch, kube_bodies and kube_api). libyaml, which go-yaml ports, refuses each with go-yaml's
// message; a ',' inside a value still parses.
TEST(OrchYamlIo, StrayCommasAreRefusedNotParsedForever) {
  for (const char* text : {",{", ",.{", " ,[", "\t,{", "---\n,{", "--- ,{", "a: b\n---\n# c\n,[1]", "- x\n,{", "[a]\n,{",
                           "{\"a\":1},x", "{\"kind\":\"Pod\"}\n,{}", "!N,4", "!N,4...", "\"a\",\"x\":1", "'a',b"}) {
    auto docs = parse_manifests(text);
    ASSERT_FALSE(docs) << text;
    EXPECT_NE(docs.err().message.find("error converting YAML to JSON: yaml: "), std::string::npos) << docs.err().message;
  }
  EXPECT_EQ(parse_manifests("a: b\n---\n,{").err().message,
            "error converting YAML to JSON: yaml: line 2: did not find expected node content");
  auto ok = parse_manifests("kind: A\nnote: one,\n  ,two\ncsv: |\n  ,a,b\nflow: [a, b,]\n");
  ASSERT_TRUE(ok) << ok.err().message;
  EXPECT_EQ((*ok)[0]["csv"], ",a,b\n");
  EXPECT_EQ((*ok)[0]["note"], "one, ,two");
  EXPECT_EQ((*ok)[0]["flow"], json::parse(R"(["a","b"])"));
  // A kind that is not a string is not a List (it threw out of the parser before).
  auto odd = parse_manifests("kind:\n");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->empty() || (*odd)[0]["kind"].is_null());
}

TEST(OrchYamlIo, ErrorsReadLikeGoYaml) {
  EXPECT_EQ(parse_manifests("a: b\nc: [unclosed\n").err().message,
            "error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'");
  EXPECT_EQ(parse_manifests("a: b\n  c: d\n").err().message,
            "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context");
  EXPECT_EQ(parse_manifests("a: *nope\n").err().message,
            "error converting YAML to JSON: yaml: unknown anchor 'nope' referenced");
  EXPECT_EQ(parse_manifests("a: !!int ten\n").err().message,
            "error converting YAML to JSON: yaml: cannot decode !!str `ten` as a !!int");
}

TEST(OrchYamlIo, TagsNumbersAndMergeKeysResolveAsGoYamlV2) {
  auto docs = parse_manifests(
      "a: 010\nb: 0o17\nc: 0b101\nd: -0x10\ne: 1_000\nf: 09\ng: 18446744073709551615\nh: !!str 10\ni: ! 10\n"
      "j: !custom 10\nk: !!float 3\nl: .5\nm: 1e400\nn: \"\\0x\"\n");
  ASSERT_TRUE(docs) << docs.err().message;
  const json& d = docs->at(0);
  EXPECT_EQ(d["a"], 8);
  EXPECT_EQ(d["b"], 15);
  EXPECT_EQ(d["c"], 5);
  EXPECT_EQ(d["d"], -16);
  EXPECT_EQ(d["e"], 1000);
  EXPECT_DOUBLE_EQ(d["f"].get<double>(), 9.0);
  EXPECT_EQ(d["g"].get<unsigned long long>(), 18446744073709551615ull);
  EXPECT_EQ(d["h"], "10");
  EXPECT_EQ(d["i"], "10");
  EXPECT_EQ(d["j"], "10");
  EXPECT_DOUBLE_EQ(d["k"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(d["l"].get<double>(), 0.5);
  EXPECT_EQ(d["m"], "1e400");
  EXPECT_EQ(d["n"].get<std::string>(), std::string("\0x", 2));
  auto merged = parse_manifests(
      "base: &base {image: app, replicas: 1}\nextra: &extra {port: 80, image: other}\n"
      "one:\n  <<: *base\n  replicas: 3\ntwo:\n  <<: [*base, *extra]\nquoted:\n  \"<<\": *base\n");
  ASSERT_TRUE(merged) << merged.err().message;
  const json& m = merged->at(0);
  EXPECT_EQ(m["one"], json::parse(R"({"image":"app","replicas":3})"));
  EXPECT_EQ(m["two"], json::parse(R"({"image":"app","replicas":1,"port":80})"));
  EXPECT_EQ(m["quoted"]["<<"]["image"], "app");
  EXPECT_EQ(parse_manifests("a:\n  <<: 1\n").err().message,
            "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
}

TEST(OrchYamlIo, EmitsKubectlStyleYamlThatRoundTrips) {
  json obj = json::parse(R"({"apiVersion":"v1","kind":"Secret","data":{"k":"dGVzdA=="},
    "spec":{"containers":[{"name":"c","args":["1","true",""],"env":[]}],"n":3,"t":true,"e":{}}})");
  std::string y = to_yaml(obj);
  EXPECT_NE(y.find("apiVersion: v1\n"), std::string::npos);
  EXPECT_NE(y.find("  containers:\n  - args:\n    - \"1\"\n    - \"true\"\n    - \"\"\n"), std::string::npos) << y;
  EXPECT_NE(y.find("    env: []\n"), std::string::npos) << y;
  EXPECT_NE(y.find("  e: {}\n"), std::string::npos) << y;
  auto back = parse_manifests(y);
  ASSERT_TRUE(back) << y;
  EXPECT_EQ(back->at(0), obj);
}

TEST(OrchYamlIo, AliasesAreBoundedAsGoYamlV2BoundsThem) {
  // A small alias tree is expanded; a "billion laughs" stops at go-yaml's ratio, not in memory.
  auto small = parse_manifests("a: &a {x: 1}\nb: *a\nc: [*a, *a]\n");
  ASSERT_TRUE(small) << small.err().message;
  EXPECT_EQ(small->at(0)["c"][1]["x"], 1);
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
              ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  auto bomb = parse_manifests(laughs);
  ASSERT_FALSE(bomb);
  EXPECT_EQ(bomb.err().message, "error converting YAML to JSON: yaml: document contains excessive aliasing");
  auto self = parse_manifests("a: &a\n  b: *a\n");
  ASSERT_FALSE(self);
  EXPECT_EQ(self.err().message, "error converting YAML to JSON: yaml: anchor 'a' value contains itself");
}

TEST(OrchYamlIo, DepthSizeAndUtf8AreCheckedFirst) {
  std::string deep;
  for (std::size_t i = 0; i <= max_manifest_depth; ++i) deep += "[";
  auto flow = parse_manifests(deep);
  ASSERT_FALSE(flow);
  // Aliases add their depth: three 400-level texts, each aliasing the one before.
  const std::size_t third = 400;
  std::string chain = "a: &a " + std::string(third, '[') + "x" + std::string(third, ']') + "\nb: &b " +
                      std::string(third, '[') + "*a" + std::string(third, ']') + "\nc: " + std::string(third, '[') + "*b" +
                      std::string(third, ']') + "\n";
  auto chained = parse_manifests(chain);
  ASSERT_FALSE(chained);
  EXPECT_NE(chained.err().message.find("exceeded max depth"), std::string::npos) << chained.err().message;
  EXPECT_FALSE(parse_manifests(std::string(max_manifest_bytes + 1, ' ')));
  EXPECT_EQ(parse_manifests("a: \xff\n").err().message, "error converting YAML to JSON: yaml: invalid leading UTF-8 octet");
  EXPECT_EQ(parse_manifests("a: \xc3").err().message, "error converting YAML to JSON: yaml: incomplete UTF-8 octet sequence");
  EXPECT_EQ(parse_manifests("a: \xc3(").err().message, "error converting YAML to JSON: yaml: invalid trailing UTF-8 octet");
  EXPECT_FALSE(parse_manifests("? [a]\n: b\n"));  // a key must be a scalar
}

TEST(OrchQuantity, ParsesKubernetesForms) {
  EXPECT_EQ(parse_milli("750m"), 750);
  EXPECT_EQ(parse_milli("2"), 2000);
  EXPECT_EQ(parse_milli("1.5"), 1500);
  EXPECT_EQ(parse_milli("1k"), 1000000);
  EXPECT_EQ(parse_milli("1Ki"), 1024000);
  EXPECT_EQ(parse_milli("1e3"), 1000000);
  EXPECT_EQ(parse_milli("0.0001"), 1);  // rounds up like MilliValue()
  EXPECT_FALSE(parse_milli("ten"));
  EXPECT_FALSE(parse_milli("5x"));
  EXPECT_EQ(quantity_milli(json(10)), 10000);
  EXPECT_EQ(quantity_milli(json("10")), 10000);
}

TEST(OrchQuantity, FormatsCanonically) {
  EXPECT_EQ(format_milli(25000), "25");
  EXPECT_EQ(format_milli(12500), "12500m");
  EXPECT_EQ(format_milli(10000000), "10k");
  EXPECT_EQ(format_milli(1500000), "1500");
  EXPECT_EQ(format_milli(0), "0");
  EXPECT_EQ(format_milli(-2000), "-2");
}

TEST(OrchKinds, ResolveCommandLineWordsAndManifests) {
  EXPECT_EQ(kind_from_word("pods"), kind::pod);
  EXPECT_EQ(kind_from_word("po"), kind::pod);
  EXPECT_EQ(kind_from_word("deploy"), kind::deployment);
  EXPECT_EQ(kind_from_word("deployments.apps"), kind::deployment);
  EXPECT_EQ(kind_from_word("so"), kind::scaled_object);
  EXPECT_EQ(kind_from_word("ScaledObject.keda.sh"), kind::scaled_object);
  EXPECT_EQ(kind_from_word("hpa"), kind::horizontal_pod_autoscaler);
  EXPECT_FALSE(kind_from_word("deployments.keda.sh"));
  EXPECT_FALSE(kind_from_word("widgets"));
  EXPECT_EQ(kind_from_manifest("apps/v1", "Deployment"), kind::deployment);
  EXPECT_EQ(kind_from_manifest("autoscaling/v1", "HorizontalPodAutoscaler"), kind::horizontal_pod_autoscaler);
  EXPECT_FALSE(kind_from_manifest("extensions/v1beta1", "Deployment"));
  EXPECT_EQ(qualified_plural(kind::deployment), "deployments.apps");
  EXPECT_EQ(qualified_singular(kind::scaled_object), "scaledobject.keda.sh");
  EXPECT_EQ(qualified_singular(kind::secret), "secret");
}

}  // namespace
}  // namespace hayloft::orchestrator::objects
