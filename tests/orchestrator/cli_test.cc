// The CLI verbs end to end over the admin API (in-process HTTP callback), and kubectl's
// formatting rules.
#include <sstream>
#include <thread>

#include "orchestrator/cli/cli.h"
#include "orchestrator/cli/format.h"
#include "orchestrator/cli/printers.h"
#include "orchestrator/controller/api.h"
#include "tests/orchestrator/controller_fixture.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

TEST(OrchCliFormat, HumanDurationMatchesKubectl) {
  struct row {
    long long s;
    const char* want;
  };
  for (const auto& r : std::vector<row>{{-5, "<invalid>"}, {-1, "0s"}, {0, "0s"}, {5, "5s"}, {119, "119s"}, {120, "2m"},
                                        {182, "3m2s"}, {600, "10m"}, {10799, "179m"}, {10800, "3h"}, {25500, "7h5m"},
                                        {172800, "2d"}, {183600, "2d3h"}, {34560000, "400d"}, {63072000, "2y"},
                                        {63158400, "2y1d"}, {315360000, "10y"}}) {
    EXPECT_EQ(cli::human_duration(seconds(r.s)), r.want) << r.s;
  }
}

TEST(OrchCliFormat, TablesPadColumnsLikeKubectl) {
  std::string t = cli::render_table({{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}, {"web-5d4b-abcde", "1/1", "Running", "0", "5s"}});
  EXPECT_EQ(t,
            "NAME             READY   STATUS    RESTARTS   AGE\n"
            "web-5d4b-abcde   1/1     Running   0          5s\n");
}

TEST(OrchCliFormat, PodStatusFollowsKubectlsRules) {
  auto pod = [](json state, json extra = json::object()) {
    json p{{"metadata", {{"name", "p"}}},
           {"spec", {{"containers", json::array({{{"name", "c"}}})}}},
           {"status", {{"phase", "Running"}, {"containerStatuses", json::array({{{"name", "c"}, {"ready", false}, {"restartCount", 3}, {"state", state}}})}}}};
    p.merge_patch(extra);
    return p;
  };
  EXPECT_EQ(cli::pod_status(pod({{"waiting", {{"reason", "CrashLoopBackOff"}}}})), "CrashLoopBackOff");
  EXPECT_EQ(cli::pod_status(pod({{"terminated", {{"reason", "Error"}, {"exitCode", 1}}}})), "Error");
  EXPECT_EQ(cli::pod_status(pod({{"terminated", {{"exitCode", 2}}}})), "ExitCode:2");
  EXPECT_EQ(cli::pod_status(pod({{"running", json::object()}}, {{"metadata", {{"deletionTimestamp", "2026-01-01T00:00:30Z"}}}})),
            "Terminating");
  EXPECT_EQ(cli::pod_status(pod({{"waiting", {{"reason", "ContainerCreating"}}}}, {{"status", {{"phase", "Pending"}}}})),
            "ContainerCreating");
  json restarted = pod({{"running", json::object()}});
  restarted["status"]["containerStatuses"][0]["lastState"] = {{"terminated", {{"finishedAt", "2026-01-01T00:00:00.000Z"}}}};
  core::time_point now;
  core::parse_iso8601("2026-01-01T00:01:05Z", now);
  EXPECT_EQ(cli::pod_restarts(restarted, now), "3 (65s ago)");
  EXPECT_EQ(cli::pod_ready(restarted), "0/1");
}

TEST(OrchCliFormat, HpaTargets) {
  json hpa{{"spec", {{"metrics", json::array({{{"type", "External"},
                                               {"external", {{"metric", {{"name", "m"}}}, {"target", {{"type", "AverageValue"}, {"averageValue", "10"}}}}}},
                                              {{"type", "Resource"},
                                               {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}}})}}}};
  EXPECT_EQ(cli::hpa_targets(hpa), "<unknown>/10 (avg), cpu: <unknown>/50%");
  hpa["status"]["currentMetrics"] = json::array({{{"type", "External"}, {"external", {{"current", {{"averageValue", "12500m"}}}}}},
                                                 {{"type", "Resource"}, {"resource", {{"current", {{"averageUtilization", 81}}}}}}});
  EXPECT_EQ(cli::hpa_targets(hpa), "12500m/10 (avg), cpu: 81%/50%");
}

