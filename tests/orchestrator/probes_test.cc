// Ports, $PORT and probes through the controller on the manual clock, against real processes: a
// tiny Python HTTP server that listens on $PORT and can be told (by files in its directory) to
// fail its health path or to hang.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "orchestrator/cli/describe.h"
#include "orchestrator/cli/printers.h"
#include "orchestrator/pods/ports.h"
#include "tests/orchestrator/controller_fixture.h"

namespace hayloft::orchestrator::testing {
namespace {

using std::chrono::seconds;

const char* const server_py = R"(import http.server, os, sys, time
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if os.path.exists(os.path.join(d, 'hang')):
            time.sleep(3600)
        code = 503 if os.path.exists(os.path.join(d, 'fail')) else 200
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b'ok')
    def log_message(self, *a):
        pass
port = int(os.environ['PORT'])
print('listening on', port, 'args', ' '.join(sys.argv[2:]), 'http', os.environ.get('HTTP_PORT'), flush=True)
http.server.HTTPServer(('127.0.0.1', port), H).serve_forever()
)";

// A 127.0.0.1 TCP listener the test opens and closes: the target of tcpSocket probes on an
// undeclared port number (probed as written), so probe outcomes are under the test's control.
class test_listener {
 public:
  test_listener() : port_(*pods::free_loopback_port()) {}
  ~test_listener() { close(); }
  void open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port_);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    ASSERT_EQ(::listen(fd_, 64), 0);
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int port_;
  int fd_ = -1;
};

class OrchProbesTest : public OrchControllerTest {
 protected:
  void SetUp() override {
    OrchControllerTest::SetUp();
    ctl_dir_ = dir_ / "ctl";
    std::filesystem::create_directories(ctl_dir_);
    std::ofstream(dir_ / "server.py") << server_py;
  }
  // A Deployment of the Python server; `probes` is YAML indented for the container.
  std::string server(const std::string& name, const std::string& probes, int replicas = 1, int grace = 1) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  replicas: " +
           std::to_string(replicas) + "\n  selector:\n    matchLabels: {app: " + name +
           "}\n  template:\n    metadata:\n      labels: {app: " + name +
           "}\n    spec:\n      terminationGracePeriodSeconds: " + std::to_string(grace) +
           "\n      containers:\n      - name: app\n        image: python:3\n"
           "        command: [python3, \"" + (dir_ / "server.py").string() + "\", \"" + ctl_dir_.string() +
           "\"]\n        args: [\"--port\", \"$(PORT)\"]\n"
           "        env:\n        - {name: PORT, value: \"8080\"}\n"
           "        ports:\n        - {name: http, containerPort: 8080}\n" +
           probes;
  }
  void touch(const char* f) { std::ofstream(ctl_dir_ / f) << "x"; }
  void remove(const char* f) { std::filesystem::remove(ctl_dir_ / f); }
  json status0() {
    auto p = pods("default");
    return p.empty() ? json() : p[0]["status"]["containerStatuses"][0];
  }
  bool has_event(const std::string& reason, const std::string& text) {
    auto e = ctl_->events("default", "", "");
    if (!e) return false;
    for (const auto& ev : (*e)["items"])
      if (ev.value("reason", "") == reason && ev.value("message", "").find(text) != std::string::npos) return true;
    return false;
  }
  std::string events_text() {
    auto e = ctl_->events("default", "", "");
    std::string s;
    if (e)
      for (const auto& ev : (*e)["items"]) s += ev.value("reason", "") + " " + ev.value("message", "") + "\n";
    return s;
  }
  // Advances the clock a second at a time (probe ticks) and lets real time pass (probe I/O).
  template <class F>
  bool tick_until(F cond, int max_ticks = 60) {
    for (int i = 0; i < max_ticks; ++i) {
      if (settle(cond, std::chrono::milliseconds(150))) return true;
      advance(seconds(1));
    }
    return cond();
  }
  // Waits (real time) until the first pod's server logs that it listens.
  bool listening() {
    return settle([&] {
      auto p = pods("default");
      if (p.empty()) return false;
      auto l = ctl_->logs({"default", p[0]["metadata"]["name"], "", "", std::nullopt, std::nullopt});
      return l && (*l)["data"].get<std::string>().find("listening on") != std::string::npos;
    });
  }
  // An in-process hayloft/echo pod with the given probes (starts at once on the manual clock).
  std::string echo(const std::string& probes) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: echo\nspec:\n  selector:\n    matchLabels: {app: echo}\n"
           "  template:\n    metadata:\n      labels: {app: echo}\n    spec:\n      containers:\n      - name: main\n"
           "        image: hayloft/echo\n" +
           probes;
  }
  json probe_view(const char* which) {
    json st = status0();
    return st.is_object() && st["hayloft"].contains("probes") ? st["hayloft"]["probes"][which] : json();
  }
  std::uint64_t probes_run(const char* which) {
    json v = probe_view(which);
    return v.is_object() ? v["probes"].get<std::uint64_t>() : 0;
  }
  // Advances the clock by `s` and waits (real time) for exactly one more outcome of `which`.
  void step(seconds s, const char* which) {
    std::uint64_t before = probes_run(which);
    advance(s);
    ASSERT_TRUE(settle([&] { return probes_run(which) == before + 1; })) << which << " " << status0().dump();
  }
  std::filesystem::path ctl_dir_;
};

