// hayloft/embedding-server over a real socket: ready once listening and loaded, the v2 routes,
// /metrics, the pod's CPU time growing under load, and a stop that answers queued requests.
#include "emulator/app/serving_workload.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "consumer/embed/hash_embedder.h"
#include "emulator/http/client.h"
#include "orchestrator/pods/in_process.h"

namespace hayloft::app {
namespace {
namespace fs = std::filesystem;
namespace pods = orchestrator::pods;
using json = nlohmann::json;
using namespace std::chrono_literals;

// The hash embedder, optionally slow (so requests queue up behind a batch).
class test_embedder final : public embed::embedder {
 public:
  explicit test_embedder(std::chrono::milliseconds delay = 0ms) : delay_(delay) {}
  std::string_view name() const override { return inner_.name(); }
  std::size_t dimension() const override { return inner_.dimension(); }
  result<std::vector<embed::embedding>> embed(std::span<const std::string> texts) const override {
    std::this_thread::sleep_for(delay_);
    while (held) std::this_thread::sleep_for(1ms);
    batches++;
    return inner_.embed(texts);
  }
  mutable std::atomic<int> batches{0};
  std::atomic<bool> held{false};  // while true, every model execution waits

 private:
  embed::hash_embedder inner_;
  std::chrono::milliseconds delay_;
};

std::string infer_body(const std::vector<std::string>& texts) {
  return json{{"inputs", {{{"name", "text"}, {"shape", {texts.size()}}, {"datatype", "BYTES"}, {"data", texts}}}}}.dump();
}

struct running_server {
  running_server(const embed::embedder& e, std::map<std::string, std::string> env, std::function<result<void>()> load = {}) {
    bool loads = static_cast<bool>(load);
    dir = fs::temp_directory_path() / ("hayloft-serving-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    log = std::make_shared<pods::log_file>(dir / "log");
    pods::pod_context ctx;
    ctx.namespace_name = "default";
    ctx.pod_name = "embedder-6d5f7c9b8-q2w3e";
    ctx.container_name = "server";
    ctx.env = std::move(env);
    auto main = make_embedding_server_workload({e, std::move(load)});
    // Up to 5 s for ready (or exit); the port is in the "listening" log line, written first.
    container = pods::start_workload(main, std::move(ctx), log, {}, loads ? 100ms : 5s);
    std::regex re("listening on 127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 500 && port == 0 && !container->exited(); ++i) {
      std::smatch m;
      std::string text = log->read(0).data;
      if (std::regex_search(text, m, re)) port = std::stoi(m[1]);
      else std::this_thread::sleep_for(10ms);
    }
  }
  ~running_server() {
    container->terminate();
    container->wait_exit(10s);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  http::client client() const { return http::client("http://127.0.0.1:" + std::to_string(port), 10s); }

  fs::path dir;
  std::shared_ptr<pods::log_file> log;
  std::unique_ptr<pods::container> container;
  int port = 0;
};

TEST(ServingWorkload, ServesTheV2ProtocolOnItsPort) {
  test_embedder e;
  running_server s(e, {{"PORT", "0"}, {"MODEL_NAME", "embedder"}});
  ASSERT_GT(s.port, 0) << s.log->read(0).data;
  EXPECT_TRUE(s.container->ready());
  auto c = s.client();
  auto ready = c.get("/v2/health/ready");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200u);
  auto meta = c.get("/v2/models/embedder");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(json::parse(meta->body)["outputs"][0]["shape"], json::array({-1, 512}));
  auto server = c.get("/v2");
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(json::parse(server->body)["name"], "hayloft");

  auto r = c.post("/v2/models/embedder/infer", infer_body({"how do I reset my password"}));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200u) << r->body;
  auto out = json::parse(r->body)["outputs"][0];
  EXPECT_EQ(out["shape"], json::array({1, 512}));
  auto expected = embed::hash_embedder().embed_text("how do I reset my password");
  for (std::size_t i = 0; i < 512; ++i) ASSERT_EQ(out["data"][i].get<float>(), expected[i]);