class OrchCliTest : public OrchControllerTest {
 protected:
  void SetUp() override {
    OrchControllerTest::SetUp();
    api_ = std::make_unique<admin_api>(*ctl_);
    auto send = [this](const std::string& method, const std::string& target, const std::string& body) -> result<cli::http_response> {
      core::request req;
      req.method = method;
      EXPECT_TRUE(core::parse_target(target, req)) << target;
      req.body = body;
      req.body_size = body.size();
      cli::http_response out;
      api_->handle(std::move(req), [&](core::response r) { out = {r.status, r.body}; });
      return out;
    };
    http_.get = [send](const std::string& t) { return send("GET", t, ""); };
    http_.post = [send](const std::string& t, const std::string& b) { return send("POST", t, b); };
    http_.wait = [this](std::chrono::milliseconds) {
      if (wait_budget_-- <= 0) return false;
      advance(seconds(1));
      return true;
    };
  }
  int run(cli::command c, std::string stdin_text = "") {
    out_.str("");
    err_.str("");
    std::istringstream in(stdin_text);
    return cli::run(c, http_, in, out_, err_);
  }
  cli::command cmd(std::string verb, std::vector<std::string> args = {}) {
    cli::command c;
    c.verb = std::move(verb);
    c.args = std::move(args);
    return c;
  }

  std::unique_ptr<admin_api> api_;
  cli::http_client http_;
  int wait_budget_ = 0;
  std::ostringstream out_, err_;
};

TEST_F(OrchCliTest, ApplyDirectoryAndGetTablesLikeKubectl) {
  auto apply = cmd("apply");
  apply.files = {(manifests_dir() / "keda").string()};
  apply.namespace_name = "indexing";
  ASSERT_EQ(run(apply), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "scaledobject.keda.sh/indexing-consumer-scaled-object created\n"
            "secret/aws-secrets created\n"
            "triggerauthentication.keda.sh/keda-trigger-auth-aws-credentials created\n");
  EXPECT_NE(err_.str().find("Warning: namespace \"indexing\" did not exist; hayloft created it"), std::string::npos);
  auto dep = cmd("apply");
  dep.files = {(manifests_dir() / "deployment-consumer.yaml").string()};
  dep.namespace_name = "indexing";
  ASSERT_EQ(run(dep), 0);
  EXPECT_EQ(out_.str(), "deployment.apps/indexing-consumer created\n");
  ASSERT_EQ(run(dep), 0);
  EXPECT_EQ(out_.str(), "deployment.apps/indexing-consumer unchanged\n");

  queues_.set("test-queue", 25);
  advance(seconds(0));
  advance(seconds(15));
  advance(seconds(62));

  auto get = cmd("get", {"deployments"});
  get.namespace_name = "indexing";
  ASSERT_EQ(run(get), 0);
  EXPECT_EQ(out_.str(),
            "NAME                READY   UP-TO-DATE   AVAILABLE   AGE\n"
            "indexing-consumer   2/2     2            2           77s\n");
  auto get_pods = cmd("get", {"pods"});
  get_pods.namespace_name = "indexing";
  ASSERT_EQ(run(get_pods), 0);
  std::string table = out_.str();
  std::string first = pods("indexing")[0]["metadata"]["name"];
  EXPECT_EQ(table.substr(0, table.find('\n')), "NAME" + std::string(first.size() - 1, ' ') + "READY   STATUS    RESTARTS   AGE");
  EXPECT_NE(table.find("1/1     Running   0          "), std::string::npos) << table;
  auto hpa = cmd("get", {"hpa"});
  hpa.namespace_name = "indexing";
  ASSERT_EQ(run(hpa), 0);
  EXPECT_EQ(out_.str(),
            "NAME                                       REFERENCE                      TARGETS           MINPODS   MAXPODS   REPLICAS   AGE\n"
            "keda-hpa-indexing-consumer-scaled-object   Deployment/indexing-consumer   12500m/10 (avg)   1         2         2          77s\n");
  auto so = cmd("get", {"so"});
  so.namespace_name = "indexing";
  ASSERT_EQ(run(so), 0);
  EXPECT_EQ(out_.str(),
            "NAME                              SCALETARGETKIND      SCALETARGETNAME     MIN   MAX   TRIGGERS        AUTHENTICATION                      READY   ACTIVE   FALLBACK   PAUSED   AGE\n"
            "indexing-consumer-scaled-object   apps/v1.Deployment   indexing-consumer   0     2     aws-sqs-queue   keda-trigger-auth-aws-credentials   True    True     False      False    77s\n");
  auto empty = cmd("get", {"pods"});
  ASSERT_EQ(run(empty), 0);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), "No resources found in default namespace.\n");
}

