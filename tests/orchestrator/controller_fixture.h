#pragma once
// A controller over a temporary state store, the manual clock, a fake queue and the test
// workloads, for controller-level tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "emulator/core/clock.h"
#include "orchestrator/controller/controller.h"
#include "orchestrator/errc.h"
#include "tests/orchestrator/test_paths.h"

namespace hayloft::orchestrator::testing {

class fake_queues final : public queue_metrics {
 public:
  result<queue_counts> counts(std::string_view name) override {
    std::lock_guard lock(queue_mutex_);
    ++reads_;
    if (failing_) return error{make_error_code(errc::not_found), "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist"};
    auto it = queues_.find(std::string(name));
    if (it == queues_.end())
      return error{make_error_code(errc::not_found), "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist"};
    return it->second;
  }
  void set(const std::string& name, std::int64_t visible, std::int64_t not_visible = 0, std::int64_t delayed = 0) {
    std::lock_guard lock(queue_mutex_);
    queues_[name] = {visible, not_visible, delayed};
  }
  void fail(bool f) {
    std::lock_guard lock(queue_mutex_);
    failing_ = f;
  }
  int reads() {
    std::lock_guard lock(queue_mutex_);
    return reads_;
  }

 private:
  std::mutex queue_mutex_;  // guards queues_, failing_, reads_
  std::map<std::string, queue_counts> queues_;
  bool failing_ = false;
  int reads_ = 0;
};

class OrchControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hayloft-orch-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir_);
    pods::add_test_workloads(workloads_);
    open_store();
    clock_ = core::make_manual_clock();
    start_controller();
  }
  void TearDown() override {
    ctl_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void open_store() {
    auto s = store::state_store::open({dir_ / "data", false});
    ASSERT_TRUE(s) << s.err().message;
    store_ = std::move(*s);
  }
  options make_options() {
    options o;
    o.image_map = {{"arzelaascoli/keda-haystack-consumer:latest", "hayloft/echo"}};
    o.log_dir = dir_ / "logs";
    o.shutdown_grace_cap = std::chrono::milliseconds(3000);
    return o;
  }
  void start_controller() {
    ctl_ = std::make_unique<controller>(*store_, *clock_, queues_, workloads_, make_options());
    auto r = ctl_->start();
    ASSERT_TRUE(r) << r.err().message;
  }
  // Restarts hayloft over the same data directory.
  void restart() {
    ctl_.reset();
    store_.reset();
    open_store();
    start_controller();
  }
  json apply_ok(const std::string& yaml, const std::string& ns = "", bool explicit_ns = false) {
    auto r = ctl_->apply(yaml, ns, explicit_ns);
    EXPECT_TRUE(r) << r.err().message;
    if (!r) return json();
    for (const auto& item : (*r)["items"]) EXPECT_FALSE(item.contains("error")) << item.dump();
    return *r;
  }
  std::string reference(const std::string& rel) { return read_file(manifests_dir() / rel); }
  void apply_reference() {
    apply_ok(reference("deployment-consumer.yaml"), "indexing", true);
    for (const char* f : {"keda/secrets-localstack.yaml", "keda/trigger-authentication.yaml", "keda/scaled-object-consumer.yaml"})
      apply_ok(reference(f), "indexing", true);
  }
  std::int32_t spec_replicas(const std::string& ns, const std::string& name) {
    auto g = ctl_->get("deployment", ns, name);
    EXPECT_TRUE(g);
    return g ? (*g)["object"]["spec"]["replicas"].get<std::int32_t>() : -1;
  }
  json pods(const std::string& ns) {
    auto g = ctl_->get("pods", ns, "");
    EXPECT_TRUE(g);
    return g ? (*g)["items"] : json::array();
  }
  int ready_pods(const std::string& ns) {
    int n = 0;
    for (const auto& p : pods(ns))
      if (!p["metadata"].contains("deletionTimestamp") && p["status"]["containerStatuses"][0]["ready"].get<bool>()) ++n;
    return n;
  }
  void advance(std::chrono::seconds s) { clock_->advance(s); }
  // Advances the manual clock by zero until cond holds (a real process exiting takes real time).
  template <class F>
  bool settle(F cond, std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      clock_->advance(std::chrono::seconds(0));
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::state_store> store_;
  std::unique_ptr<core::clock> clock_;
  fake_queues queues_;
  pods::workload_registry workloads_;
  std::unique_ptr<controller> ctl_;
};

}  // namespace hayloft::orchestrator::testing
