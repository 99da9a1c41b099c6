#pragma once
// The Kubernetes front door over a controller on the manual clock with the test workloads
// (the reference image mapped to hayloft/echo), driven with request values: no socket.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "emulator/core/clock.h"
#include "orchestrator/controller/controller.h"
#include "orchestrator/errc.h"
#include "orchestrator/kube/kube_api.h"
#include "orchestrator/kube/stream.h"
#include "orchestrator/kube/tracker.h"
#include "orchestrator/objects/yaml_io.h"
#include "tests/orchestrator/test_paths.h"

namespace hayloft::orchestrator::kube::testing {

using orchestrator::testing::read_file;

class fixed_queues final : public queue_metrics {
 public:
  result<queue_counts> counts(std::string_view) override { return queue_counts{visible, 0, 0}; }
  std::int64_t visible = 0;
};

inline std::filesystem::path kube_testdata_dir() { return orchestrator::testing::source_dir() / "tests/kube/testdata"; }
inline std::filesystem::path kube_manifests_dir() { return orchestrator::testing::source_dir() / "tests/orchestrator/testdata/manifests"; }

struct reply {
  unsigned status = 0;
  json body;
  std::string text;
  core::response raw;
};

class KubeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hayloft-kube-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir_);
    pods::add_test_workloads(workloads_);
    auto s = store::state_store::open({dir_ / "data", false});
    ASSERT_TRUE(s) << s.err().message;
    store_ = std::move(*s);
    clock_ = core::make_manual_clock();
    options o;
    o.image_map = {{"arzelaascoli/keda-haystack-consumer:latest", "hayloft/echo"}};
    o.log_dir = dir_ / "logs";
    o.shutdown_grace_cap = std::chrono::milliseconds(3000);
    ctl_ = std::make_unique<controller>(*store_, *clock_, queues_, workloads_, o);
    api_ = std::make_unique<kube_api>(*ctl_, *clock_, api_options{std::chrono::milliseconds(0)});
    ctl_->set_loop_listener(api_->loop_listener());
    auto r = ctl_->start();
    ASSERT_TRUE(r) << r.err().message;
  }
  void TearDown() override {
    api_.reset();
    ctl_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  reply call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& content_type = "application/json", const std::string& accept = "application/json") {
    core::request req;
    req.method = method;
    EXPECT_TRUE(core::parse_target(std::string(kube_api::prefix) + target, req));
    req.headers.add("Accept", accept);
    if (!body.empty()) req.headers.add("Content-Type", content_type);
    req.body = body;
    req.body_size = body.size();
    reply out;
    api_->handle(std::move(req), [&](core::response r) { out.raw = std::move(r); });
    out.status = out.raw.status;
    out.text = out.raw.body;
    out.body = json::parse(out.raw.body, nullptr, false);
    return out;
  }
  reply get(const std::string& target, const std::string& accept = "application/json") {
    return call("GET", target, "", "", accept);
  }
  reply post(const std::string& target, const json& body) { return call("POST", target, body.dump()); }
  // A manifest from the reference application's YAML, as kubectl sends it (JSON).
  json manifest(const std::string& rel) {
    auto docs = objects_from(read_file(kube_manifests_dir() / rel));
    return docs.empty() ? json() : docs.front();
  }
  static std::vector<json> objects_from(const std::string& yaml) {
    auto docs = objects::parse_manifests(yaml);
    return docs ? *docs : std::vector<json>{};
  }
  void create_namespace(const std::string& ns) {
    auto r = post("/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    ASSERT_EQ(r.status, 201u) << r.text;
  }
  void advance(std::chrono::seconds s) { clock_->advance(s); }
  std::size_t objects_open() { return api_->objects().open_watches(); }

  std::filesystem::path dir_;
  std::unique_ptr<store::state_store> store_;
  std::unique_ptr<core::clock> clock_;
  fixed_queues queues_;
  pods::workload_registry workloads_;
  std::unique_ptr<controller> ctl_;
  std::unique_ptr<kube_api> api_;
};

}  // namespace hayloft::orchestrator::kube::testing