TEST_F(OrchCliTest, ErrorsAndExitCodes) {
  auto get = cmd("get", {"deployment", "nope"});
  EXPECT_EQ(run(get), 1);
  EXPECT_EQ(err_.str(), "Error from server (NotFound): deployments.apps \"nope\" not found\n");
  EXPECT_EQ(run(cmd("get", {"widgets"})), 1);
  EXPECT_EQ(err_.str(), "error: the server doesn't have a resource type \"widgets\"\n");
  auto scale = cmd("scale", {"deployment/nope"});
  scale.replicas = 2;
  EXPECT_EQ(run(scale), 1);
  EXPECT_EQ(err_.str(), "Error from server (NotFound): deployments.apps \"nope\" not found\n");
  auto bad = cmd("apply");
  bad.files = {"-"};
  EXPECT_EQ(run(bad, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 1}\n"), 1);
  EXPECT_NE(err_.str().find("Error from server (Invalid): error when applying \"STDIN\": The Deployment \"x\" is invalid"),
            std::string::npos)
      << err_.str();
  auto mismatch = cmd("apply");
  mismatch.files = {(manifests_dir() / "keda/secrets-localstack.yaml").string()};
  mismatch.namespace_name = "default";
  EXPECT_EQ(run(mismatch), 1);
  EXPECT_NE(err_.str().find("error: the namespace from the provided object \"indexing\" does not match"), std::string::npos);
}

TEST_F(OrchCliTest, ScaleLogsDescribeAndDelete) {
  auto dep = cmd("apply");
  dep.files = {(manifests_dir() / "deployment-consumer.yaml").string()};
  dep.namespace_name = "indexing";
  ASSERT_EQ(run(dep), 0);
  auto scale = cmd("scale", {"deployment", "indexing-consumer"});
  scale.namespace_name = "indexing";
  scale.replicas = 1;
  ASSERT_EQ(run(scale), 0);
  EXPECT_EQ(out_.str(), "deployment.apps/indexing-consumer scaled\n");
  advance(seconds(0));
  auto logs = cmd("logs", {"deployment/indexing-consumer"});
  logs.namespace_name = "indexing";
  logs.container = "indexing-consumer";
  logs.tail = 2;
  ASSERT_EQ(run(logs), 0) << err_.str();
  EXPECT_EQ(out_.str(), "AWS_SECRET_ACCESS_KEY=test\nHOSTNAME=" + pods("indexing")[0]["metadata"]["name"].get<std::string>() + "\n");
  // Follow until the pod goes away.
  logs.tail.reset();
  logs.follow = true;
  wait_budget_ = 3;
  ASSERT_EQ(run(logs), 0);
  EXPECT_NE(out_.str().find("started indexing-consumer-"), std::string::npos);
  auto describe = cmd("describe", {"deployment/indexing-consumer"});
  describe.namespace_name = "indexing";
  ASSERT_EQ(run(describe), 0);
  std::string text = out_.str();
  EXPECT_NE(text.find("Replicas:           1 desired | 1 updated | 1 total | 1 available | 0 unavailable"), std::string::npos) << text;
  EXPECT_NE(text.find("ScalingReplicaSet"), std::string::npos) << text;
  auto yaml = cmd("get", {"deployment", "indexing-consumer"});
  yaml.namespace_name = "indexing";
  yaml.output = "yaml";
  ASSERT_EQ(run(yaml), 0);
  EXPECT_NE(out_.str().find("apiVersion: apps/v1\nkind: Deployment\n"), std::string::npos) << out_.str();
  auto ev = cmd("get", {"events"});
  ev.namespace_name = "indexing";
  ASSERT_EQ(run(ev), 0);
  EXPECT_EQ(out_.str().substr(0, out_.str().find('\n')).find("LAST SEEN   TYPE     REASON"), 0u) << out_.str();
  std::string events = out_.str();
  std::string second = events.substr(events.find('\n') + 1);
  EXPECT_NE(second.find("Normal   ScalingReplicaSet"), std::string::npos) << events;
  EXPECT_NE(second.find("deployment/indexing-consumer"), std::string::npos) << events;
  auto del = cmd("delete", {"deployment", "indexing-consumer"});
  del.namespace_name = "indexing";
  ASSERT_EQ(run(del), 0);
  EXPECT_EQ(out_.str(), "deployment.apps \"indexing-consumer\" deleted\n");
  auto ns = cmd("create", {"namespace", "team"});
  ASSERT_EQ(run(ns), 0);
  EXPECT_EQ(out_.str(), "namespace/team created\n");
  EXPECT_EQ(run(ns), 1);
  EXPECT_EQ(err_.str(), "Error from server (AlreadyExists): namespaces \"team\" already exists\n");
}

TEST_F(OrchCliTest, GetSeveralKindsPrintsEachTableInTurn) {
  queues_.set("test-queue", 25);
  for (const char* f : {"deployment-consumer.yaml", "keda"}) {
    auto apply = cmd("apply");
    apply.files = {(manifests_dir() / f).string()};
    apply.namespace_name = "indexing";
    ASSERT_EQ(run(apply), 0) << err_.str();
  }
  advance(seconds(20));
  auto get = cmd("get", {"scaledobject,hpa"});
  get.namespace_name = "indexing";
  ASSERT_EQ(run(get), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "NAME                                                   SCALETARGETKIND      SCALETARGETNAME     MIN   MAX   TRIGGERS        AUTHENTICATION                      READY   ACTIVE   FALLBACK   PAUSED   AGE\n"
            "scaledobject.keda.sh/indexing-consumer-scaled-object   apps/v1.Deployment   indexing-consumer   0     2     aws-sqs-queue   keda-trigger-auth-aws-credentials   True    True     False      False    20s\n"
            "\n"
            "NAME                                                                           REFERENCE                      TARGETS       MINPODS   MAXPODS   REPLICAS   AGE\n"
            "horizontalpodautoscaler.autoscaling/keda-hpa-indexing-consumer-scaled-object   Deployment/indexing-consumer   25/10 (avg)   1         2         1          20s\n");
  EXPECT_EQ(err_.str(), "");
  // -o name, a repeated kind printed once, and a kind with nothing in it left out.
  auto names = cmd("get", {"deploy,so,deploy,svc"});
  names.namespace_name = "indexing";
  names.output = "name";
  ASSERT_EQ(run(names), 0);
  EXPECT_EQ(out_.str(), "deployment.apps/indexing-consumer\nscaledobject.keda.sh/indexing-consumer-scaled-object\n");
  // An unknown kind fails the whole command, as kubectl resolves every type first.
  auto bad = cmd("get", {"so,widgets"});
  bad.namespace_name = "indexing";
  EXPECT_EQ(run(bad), 1);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), "error: the server doesn't have a resource type \"widgets\"\n");
  auto none = cmd("get", {"svc,cm"});
  none.namespace_name = "indexing";
  EXPECT_EQ(run(none), 0);
  EXPECT_EQ(err_.str(), "No resources found in indexing namespace.\n");
}