  auto unknown = c.post("/v2/models/use-lite/infer", infer_body({"x"}));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 404u);
  EXPECT_EQ(json::parse(unknown->body)["error"], "Request for unknown model: 'use-lite' is not found");
  // The Content-Type does not matter (Triton reads the body as JSON).
  auto plain = c.post("/v2/models/embedder/infer", infer_body({"x", "y"}), "text/plain");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->status, 200u);
  auto wrong = c.post("/v2/models/embedder/infer", "{\"inputs\": 3}");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 400u);
  auto binary = c.request("POST", "/v2/models/embedder/infer", infer_body({"x"}), {{"Inference-Header-Content-Length", "10"}});
  ASSERT_TRUE(binary.ok());
  EXPECT_EQ(binary->status, 400u);

  auto metrics = c.get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find(R"(requests_seconds_count{code="200",deployment_name="embedder",model="embedder"} 2)"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find(R"(requests_seconds_count{code="404",deployment_name="embedder",model="embedder"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics->body.find(R"(nv_inference_count{model="embedder",version="1"} 3)"), std::string::npos);
}

TEST(ServingWorkload, ReadyOnlyAfterTheModelLoads) {
  test_embedder e;
  std::atomic<bool> release{false};
  running_server s(e, {{"PORT", "0"}}, [&release]() -> result<void> {
    while (!release) std::this_thread::sleep_for(5ms);
    return {};
  });
  ASSERT_GT(s.port, 0);
  EXPECT_FALSE(s.container->ready());
  auto c = s.client();
  auto live = c.get("/v2/health/live");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->status, 200u);
  auto ready = c.get("/v2/health/ready");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 400u);
  auto infer = c.post("/v2/models/use-lite/infer", infer_body({"x"}));
  ASSERT_TRUE(infer.ok());
  EXPECT_EQ(infer->status, 503u);
  release = true;
  for (int i = 0; i < 500 && !s.container->ready(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(s.container->ready());
  ready = c.get("/v2/health/ready");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200u);
}

TEST(ServingWorkload, FailedLoadFailsTheContainer) {
  test_embedder e;
  running_server s(e, {{"PORT", "0"}}, []() -> result<void> {
    return error{embed::errc::model_not_found, "no model.json"};
  });
  ASSERT_TRUE(s.container->wait_exit(5s));
  EXPECT_EQ(s.container->exited()->exit_code, 1);
  EXPECT_NE(s.log->read(0).data.find("cannot load the embedder: no model.json"), std::string::npos);
}

TEST(ServingWorkload, BadPortFailsTheContainer) {
  EXPECT_EQ(serving_port({}, {}), 8080);
  EXPECT_EQ(serving_port({{"PORT", "9000"}}, {"--port", "7000"}), 9000);
  EXPECT_EQ(serving_port({}, {"serve", "--port", "7000"}), 7000);
  EXPECT_EQ(serving_port({}, {"--port=7001"}), 7001);
  EXPECT_EQ(serving_port({}, {"tritonserver", "--model-repository=/models", "--http-port=8000"}), 8000);
  EXPECT_EQ(serving_port({}, {"--http-port", "8001"}), 8001);
  EXPECT_FALSE(serving_port({{"PORT", "http"}}, {}));
  EXPECT_FALSE(serving_port({{"PORT", "70000"}}, {}));
  test_embedder e;
  running_server s(e, {{"PORT", "nope"}});
  ASSERT_TRUE(s.container->wait_exit(5s));
  EXPECT_EQ(s.container->exited()->exit_code, 1);
}

TEST(ServingWorkload, CpuTimeGrowsUnderLoad) {
  test_embedder e;
  running_server s(e, {{"PORT", "0"}});
  ASSERT_GT(s.port, 0);
  auto before = s.container->cpu_time_ns();
  ASSERT_TRUE(before.has_value());
  std::vector<std::string> texts(32, std::string(2000, 'a'));
  for (std::size_t i = 0; i < texts.size(); ++i) texts[i] += " sentence " + std::to_string(i);
  auto c = s.client();
  std::uint64_t after = *before;
  for (int i = 0; i < 200 && after < *before + 20'000'000; ++i) {
    auto r = c.post("/v2/models/use-lite/infer", infer_body(texts));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200u);
    after = *s.container->cpu_time_ns();
  }
  EXPECT_GE(after, *before + 20'000'000) << "the workload thread did the embedding, its CPU clock must show it";
}

