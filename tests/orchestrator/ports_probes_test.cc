// Container ports and probes: API-server defaulting and validation messages.
#include <gtest/gtest.h>

#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"

namespace hayloft::orchestrator::objects {
namespace {

// A Deployment whose single container has the given extra YAML (indented under the container).
json deployment_with(const std::string& container_yaml) {
  std::string y =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
      "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n"
      "        image: python:3\n        command: [python3]\n" +
      container_yaml;
  auto docs = parse_manifests(y);
  EXPECT_TRUE(docs) << y;
  return docs->at(0);
}

std::string message_of(const std::string& container_yaml) {
  json d = deployment_with(container_yaml);
  auto v = validate_object(kind::deployment, d);
  return v.ok() ? std::string() : v.message("Deployment", "web");
}

bool has_warning(const validation& v, const std::string& needle) {
  for (const auto& w : v.warnings())
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

TEST(OrchPortsProbes, PortsParseWithDefaults) {
  json d = deployment_with(
      "        ports:\n        - {name: http, containerPort: 8080}\n        - {containerPort: 9090, protocol: UDP}\n");
  validation v;
  auto spec = parse_deployment(d, v);
  ASSERT_TRUE(v.ok()) << v.message("Deployment", "web");
  const auto& ports = spec.tmpl.containers.at(0).ports;
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].name, "http");
  EXPECT_EQ(ports[0].container_port, 8080);
  EXPECT_EQ(ports[0].protocol, "TCP");
  EXPECT_EQ(ports[1].name, "");
  EXPECT_EQ(ports[1].protocol, "UDP");
}

TEST(OrchPortsProbes, PortValidationMessages) {
  struct row {
    std::string yaml, want;
  };
  const std::string p = "spec.template.spec.containers[0].ports[0].";
  for (const auto& r : std::vector<row>{
           {"        ports: [{name: http}]\n", p + "containerPort: Required value"},
           {"        ports: [{containerPort: 0}]\n", p + "containerPort: Required value"},
           {"        ports: [{containerPort: 70000}]\n", p + "containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"},
           {"        ports: [{containerPort: 80, protocol: HTTP}]\n",
            p + "protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""},
           {"        ports: [{containerPort: 80, name: Web}]\n",
            p + "name: Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"},
           {"        ports: [{containerPort: 80, name: a-very-long-port-name}]\n",
            p + "name: Invalid value: \"a-very-long-port-name\": must be no more than 15 characters"},
           {"        ports: [{containerPort: 80, name: \"8080\"}]\n",
            p + "name: Invalid value: \"8080\": must contain at least one letter (a-z)"},
           {"        ports: [{containerPort: 80, name: a--b}]\n", p + "name: Invalid value: \"a--b\": must not contain consecutive hyphens"},
           {"        ports: [{containerPort: 80, name: http}, {containerPort: 81, name: http}]\n",
            "spec.template.spec.containers[0].ports[1].name: Duplicate value: \"http\""},
           {"        ports: [{containerPort: 80, hostPort: 131072}]\n", p + "hostPort: Invalid value: 131072: must be between 1 and 65535, inclusive"},
       }) {
    std::string m = message_of(r.yaml);
    EXPECT_NE(m.find(r.want), std::string::npos) << r.yaml << " -> " << m;
  }
}

TEST(OrchPortsProbes, HostPortIsAcceptedWithAWarning) {
  json d = deployment_with("        ports: [{containerPort: 80, hostPort: 8080, hostIP: 0.0.0.0}]\n");
  auto v = validate_object(kind::deployment, d);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(has_warning(v, "containers[0].ports[0].hostPort is not implemented by hayloft"));
  EXPECT_TRUE(has_warning(v, "containers[0].ports[0].hostIP is not implemented by hayloft"));
}

TEST(OrchPortsProbes, ProbeDefaults) {
  json d = deployment_with(
      "        ports: [{name: http, containerPort: 8080}]\n"
      "        readinessProbe: {httpGet: {port: http}}\n"
      "        livenessProbe: {tcpSocket: {port: 8080}, initialDelaySeconds: 5, periodSeconds: 0, failureThreshold: 2,"
      " terminationGracePeriodSeconds: 3}\n"
      "        startupProbe: {exec: {command: [test, -f, /tmp/ok]}}\n");
  validation v;
  auto spec = parse_deployment(d, v);
  ASSERT_TRUE(v.ok()) << v.message("Deployment", "web");
  const auto& c = spec.tmpl.containers.at(0);
  ASSERT_TRUE(c.readiness_probe && c.liveness_probe && c.startup_probe);
  EXPECT_EQ(c.readiness_probe->type, probe_spec::handler::http_get);
  EXPECT_EQ(c.readiness_probe->path, "/");
  EXPECT_EQ(c.readiness_probe->scheme, "HTTP");
  EXPECT_EQ(c.readiness_probe->port.name, "http");
  EXPECT_EQ(c.readiness_probe->period_seconds, 10);
  EXPECT_EQ(c.readiness_probe->timeout_seconds, 1);
  EXPECT_EQ(c.readiness_probe->success_threshold, 1);
  EXPECT_EQ(c.readiness_probe->failure_threshold, 3);
  EXPECT_EQ(c.liveness_probe->type, probe_spec::handler::tcp_socket);
  EXPECT_EQ(c.liveness_probe->port.number, 8080);
  EXPECT_EQ(c.liveness_probe->initial_delay_seconds, 5);
  EXPECT_EQ(c.liveness_probe->period_seconds, 10);  // 0 is defaulted
  EXPECT_EQ(c.liveness_probe->failure_threshold, 2);
  EXPECT_EQ(c.liveness_probe->termination_grace_seconds, 3);
  EXPECT_EQ(c.startup_probe->type, probe_spec::handler::exec);
  EXPECT_EQ(c.startup_probe->command, (std::vector<std::string>{"test", "-f", "/tmp/ok"}));
  EXPECT_FALSE(has_warning(v, "Probe is not implemented"));
}

TEST(OrchPortsProbes, ProbeValidationMessages) {
  struct row {
    std::string yaml, want;
  };
  const std::string c = "spec.template.spec.containers[0].";
  for (const auto& r : std::vector<row>{
           {"        livenessProbe: {periodSeconds: 5}\n", c + "livenessProbe: Required value: must specify a handler type"},
           {"        livenessProbe: {exec: {command: [\"true\"]}, tcpSocket: {port: 80}}\n",
            c + "livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"},
           {"        livenessProbe: {exec: {command: [\"true\"]}, successThreshold: 2}\n",
            c + "livenessProbe.successThreshold: Invalid value: 2: must be 1"},
           {"        startupProbe: {exec: {command: [\"true\"]}, successThreshold: 3}\n",
            c + "startupProbe.successThreshold: Invalid value: 3: must be 1"},
           {"        readinessProbe: {exec: {command: [\"true\"]}, timeoutSeconds: -1}\n",
            c + "readinessProbe.timeoutSeconds: Invalid value: -1: must be greater than or equal to 0"},
           {"        readinessProbe: {exec: {command: [\"true\"]}, terminationGracePeriodSeconds: 5}\n",
            c + "readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"},
           {"        livenessProbe: {exec: {command: [\"true\"]}, terminationGracePeriodSeconds: 0}\n",
            c + "livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"},
           {"        livenessProbe: {exec: {command: []}}\n", c + "livenessProbe.exec.command: Required value"},
           {"        livenessProbe: {httpGet: {path: /healthz}}\n", c + "livenessProbe.httpGet.port: Required value"},
           {"        livenessProbe: {httpGet: {port: 0}}\n",
            c + "livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"},
           {"        livenessProbe: {tcpSocket: {port: Http}}\n",
            c + "livenessProbe.tcpSocket.port: Invalid value: \"Http\": must contain only alpha-numeric characters"},
           {"        livenessProbe: {httpGet: {port: 80, scheme: FTP}}\n",
            c + "livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""},
           {"        livenessProbe: {httpGet: {port: 80, httpHeaders: [{name: \"X Bad\", value: v}]}}\n",
            c + "livenessProbe.httpGet.httpHeaders[0].name: Invalid value: \"X Bad\": a valid HTTP header must consist"},
       }) {
    std::string m = message_of(r.yaml);
    EXPECT_NE(m.find(r.want), std::string::npos) << r.yaml << " -> " << m;
  }
}

TEST(OrchPortsProbes, UnimplementedProbeVariantsWarn) {
  json d = deployment_with(
      "        readinessProbe: {httpGet: {port: 8443, scheme: HTTPS}}\n        livenessProbe: {grpc: {port: 9000}}\n");
  auto v = validate_object(kind::deployment, d);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(has_warning(v, "readinessProbe.httpGet.scheme: HTTPS probes are not implemented by hayloft"));
  EXPECT_TRUE(has_warning(v, "livenessProbe.grpc probes are not implemented by hayloft"));
}

}  // namespace
}  // namespace hayloft::orchestrator::objects
