#include <gtest/gtest.h>

#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"
#include "tests/orchestrator/test_paths.h"

namespace hayloft::orchestrator::objects {
namespace {

json one(const std::string& yaml) {
  auto docs = parse_manifests(yaml);
  EXPECT_TRUE(docs);
  return docs->at(0);
}

bool has_warning(const validation& v, const std::string& needle) {
  for (const auto& w : v.warnings())
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

TEST(OrchValidate, ReferenceManifestsAreValid) {
  for (const char* file : {"deployment-consumer.yaml", "keda/scaled-object-consumer.yaml", "keda/secrets-localstack.yaml",
                           "keda/trigger-authentication.yaml"}) {
    auto docs = parse_manifests(testing::read_file(testing::manifests_dir() / file));
    ASSERT_TRUE(docs) << file;
    for (auto& d : *docs) {
      auto k = kind_from_manifest(d["apiVersion"].get<std::string>(), d["kind"].get<std::string>());
      ASSERT_TRUE(k) << file;
      auto v = validate_object(*k, d);
      EXPECT_TRUE(v.ok()) << file << ": " << (v.ok() ? "" : v.errors()[0].text());
    }
  }
}

// Found by fuzzing orchestrator_manifests: a trigger that is a string made the validator throw.
TEST(OrchValidate, WrongTypesAreFieldErrorsNotExceptions) {
  json so = one(
      "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\n"
      "spec:\n  scaleTargetRef: {name: d}\n  triggers:\n  - type the queue length\n"
      "  - type: aws-sqs-queue\n    useCachedMetrics: maybe\n    metadata: {queueURL: q, queueLength: '5', awsRegion: eu-central-1}\n");
  auto v = validate_object(kind::scaled_object, so);
  ASSERT_FALSE(v.ok());
  const std::string m = v.message("ScaledObject", "s");
  EXPECT_NE(m.find("spec.triggers[0]"), std::string::npos) << m;
  EXPECT_NE(m.find("spec.triggers[1].useCachedMetrics"), std::string::npos) << m;
  // What a parser does not check yet is a 422, not a crash.
  json d = one("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  strategy: {type: 5}\n");
  EXPECT_NO_THROW({
    auto dv = validate_object(kind::deployment, d);
    EXPECT_FALSE(dv.ok());
  });
}

TEST(OrchValidate, ReferenceDeploymentParsesAndWarnsAboutLimits) {
  json d = one(testing::read_file(testing::manifests_dir() / "deployment-consumer.yaml"));
  validation v;
  auto spec = parse_deployment(d, v);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(spec.replicas, 0);
  ASSERT_EQ(spec.tmpl.containers.size(), 1u);
  const auto& c = spec.tmpl.containers[0];
  EXPECT_EQ(c.image, "arzelaascoli/keda-haystack-consumer:latest");
  EXPECT_EQ(c.command, (std::vector<std::string>{"python3", "consumer.py"}));
  EXPECT_EQ(c.env.size(), 4u);
  EXPECT_EQ(c.cpu_request_milli, 750);
  EXPECT_TRUE(has_warning(v, "spec.template.spec.containers[0].resources.limits is not implemented"));
  EXPECT_FALSE(has_warning(v, "spec.template.spec.containers[0].resources.requests.memory"));
  EXPECT_EQ(c.memory_request_bytes, 1000ll * 1024 * 1024);
}

TEST(OrchValidate, ReferenceScaledObjectParses) {
  json d = one(testing::read_file(testing::manifests_dir() / "keda/scaled-object-consumer.yaml"));
  validation v;
  auto so = parse_scaled_object(d, v);
  ASSERT_TRUE(v.ok()) << v.message("ScaledObject", "x");
  EXPECT_EQ(so.target.name, "indexing-consumer");
  EXPECT_EQ(so.max_replica_count, 2);
  EXPECT_EQ(so.idle_replica_count, 0);
  EXPECT_EQ(so.hpa_min_replicas(), 1);
  ASSERT_TRUE(so.fallback);
  EXPECT_EQ(so.fallback->replicas, 4);
  ASSERT_EQ(so.triggers.size(), 1u);
  EXPECT_EQ(so.triggers[0].auth_ref, "keda-trigger-auth-aws-credentials");
  EXPECT_EQ(so.triggers[0].metadata.at("queueLength"), "10");
  EXPECT_EQ(so.hpa_name, "keda-hpa-indexing-consumer-scaled-object");
}

TEST(OrchValidate, DeploymentErrorsNameTheField) {
  struct row {
    std::string yaml;
    std::string want;
  };
  const std::string head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
  const std::string tmpl =
      "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
      "    spec:\n      containers:\n      - name: web\n        image: nginx\n";
  for (const auto& r : std::vector<row>{
           {head + "spec:\n  replicas: -1\n" + tmpl,
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
           {head + "spec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
            "spec.selector: Required value"},
           {head + "spec:\n  selector:\n    matchLabels: {app: other}\n" + tmpl.substr(tmpl.find("  template")),
            "spec.template.metadata.labels: Invalid value: map[string]interface {}: `selector` does not match template `labels`"},
           {head + "spec:\n" + tmpl.substr(0, tmpl.find("        image")),
            "spec.template.spec.containers[0].image: Required value"},
           {"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: Web_1\nspec:\n" + tmpl,
            "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"},
       }) {
    json d = one(r.yaml);
    auto v = validate_object(kind::deployment, d);
    ASSERT_FALSE(v.ok()) << r.yaml;
    EXPECT_NE(v.message("Deployment", d["metadata"].value("name", "")).find(r.want), std::string::npos)
        << v.message("Deployment", "web");
  }
}

// Found by the orchestrator_manifests fuzz target: a string where metadata's mapping belongs
// made the ScaledObject parser throw out of validate_object.
TEST(OrchValidate, ScaledObjectWithScalarMetadataIsAnErrorNotAThrow) {
  json d = one("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name1 x\nspec: {}\n");
  EXPECT_NO_THROW({
    auto v = validate_object(kind::scaled_object, d);
    EXPECT_FALSE(v.ok());
  });
}

TEST(OrchValidate, UnknownFieldsAreKeptWithAWarning) {
  json d = one(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 3\n  selector:\n    matchLabels: {app: web}\n"
      "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n"
      "        volumeMounts: [{name: data, mountPath: /data}]\n");
  auto v = validate_object(kind::deployment, d);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(has_warning(v, "unknown field \"spec.replicaz\""));
  EXPECT_TRUE(has_warning(v, "spec.template.spec.containers[0].volumeMounts is not implemented by hayloft"));
  EXPECT_EQ(d["spec"]["replicaz"], 3);
  EXPECT_EQ(d["spec"]["replicas"], 1);  // defaulted
}

TEST(OrchValidate, ScaledObjectRules) {
  struct row {
    std::string spec;
    std::string want;
  };
  const std::string head = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: so\nspec:\n  scaleTargetRef: {name: app}\n";
  const std::string trig = "  triggers:\n  - type: aws-sqs-queue\n    metadata: {queueURL: q, awsRegion: r}\n";
  for (const auto& r : std::vector<row>{
           {"  minReplicaCount: 3\n  maxReplicaCount: 2\n" + trig, "MinReplicaCount=3 must be less than MaxReplicaCount=2"},
           {"  idleReplicaCount: 0\n" + trig, "IdleReplicaCount=0 must be less than MinReplicaCount=0"},
           {"  triggers:\n  - type: aws-sqs-queue\n    metadata: {queueURL: q, awsRegion: r, queueLength: 10}\n",
            "spec.triggers[0].metadata.queueLength in body must be of type string: \"number\""},
           {"  pollingInterval: \"30\"\n" + trig, "spec.pollingInterval in body must be of type integer"},
           {"", "spec.triggers: Required value"},
           {"  triggers:\n  - type: aws-sqs-queue\n    metadata: {awsRegion: r}\n", "no queueURL given"},
           {"  fallback: {failureThreshold: 3, replicas: 2}\n  triggers:\n  - type: cpu\n    metadata: {value: \"50\"}\n",
            "type for the fallback to be enabled must be AverageValue"},
       }) {
    json d = one(head + r.spec);
    auto v = validate_object(kind::scaled_object, d);
    ASSERT_FALSE(v.ok()) << r.spec;
    EXPECT_NE(v.message("ScaledObject", "so").find(r.want), std::string::npos) << v.message("ScaledObject", "so");
  }
  json ok = one(head + "  idleReplicaCount: 0\n  minReplicaCount: 0\n" + trig);
  EXPECT_TRUE(validate_object(kind::scaled_object, ok).ok());
  json unknown_type = one(head + "  triggers:\n  - type: kafka\n    metadata: {topic: t}\n");
  auto v = validate_object(kind::scaled_object, unknown_type);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(has_warning(v, "trigger type \"kafka\" is not implemented by hayloft"));
}

TEST(OrchValidate, SecretsFoldStringDataIntoData) {
  json d = one("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {A: dGVzdA==}\nstringData: {B: plain}\n");
  auto v = validate_object(kind::secret, d);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(d["data"]["A"], "dGVzdA==");
  EXPECT_EQ(d["data"]["B"], "cGxhaW4=");
  EXPECT_FALSE(d.contains("stringData"));
  json bad = one("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {A: \"not base64!\"}\n");
  EXPECT_FALSE(validate_object(kind::secret, bad).ok());
}

TEST(OrchValidate, HpaV1IsConvertedAndV2Validated) {
  json d = one("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
               "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n"
               "  targetCPUUtilizationPercentage: 60\n");
  auto v = validate_object(kind::horizontal_pod_autoscaler, d);
  ASSERT_TRUE(v.ok()) << v.message("HorizontalPodAutoscaler", "h");
  EXPECT_EQ(d["apiVersion"], "autoscaling/v2");
  EXPECT_EQ(d["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 60);
  json bad = one("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
                 "  scaleTargetRef: {kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 2\n"
                 "  behavior:\n    scaleUp:\n      policies: [{type: Pods, value: 0, periodSeconds: 15}]\n");
  auto bv = validate_object(kind::horizontal_pod_autoscaler, bad);
  ASSERT_FALSE(bv.ok());
  std::string msg = bv.message("HorizontalPodAutoscaler", "h");
  EXPECT_NE(msg.find("spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"), std::string::npos) << msg;
  EXPECT_NE(msg.find("spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero"), std::string::npos) << msg;
}

}  // namespace
}  // namespace hayloft::orchestrator::objects

namespace hayloft::orchestrator::objects {
namespace {

TEST(OrchValidate, SecretAndConfigMapDataIsLimitedToOneMebibyte) {
  json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}},
          {"data", {{"a", std::string(max_secret_size / 2, 'x')}}},
          {"binaryData", {{"b", std::string(((max_secret_size / 2 + 1) / 3 + 1) * 4, 'A')}}}};
  auto v = validate_object(kind::config_map, cm);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.errors()[0].text(), "[]: Too long: must have at most 1048576 bytes");
  cm.erase("binaryData");
  EXPECT_TRUE(validate_object(kind::config_map, cm).ok());
  json secret{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}},
              {"stringData", {{"a", std::string(max_secret_size + 1, 'x')}}}};
  auto s = validate_object(kind::secret, secret);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.errors()[0].text(), "data: Too long: must have at most 1048576 bytes");
}

}  // namespace
}  // namespace hayloft::orchestrator::objects
