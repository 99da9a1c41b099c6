// Services: validation messages and defaults, clusterIP/nodePort allocation, endpoints (Ready
// pods only), the kubectl printers, and port-forward target resolution.
#include <gtest/gtest.h>

#include "orchestrator/cli/describe.h"
#include "orchestrator/cli/printers.h"
#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"
#include "tests/orchestrator/controller_fixture.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

objects::validation validate(const std::string& yaml, json& obj) {
  auto docs = objects::parse_manifests(yaml);
  EXPECT_TRUE(docs);
  obj = (*docs)[0];
  return objects::validate_object(objects::kind::service, obj);
}

std::string deployment(const std::string& name, const std::string& image, int replicas, const std::string& app) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  replicas: " +
         std::to_string(replicas) + "\n  selector: {matchLabels: {app: " + app + "}}\n  template:\n    metadata: {labels: {app: " +
         app + "}}\n    spec:\n      containers: [{name: c, image: " + image + "}]\n";
}

std::string service(const std::string& name, const std::string& type, const std::string& app, const std::string& extra = "") {
  return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + "}\nspec:\n  type: " + type + "\n  selector: {app: " + app +
         "}\n  ports: [{port: 80, targetPort: 8080" + extra + "}]\n";
}

}  // namespace

TEST(OrchServiceValidation, DefaultsAsTheApiServer) {
  json obj;
  auto v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n", obj);
  ASSERT_TRUE(v.ok()) << v.message("Service", "web");
  EXPECT_EQ(obj["spec"]["type"], "ClusterIP");
  EXPECT_EQ(obj["spec"]["sessionAffinity"], "None");
  EXPECT_EQ(obj["spec"]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(obj["spec"]["ports"][0]["targetPort"], 80);  // defaults to port
  EXPECT_FALSE(obj["spec"].contains("externalTrafficPolicy"));
}

TEST(OrchServiceValidation, ErrorsNameTheField) {
  json obj;
  auto v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}, {port: 81}]\n", obj);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.message("Service", "web"),
            "The Service \"web\" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: Foo, ports: [{port: 80}]}\n", obj);
  EXPECT_EQ(v.message("Service", "web"),
            "The Service \"web\" is invalid: spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", "
            "\"ExternalName\", \"LoadBalancer\", \"NodePort\"");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 70000}]}\n", obj);
  EXPECT_EQ(v.message("Service", "web"),
            "The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80, nodePort: 30001}]}\n", obj);
  EXPECT_EQ(v.message("Service", "web"),
            "The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {}\n", obj);
  EXPECT_EQ(v.message("Service", "web"), "The Service \"web\" is invalid: spec.ports: Required value");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ExternalName}\n", obj);
  EXPECT_EQ(v.message("Service", "web"), "The Service \"web\" is invalid: spec.externalName: Required value");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{name: a, port: 80}, {name: a, port: 81}]}\n", obj);
  EXPECT_EQ(v.message("Service", "web"), "The Service \"web\" is invalid: spec.ports[1].name: Duplicate value: \"a\"");
  v = validate("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80, targetPort: HTTP}]}\n", obj);
  EXPECT_EQ(v.message("Service", "web"),
            "The Service \"web\" is invalid: [spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain only alpha-numeric "
            "characters (a-z, 0-9), and hyphens (-), spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain at least "
            "one letter (a-z)]");
}

TEST_F(OrchControllerTest, ServiceGetsAClusterIpAndNodePortsThatStayAcrossApplyAndRestart) {
  apply_ok(service("web", "LoadBalancer", "web"));
  auto g = ctl_->get("svc", "default", "web");
  ASSERT_TRUE(g);
  json spec = (*g)["object"]["spec"];
  std::string ip = spec["clusterIP"];
  EXPECT_EQ(ip.rfind("10.43.", 0), 0u) << ip;
  int np = spec["ports"][0]["nodePort"];
  EXPECT_GE(np, 30000);
  EXPECT_LE(np, 32767);
  EXPECT_EQ((*g)["object"]["status"]["loadBalancer"]["ingress"][0]["ip"], "127.0.0.1");
  // Re-applying the manifest (no nodePort, no clusterIP) keeps both.
  auto r = apply_ok(service("web", "LoadBalancer", "web", ", name: http"));
  EXPECT_EQ(r["items"][0]["action"], "configured");
  restart();
  g = ctl_->get("service", "default", "web");
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)["object"]["spec"]["clusterIP"], ip);
  EXPECT_EQ((*g)["object"]["spec"]["ports"][0]["nodePort"], np);
  // Back to ClusterIP: the nodePort is wiped.
  apply_ok(service("web", "ClusterIP", "web", ", name: http"));
  g = ctl_->get("service", "default", "web");
  EXPECT_FALSE((*g)["object"]["spec"]["ports"][0].contains("nodePort"));
  EXPECT_EQ((*g)["object"]["spec"]["clusterIP"], ip);
}