TEST_F(OrchCliTest, DescribeScaledObjectShowsTheScaleLoop) {
  queues_.set("test-queue", 5);
  for (const char* f : {"deployment-consumer.yaml", "keda"}) {
    auto apply = cmd("apply");
    apply.files = {(manifests_dir() / f).string()};
    apply.namespace_name = "indexing";
    ASSERT_EQ(run(apply), 0) << err_.str();
  }
  advance(seconds(60));  // active polls at 0, 30, 60
  queues_.set("test-queue", 0);
  advance(seconds(40));  // t=100: inactive since the poll at 90
  auto describe = cmd("describe", {"so", "indexing-consumer-scaled-object"});
  describe.namespace_name = "indexing";
  ASSERT_EQ(run(describe), 0) << err_.str();
  const std::string text = out_.str();
  for (const char* line : {"Scale Loop (hayloft):\n",
                           "  Polling Interval:  30s\n",
                           "  Last Poll:         2026-01-01T00:01:30Z (10s ago)\n",
                           "  Next Poll:         2026-01-01T00:02:00Z (in 20s)\n",
                           "  Last Active Poll:  2026-01-01T00:01:00Z (40s ago)\n",
                           "  Cooldown Ends:     2026-01-01T00:06:00Z (in 4m20s), lastActiveTime + cooldownPeriod 300s\n",
                           "  Active:            False (ScalerCooldown: an inactive target is scaled in at the first poll from Cooldown Ends)\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  // The status field itself, as kubectl prints a CRD's.
  auto at = text.find("Last Active Time:");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(text.substr(at, text.find('\n', at) - at).find("2026-01-01T00:01:00Z"), std::string::npos) << text;
  EXPECT_NE(text.find("ScalerCooldown"), std::string::npos) << text;
  EXPECT_NE(text.find("last active poll at 2026-01-01T00:01:00Z, cooldownPeriod 300s"), std::string::npos) << text;
}

TEST_F(OrchCliTest, TopPodsShowsSampledCpuAndMemory) {
  auto top = cmd("top", {"pods"});
  EXPECT_EQ(run(top), 1);
  EXPECT_EQ(err_.str(), "error: metrics not available yet\n");
  auto apply = cmd("apply", {});
  apply.files = {"-"};
  ASSERT_EQ(run(apply, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: burner}\nspec:\n  replicas: 1\n"
                       "  selector: {matchLabels: {app: burner}}\n  template:\n    metadata: {labels: {app: burner}}\n"
                       "    spec:\n      containers:\n      - name: burn\n        image: busybox\n"
                       "        command: [\"/bin/sh\", \"-c\", \"while :; do :; done\"]\n"),
            0)
      << err_.str();
  advance(seconds(0));
  advance(seconds(15));  // the first usage sample of the pod
  // One sample is not a rate: kubectl's answer until metrics-server has two.
  EXPECT_EQ(run(top), 1);
  EXPECT_EQ(err_.str(), "error: metrics not available yet\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  advance(seconds(15));
  ASSERT_EQ(run(top), 0) << err_.str();
  std::string text = out_.str();
  EXPECT_EQ(text.rfind("NAME ", 0), 0u) << text;
  EXPECT_NE(text.find("CPU(cores)   MEMORY(bytes)"), std::string::npos) << text;
  std::string row = text.substr(text.find('\n') + 1);
  EXPECT_EQ(row.rfind("burner-", 0), 0u) << text;
  // A busy loop: hundreds of millicores; a shell's resident set: a few MiB at most.
  std::istringstream fields(row);
  std::string name, cpu, mem;
  fields >> name >> cpu >> mem;
  ASSERT_EQ(cpu.back(), 'm');
  EXPECT_GT(std::stoi(cpu), 200) << text;
  ASSERT_EQ(mem.substr(mem.size() - 2), "Mi");
  EXPECT_LT(std::stoi(mem), 64) << text;
  top.containers = true;
  ASSERT_EQ(run(top), 0);
  EXPECT_NE(out_.str().find(" burn "), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace hayloft::orchestrator::testing