TEST_F(OrchProbesTest, EachReplicaGetsItsOwnPortInPortAndArgs) {
  apply_ok(server("web", "", 2));
  advance(seconds(0));
  auto ps = pods("default");
  ASSERT_EQ(ps.size(), 2u);
  std::set<int> host_ports;
  for (const auto& p : ps) {
    const json& st = p["status"]["containerStatuses"][0];
    ASSERT_TRUE(st["hayloft"].contains("ports")) << st.dump();
    const json& b = st["hayloft"]["ports"][0];
    EXPECT_EQ(b["name"], "http");
    EXPECT_EQ(b["containerPort"], 8080);
    EXPECT_EQ(b["hostIP"], "127.0.0.1");
    host_ports.insert(b["hostPort"].get<int>());
    EXPECT_EQ(p["status"]["podIP"], "127.0.0.1");
    EXPECT_EQ(p["spec"]["containers"][0]["ports"][0]["containerPort"], 8080);
  }
  EXPECT_EQ(host_ports.size(), 2u);
  // Both servers listen: the manifest's PORT=8080 (a declared containerPort) became the host
  // port, and $(PORT) in args expanded to it.
  for (const auto& p : ps) {
    std::string name = p["metadata"]["name"];
    int port = p["status"]["containerStatuses"][0]["hayloft"]["ports"][0]["hostPort"];
    std::string want = "listening on " + std::to_string(port) + " args --port " + std::to_string(port) + " http " +
                       std::to_string(port);
    EXPECT_TRUE(settle([&] {
      auto l = ctl_->logs({"default", name, "", "", std::nullopt, std::nullopt});
      return l && (*l)["data"].get<std::string>().find(want) != std::string::npos;
    })) << want;
  }
  EXPECT_EQ(ready_pods("default"), 2);  // no readiness probe: ready once running
}

TEST_F(OrchProbesTest, BuiltinsGetPortVariablesAndUserValuesWin) {
  apply_ok(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: echo\nspec:\n  selector:\n    matchLabels: {app: echo}\n"
      "  template:\n    metadata:\n      labels: {app: echo}\n    spec:\n      containers:\n      - name: main\n"
      "        image: hayloft/echo\n        ports:\n        - {name: http, containerPort: 8080}\n"
      "        - {name: metrics-port, containerPort: 9090}\n"
      "        env:\n        - {name: URL, value: \"http://127.0.0.1:$(PORT)/v2\"}\n"
      "        - {name: HTTP_PORT, value: \"8080\"}\n        - {name: METRICS_PORT_PORT, value: \"1234\"}\n");
  advance(seconds(0));
  auto ps = pods("default");
  ASSERT_EQ(ps.size(), 1u);
  const json& bind = ps[0]["status"]["containerStatuses"][0]["hayloft"]["ports"];
  ASSERT_EQ(bind.size(), 2u);
  std::string http = std::to_string(bind[0]["hostPort"].get<int>());
  std::string name = ps[0]["metadata"]["name"];
  std::string log;
  ASSERT_TRUE(settle([&] {
    auto l = ctl_->logs({"default", name, "", "", std::nullopt, std::nullopt});
    log = l ? (*l)["data"].get<std::string>() : "";
    return log.find("URL=") != std::string::npos;
  }));
  EXPECT_NE(log.find("PORT=" + http + "\n"), std::string::npos) << log;
  EXPECT_NE(log.find("HTTP_PORT=" + http + "\n"), std::string::npos) << log;          // 8080 is declared: hayloft's
  EXPECT_NE(log.find("METRICS_PORT_PORT=1234\n"), std::string::npos) << log;          // not a declared port: the user's
  EXPECT_NE(log.find("URL=http://127.0.0.1:" + http + "/v2\n"), std::string::npos) << log;  // $(PORT) before env
}