TEST_F(OrchControllerTest, NodePortConflictsAreInvalid) {
  apply_ok(service("a", "NodePort", "a", ", nodePort: 30080"));
  auto r = ctl_->apply(service("b", "NodePort", "b", ", nodePort: 30080"), "", false);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["items"][0]["error"]["message"],
            "The Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
  r = ctl_->apply(service("c", "NodePort", "c", ", nodePort: 29999"), "", false);
  EXPECT_EQ((*r)["items"][0]["error"]["message"],
            "The Service \"c\" is invalid: spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid "
            "range. The range of valid ports is 30000-32767");
  // Two services never share an allocated clusterIP or nodePort.
  apply_ok(service("d", "NodePort", "d"));
  auto a = ctl_->get("svc", "default", "a"), d = ctl_->get("svc", "default", "d");
  EXPECT_NE((*a)["object"]["spec"]["clusterIP"], (*d)["object"]["spec"]["clusterIP"]);
  EXPECT_NE((*d)["object"]["spec"]["ports"][0]["nodePort"], 30080);
}

TEST_F(OrchControllerTest, EndpointsAreTheReadyPodsTheSelectorMatches) {
  apply_ok(deployment("web", "hayloft/echo", 2, "web"));
  apply_ok(deployment("broken", "hayloft/crash", 1, "web"));  // same label, never Ready
  apply_ok(deployment("other", "hayloft/echo", 1, "other"));
  apply_ok(service("web", "LoadBalancer", "web"));
  ASSERT_TRUE(settle([&] { return ready_pods("default") == 3; }));
  auto svcs = ctl_->services();
  ASSERT_EQ(svcs.size(), 1u);
  ASSERT_EQ(svcs[0].ports.size(), 1u);
  EXPECT_EQ(svcs[0].ports[0].port, 80);
  ASSERT_EQ(svcs[0].ports[0].endpoints.size(), 2u);
  for (const auto& e : svcs[0].ports[0].endpoints) {
    EXPECT_EQ(e.pod.rfind("web-", 0), 0u) << e.pod;
    EXPECT_EQ(e.port, 8080);  // no binding recorded: the container port itself
  }
  auto ep = ctl_->get("endpoints", "default", "web");
  ASSERT_TRUE(ep) << ep.err().message;
  int ready = 0, not_ready = 0;
  for (const auto& s : (*ep)["object"]["subsets"]) {
    ready += s.contains("addresses") ? 1 : 0;
    not_ready += s.contains("notReadyAddresses") ? 1 : 0;
  }
  EXPECT_EQ(ready, 2);
  EXPECT_EQ(not_ready, 1);
  cli::printer_options o;
  auto rows = cli::table_rows("Endpoints", json::array({(*ep)["object"]}), o);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NAME", "ENDPOINTS", "AGE"}));
  EXPECT_EQ(rows[1][1], "127.0.0.1:8080,127.0.0.1:8080");
  // The same as EndpointSlices (what kubectl describe svc reads), one per pod.
  auto slices = ctl_->get("endpointslices.discovery.k8s.io", "default", "");
  ASSERT_TRUE(slices) << slices.err().message;
  ASSERT_EQ((*slices)["items"].size(), 3u);
  int ready_slices = 0;
  for (const auto& sl : (*slices)["items"]) {
    EXPECT_EQ(sl["metadata"]["labels"]["kubernetes.io/service-name"], "web");
    EXPECT_EQ(sl["ports"][0]["port"], 8080);
    ready_slices += sl["endpoints"][0]["conditions"]["ready"].get<bool>() ? 1 : 0;
  }
  EXPECT_EQ(ready_slices, 2);
  // Scaling to zero empties the endpoints.
  ASSERT_TRUE(ctl_->scale("deployment", "default", "web", 0));
  ASSERT_TRUE(settle([&] { return ctl_->services()[0].ports[0].endpoints.empty(); }));
}