TEST(ServingWorkload, StopAnswersQueuedRequests) {
  test_embedder e(150ms);
  running_server s(e, {{"PORT", "0"}, {"MAX_BATCH_SIZE", "1"}});
  ASSERT_GT(s.port, 0);
  constexpr int n = 4;
  std::atomic<int> ok{0};
  std::vector<std::thread> users;
  for (int i = 0; i < n; ++i)
    users.emplace_back([&, i] {
      auto r = s.client().post("/v2/models/use-lite/infer", infer_body({"text " + std::to_string(i)}));
      if (r.ok() && r->status == 200) ok++;
    });
  // Wait until the requests are queued (the backlog gauge), then stop the pod.
  auto c = s.client();
  for (int i = 0; i < 1000; ++i) {
    auto m = c.get("/metrics");
    if (m.ok() && m->body.find("nv_inference_pending_request_count{model=\"use-lite\",version=\"1\"} 4") != std::string::npos)
      break;
    std::this_thread::sleep_for(5ms);
  }
  s.container->terminate();
  for (auto& t : users) t.join();
  EXPECT_EQ(ok.load(), n);
  ASSERT_TRUE(s.container->wait_exit(5s));
  EXPECT_EQ(s.container->exited()->exit_code, 0);
  EXPECT_EQ(e.batches.load(), n);
  auto after = s.client().get("/v2/health/live");
  EXPECT_FALSE(after.ok()) << "the listener is closed";
}

TEST(ServingWorkload, ATooLargeTextFailsOnlyItsOwnRequest) {
  test_embedder e(100ms);  // the first request runs while the next two queue up together
  running_server s(e, {{"PORT", "0"}});
  ASSERT_GT(s.port, 0);
  std::string huge(embed::embedder::max_text_bytes + 1, 'a');
  unsigned first = 0, bad = 0, good = 0;
  std::thread a([&] {
    auto r = s.client().post("/v2/models/use-lite/infer", infer_body({"first"}));
    first = r.ok() ? r->status : 0;
  });
  std::this_thread::sleep_for(20ms);
  std::thread b([&] {
    auto r = s.client().post("/v2/models/use-lite/infer", infer_body({huge}));
    bad = r.ok() ? r->status : 0;
  });
  std::thread c([&] {
    auto r = s.client().post("/v2/models/use-lite/infer", infer_body({"good"}));
    good = r.ok() ? r->status : 0;
  });
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(first, 200u);
  EXPECT_EQ(bad, 400u);
  EXPECT_EQ(good, 200u);
}

TEST(ServingWorkload, AFullQueueAnswers503AsTriton) {
  test_embedder e;
  e.held = true;  // the first request stays running until the third has been refused
  running_server s(e, {{"PORT", "0"}, {"MAX_QUEUE_SIZE", "1"}, {"MAX_BATCH_SIZE", "1"}});
  ASSERT_GT(s.port, 0);
  auto c = s.client();
  auto pending_is = [&](int n) {
    for (int i = 0; i < 1000; ++i) {
      auto m = c.get("/metrics");
      if (m.ok() && m->body.find("inference_queue_size{deployment_name=\"embedder\",model=\"use-lite\"} " +
                                 std::to_string(n) + "\n") != std::string::npos)
        return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  };
  unsigned a = 0, b = 0;
  std::thread ta([&] {
    auto r = s.client().post("/v2/models/use-lite/infer", infer_body({"a"}));
    a = r.ok() ? r->status : 0;
  });
  ASSERT_TRUE(pending_is(1));  // running
  std::thread tb([&] {
    auto r = s.client().post("/v2/models/use-lite/infer", infer_body({"b"}));
    b = r.ok() ? r->status : 0;
  });
  ASSERT_TRUE(pending_is(2));  // one running, one queued: the queue is full
  auto rejected = c.post("/v2/models/use-lite/infer", infer_body({"c"}));
  e.held = false;
  ta.join();
  tb.join();
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->status, 503u);
  EXPECT_EQ(json::parse(rejected->body)["error"], "Exceeds maximum queue size");
  EXPECT_EQ(a, 200u);
  EXPECT_EQ(b, 200u);
  auto m = c.get("/metrics");
  ASSERT_TRUE(m.ok());
  EXPECT_NE(m->body.find(R"(nv_inference_request_failure{model="use-lite",reason="REJECTED",version="1"} 1)"),
            std::string::npos)
      << m->body;
}

}  // namespace
}  // namespace hayloft::app