TEST_F(OrchProbesTest, ReadinessGatesPodReadyBothWays) {
  apply_ok(server("web", "        readinessProbe:\n          httpGet: {path: /healthz, port: http}\n"
                         "          periodSeconds: 1\n          failureThreshold: 2\n"));
  advance(seconds(0));
  EXPECT_FALSE(status0()["ready"].get<bool>());  // readiness starts false
  EXPECT_TRUE(status0()["started"].get<bool>());
  ASSERT_TRUE(tick_until([&] { return ready_pods("default") == 1; })) << events_text();
  EXPECT_EQ(cli::pod_ready(pods("default")[0]), "1/1");
  auto dep = ctl_->get("deployment", "default", "web");
  EXPECT_EQ((*dep)["object"]["status"]["readyReplicas"], 1);
  touch("fail");
  // One failure is below failureThreshold 2: still ready; the second flips it.
  ASSERT_TRUE(tick_until([&] { return has_event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"); }));
  ASSERT_TRUE(tick_until([&] { return ready_pods("default") == 0; })) << events_text();
  auto p = pods("default")[0];
  EXPECT_EQ(p["status"]["phase"], "Running");
  EXPECT_EQ(cli::pod_ready(p), "0/1");  // the READY column of get pods and kubectl's Table
  // describe: the port binding, the probe as kubectl prints it, and the event.
  auto described = ctl_->describe("pod", "default", p["metadata"]["name"]);
  ASSERT_TRUE(described);
  std::string text = cli::render_describe(*described);
  int port = p["status"]["containerStatuses"][0]["hayloft"]["ports"][0]["hostPort"];
  EXPECT_NE(text.find("    Port:   8080/TCP -> 127.0.0.1:" + std::to_string(port) + "\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Readiness:      http-get http://:http/healthz delay=0s timeout=1s period=1s #success=1 #failure=2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Readiness probe failed: HTTP probe failed with statuscode: 503"), std::string::npos) << text;
  for (const auto& c : p["status"]["conditions"]) {
    if (c["type"] == "Ready" || c["type"] == "ContainersReady") {
      EXPECT_EQ(c["status"], "False");
    }
  }
  dep = ctl_->get("deployment", "default", "web");
  EXPECT_FALSE((*dep)["object"]["status"].contains("readyReplicas"));
  EXPECT_EQ(status0()["restartCount"], 0);  // readiness never restarts
  remove("fail");
  ASSERT_TRUE(tick_until([&] { return ready_pods("default") == 1; })) << events_text();
}

TEST_F(OrchProbesTest, LivenessRestartsAHungProcess) {
  apply_ok(server("web", "        livenessProbe:\n          httpGet: {path: /healthz, port: 8080}\n"
                         "          initialDelaySeconds: 5\n          periodSeconds: 1\n          timeoutSeconds: 1\n"
                         "          failureThreshold: 2\n"));
  advance(seconds(0));
  ASSERT_TRUE(listening());  // the manual clock stands still meanwhile: within initialDelaySeconds
  int port = status0()["hayloft"]["ports"][0]["hostPort"];
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/healthz";
  // Let the server answer once (liveness keeps succeeding), then hang it.
  for (int i = 0; i < 3; ++i) advance(seconds(1));
  touch("hang");
  ASSERT_TRUE(tick_until([&] { return has_event("Killing", "Container app failed liveness probe, will be restarted"); }))
      << events_text();
  EXPECT_TRUE(has_event("Unhealthy", "Liveness probe failed: Get \"" + url + "\": context deadline exceeded")) << events_text();
  remove("hang");
  ASSERT_TRUE(tick_until([&] { return status0()["restartCount"] == 1 && status0()["state"].contains("running"); }))
      << status0().dump() << events_text();
  json last = status0()["lastState"]["terminated"];
  EXPECT_EQ(last["exitCode"], 143) << last.dump();  // SIGTERM
  // The restarted container keeps its host port and is live again.
  EXPECT_EQ(status0()["hayloft"]["ports"][0]["hostPort"], port);
  ASSERT_TRUE(settle([&] {
    auto l = ctl_->logs({"default", pods("default")[0]["metadata"]["name"], "", "", std::nullopt, std::nullopt});
    std::string d = l ? (*l)["data"].get<std::string>() : "";
    return d.find("listening on") != d.rfind("listening on");  // the log holds both instances
  }));
  for (int i = 0; i < 8; ++i) advance(seconds(1));
  settle([] { return false; }, std::chrono::milliseconds(300));
  EXPECT_EQ(status0()["restartCount"], 1) << events_text();
}

TEST_F(OrchProbesTest, ConnectionRefusedIsTheKubeletsMessage) {
  // The container declares a port but listens on nothing.
  apply_ok(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mute\nspec:\n  selector:\n    matchLabels: {app: mute}\n"
      "  template:\n    metadata:\n      labels: {app: mute}\n    spec:\n      terminationGracePeriodSeconds: 1\n"
      "      containers:\n      - name: app\n        image: busybox\n        command: [sleep, \"60\"]\n"
      "        ports: [{name: http, containerPort: 8080}]\n"
      "        livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1, failureThreshold: 1}\n"
      "        readinessProbe: {tcpSocket: {port: http}, periodSeconds: 1}\n");
  advance(seconds(0));
  int port = status0()["hayloft"]["ports"][0]["hostPort"];
  std::string addr = "127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(tick_until([&] { return has_event("Killing", "Container app failed liveness probe, will be restarted"); }))
      << events_text();
  EXPECT_TRUE(has_event("Unhealthy", "Liveness probe failed: Get \"http://" + addr + "/healthz\": dial tcp " + addr +
                                         ": connect: connection refused"))
      << events_text();
  EXPECT_TRUE(has_event("Unhealthy", "Readiness probe failed: dial tcp " + addr + ": connect: connection refused"))
      << events_text();
  ASSERT_TRUE(tick_until([&] { return status0()["restartCount"].get<int>() >= 1; })) << events_text();
}

TEST_F(OrchProbesTest, StartupGatesLivenessAndReadiness) {
  std::string started = (ctl_dir_ / "started").string();
  apply_ok(server("web", "        startupProbe:\n          exec: {command: [test, -f, \"" + started + "\"]}\n"
                         "          periodSeconds: 1\n          failureThreshold: 100\n"
                         "        livenessProbe:\n          exec: {command: [\"false\"]}\n          periodSeconds: 1\n"
                         "        readinessProbe:\n          httpGet: {path: /, port: http}\n          periodSeconds: 1\n"));
  advance(seconds(0));
  // The exec probes run in real time on the prober pool: tick until the startup probe has
  // failed (a fixed 5 x 50 ms wait was too short on a loaded machine).
  ASSERT_TRUE(tick_until([&] { return has_event("Unhealthy", "Startup probe failed"); })) << events_text();
  // Not started: liveness (which would fail) and readiness do not run.
  EXPECT_FALSE(status0()["started"].get<bool>());
  EXPECT_FALSE(status0()["ready"].get<bool>());
  EXPECT_FALSE(has_event("Unhealthy", "Liveness probe failed")) << events_text();
  // Once started, liveness (`false`) kills the container after three ticks: the server must be
  // listening before then for readiness to pass, so wait for it (real time) first.
  ASSERT_TRUE(listening());
  touch("started");
  ASSERT_TRUE(tick_until([&] { return status0()["started"].get<bool>(); })) << events_text();
  ASSERT_TRUE(tick_until([&] { return status0()["ready"].get<bool>(); })) << events_text();
  // Now liveness runs, and `false` fails it three times (the default threshold).
  ASSERT_TRUE(tick_until([&] { return has_event("Killing", "Container app failed liveness probe, will be restarted"); }))
      << events_text();
}

TEST_F(OrchProbesTest, StartupFailureRestartsWithBackOff) {
  apply_ok(server("web", "        startupProbe:\n          exec: {command: [sh, -c, \"echo not yet; exit 1\"]}\n"
                         "          periodSeconds: 1\n          failureThreshold: 2\n"));
  advance(seconds(0));
  ASSERT_TRUE(tick_until([&] { return has_event("Killing", "Container app failed startup probe, will be restarted"); }))
      << events_text();
  EXPECT_TRUE(has_event("Unhealthy", "Startup probe failed: not yet")) << events_text();
  ASSERT_TRUE(tick_until([&] { return status0()["restartCount"].get<int>() >= 1; })) << events_text();
  // Fails again: the second restart waits in CrashLoopBackOff.
  ASSERT_TRUE(tick_until([&] {
    json st = status0()["state"];
    return st.contains("waiting") && st["waiting"]["reason"] == "CrashLoopBackOff";
  })) << status0().dump();
}

TEST_F(OrchProbesTest, ThresholdsAndInitialDelayOnTheManualClock) {
  test_listener l;
  apply_ok(echo("        readinessProbe:\n          tcpSocket: {port: " + std::to_string(l.port()) +
                "}\n          initialDelaySeconds: 20\n          periodSeconds: 10\n          successThreshold: 3\n"
                "          failureThreshold: 2\n"));
  advance(seconds(0));
  EXPECT_TRUE(status0()["state"].contains("running")) << status0().dump();
  EXPECT_FALSE(status0()["ready"].get<bool>());
  EXPECT_EQ(probe_view("readiness")["result"], "Failure");  // the initial value
  advance(seconds(19));
  settle([] { return false; }, std::chrono::milliseconds(100));
  EXPECT_EQ(probes_run("readiness"), 0u);  // within initialDelaySeconds
  step(seconds(1), "readiness");            // t=20: the first probe, refused
  EXPECT_TRUE(has_event("Unhealthy", "Readiness probe failed: dial tcp 127.0.0.1:" + std::to_string(l.port()) +
                                         ": connect: connection refused"))
      << events_text();
  l.open();
  step(seconds(10), "readiness");
  EXPECT_EQ(probe_view("readiness")["consecutive"], 1);
  EXPECT_FALSE(status0()["ready"].get<bool>());  // successThreshold 3
  step(seconds(10), "readiness");
  EXPECT_FALSE(status0()["ready"].get<bool>());
  step(seconds(10), "readiness");
  EXPECT_TRUE(status0()["ready"].get<bool>()) << status0().dump();
  EXPECT_EQ(ready_pods("default"), 1);
  l.close();
  step(seconds(10), "readiness");
  EXPECT_TRUE(status0()["ready"].get<bool>());  // one failure < failureThreshold 2
  step(seconds(10), "readiness");
  EXPECT_FALSE(status0()["ready"].get<bool>());
  EXPECT_EQ(ready_pods("default"), 0);
  auto dep = ctl_->get("deployment", "default", "echo");
  EXPECT_FALSE((*dep)["object"]["status"].contains("readyReplicas"));
}

TEST_F(OrchProbesTest, LivenessFailureRestartsThroughTheCrashBackOff) {
  test_listener l;  // never opened: every probe is refused
  apply_ok(echo("        livenessProbe:\n          tcpSocket: {port: " + std::to_string(l.port()) +
                "}\n          periodSeconds: 5\n          failureThreshold: 1\n"));
  advance(seconds(0));
  ASSERT_TRUE(settle([&] { return status0()["restartCount"] == 1; })) << status0().dump() << events_text();
  EXPECT_TRUE(has_event("Killing", "Container main failed liveness probe, will be restarted")) << events_text();
  EXPECT_EQ(status0()["lastState"]["terminated"]["reason"], "Completed");  // hayloft/echo exits 0 on stop
  // Probed again at once (a new container), killed again: now it waits out the back-off.
  ASSERT_TRUE(settle([&] {
    json st = status0()["state"];
    return st.contains("waiting") && st["waiting"]["reason"] == "CrashLoopBackOff";
  })) << status0().dump();
  EXPECT_EQ(status0()["state"]["waiting"]["message"].get<std::string>().rfind("back-off 10s restarting failed container=main", 0), 0u);
  EXPECT_FALSE(status0()["ready"].get<bool>());
  advance(seconds(10));
  ASSERT_TRUE(settle([&] { return status0()["restartCount"] == 2; })) << status0().dump();
}

TEST_F(OrchProbesTest, ExecProbesOfBuiltinsWarnAndSucceed) {
  auto r = apply_ok(echo("        readinessProbe:\n          exec: {command: [\"false\"]}\n          periodSeconds: 1\n"));
  bool warned = false;
  for (const auto& w : r["warnings"])
    warned = warned || w.get<std::string>().find("readinessProbe.exec: the built-in workload \"hayloft/echo\" runs "
                                                 "in-process; exec probes are not run and always succeed") !=
                           std::string::npos;
  EXPECT_TRUE(warned) << r.dump();
  advance(seconds(0));
  ASSERT_TRUE(settle([&] { return status0()["ready"] == true; })) << status0().dump();
  EXPECT_EQ(probe_view("readiness")["result"], "Success");
}

}  // namespace
}  // namespace hayloft::orchestrator::testing