TEST_F(OrchControllerTest, PortForwardTargetsResolveAsKubectl) {
  apply_ok(deployment("web", "hayloft/echo", 1, "web"));
  apply_ok(service("web", "ClusterIP", "web", ", name: http"));
  ASSERT_TRUE(settle([&] { return ready_pods("default") == 1; }));
  auto r = ctl_->forward_endpoints("default", "svc/web", "80");
  ASSERT_TRUE(r) << r.err().message;
  ASSERT_EQ(r->endpoints.size(), 1u);
  EXPECT_EQ(r->endpoints[0].port, 8080);
  EXPECT_EQ(r->remote, "8080");  // kubectl prints the pod's port
  r = ctl_->forward_endpoints("default", "svc/web", "http");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->endpoints.size(), 1u);
  r = ctl_->forward_endpoints("default", "svc/web", "81");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().message, "Service web does not have a service port 81");
  r = ctl_->forward_endpoints("default", "deployment/web", "9000");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->endpoints.size(), 1u);
  EXPECT_EQ(r->endpoints[0].port, 9000);
  EXPECT_EQ(r->remote, "9000");
  r = ctl_->forward_endpoints("default", "svc/nope", "80");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().message, "services \"nope\" not found");
}

TEST(OrchServicePrinters, ColumnsAsKubectl) {
  json lb = json::parse(R"({"metadata":{"name":"web","creationTimestamp":"2026-01-01T00:00:00Z"},
    "spec":{"type":"LoadBalancer","clusterIP":"10.43.1.2","selector":{"app":"web"},
            "ports":[{"port":80,"protocol":"TCP","nodePort":31000},{"port":443,"protocol":"TCP","nodePort":31001}]},
    "status":{"loadBalancer":{"ingress":[{"ip":"127.0.0.1"}]}}})");
  json cip = json::parse(R"({"metadata":{"name":"db"},"spec":{"type":"ClusterIP","clusterIP":"10.43.1.3",
    "ports":[{"port":5432,"protocol":"TCP"}]},"status":{"loadBalancer":{}}})");
  json pending = lb;
  pending["status"] = {{"loadBalancer", json::object()}};
  cli::printer_options o;
  o.wide = true;
  auto rows = cli::table_rows("Service", json::array({lb, cip, pending}), o);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"}));
  EXPECT_EQ(rows[1][1], "LoadBalancer");
  EXPECT_EQ(rows[1][3], "127.0.0.1");
  EXPECT_EQ(rows[1][4], "80:31000/TCP,443:31001/TCP");
  EXPECT_EQ(rows[1][6], "app=web");
  EXPECT_EQ(rows[2][3], "<none>");
  EXPECT_EQ(rows[2][4], "5432/TCP");
  EXPECT_EQ(rows[2][6], "<none>");
  EXPECT_EQ(rows[3][3], "<pending>");
}

TEST_F(OrchControllerTest, DescribeServiceShowsPortsAndEndpoints) {
  apply_ok(deployment("web", "hayloft/echo", 1, "web"));
  apply_ok(service("web", "NodePort", "web", ", name: http"));
  ASSERT_TRUE(settle([&] { return ready_pods("default") == 1; }));
  auto d = ctl_->describe("svc", "default", "web");
  ASSERT_TRUE(d) << d.err().message;
  std::string text = cli::render_describe(*d);
  EXPECT_NE(text.find("Type:                     NodePort"), std::string::npos) << text;
  EXPECT_NE(text.find("Port:                     http  80/TCP"), std::string::npos) << text;
  EXPECT_NE(text.find("TargetPort:               8080/TCP"), std::string::npos) << text;
  EXPECT_NE(text.find("Endpoints:                127.0.0.1:8080"), std::string::npos) << text;
}

}  // namespace hayloft::orchestrator::testing
