// Pod start latency and control-loop cost. Run: build/bench/orchestrator/orchestrator_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "orchestrator/controller/controller.h"
#include "orchestrator/errc.h"
#include "orchestrator/pods/in_process.h"
#include "orchestrator/pods/process.h"
#include "orchestrator/scaling/hpa.h"

namespace {

using namespace hayloft;
using namespace hayloft::orchestrator;
namespace fs = std::filesystem;

fs::path scratch() {
  fs::path p = fs::temp_directory_path() / ("hayloft-bench-" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

// Time from asking for an in-process pod to its workload reporting ready.
void BM_InProcessPodStart(benchmark::State& state) {
  pods::workload_registry reg;
  pods::add_test_workloads(reg);
  auto log = std::make_shared<pods::log_file>(scratch() / "inproc.log");
  for (auto _ : state) {
    auto c = pods::start_workload(*reg.find("hayloft/echo"), pods::pod_context{}, log, {}, std::chrono::seconds(5));
    benchmark::DoNotOptimize(c->ready());
    state.PauseTiming();
    c->terminate();
    c->wait_exit(std::chrono::seconds(5));
    c.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_InProcessPodStart)->Unit(benchmark::kMicrosecond);

// Time for a host-process pod to be forked and running (shim + exec handshake), and to exit.
void BM_ProcessPodStartAndExit(benchmark::State& state) {
  pods::process_runtime rt;
  auto log = std::make_shared<pods::log_file>(scratch() / "proc.log");
  for (auto _ : state) {
    auto c = rt.start({{"/bin/true"}, {}, ""}, log, {});
    if (!c) state.SkipWithError(c.err().message.c_str());
    (*c)->wait_exit(std::chrono::seconds(5));
  }
}
BENCHMARK(BM_ProcessPodStartAndExit)->Unit(benchmark::kMicrosecond);

// One HPA sync decision with a stabilisation window full of recommendations.
void BM_HpaReconcile(benchmark::State& state) {
  scaling::memory mem;
  core::time_point t{};
  std::int32_t current = 2;
  for (auto _ : state) {
    t += std::chrono::seconds(15);
    scaling::sync_input in{current, 1, 10, std::nullopt,
                           {{"m", scaling::external_average_replicas(current, 10000, 25000, {}, nullptr), "", ""}}, t};
    auto d = scaling::reconcile(in, mem);
    benchmark::DoNotOptimize(d.desired);
  }
}
BENCHMARK(BM_HpaReconcile);

class queues final : public queue_metrics {
 public:
  result<queue_counts> counts(std::string_view) override { return queue_counts{25, 0, 0}; }
};

// One 30 s span of the control loop (a KEDA poll and two HPA syncs per ScaledObject) divided by
// the number of ScaledObjects, with their deployments already at the HPA's answer.
void BM_ControlLoopPerObject(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto dir = scratch() / ("loop-" + std::to_string(n));
  auto store = store::state_store::open({dir, false});
  auto clock = core::make_manual_clock();
  queues q;
  pods::workload_registry reg;
  pods::add_test_workloads(reg);
  options o;
  o.log_dir = dir / "logs";
  controller c(**store, *clock, q, reg, o);
  (void)c.start();
  std::string yaml;
  for (int i = 0; i < n; ++i) {
    std::string name = "app" + std::to_string(i);
    yaml += "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
            "}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: " + name + "}}\n  template:\n    metadata: {labels: {app: " +
            name + "}}\n    spec: {containers: [{name: c, image: hayloft/echo}]}\n";
    yaml += "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: " + name +
            "}\nspec:\n  scaleTargetRef: {name: " + name + "}\n  maxReplicaCount: 3\n  triggers:\n  - type: aws-sqs-queue\n"
            "    metadata: {queueURL: q, awsRegion: r, queueLength: \"10\"}\n";
  }
  (void)c.apply(yaml, "", false);
  clock->advance(std::chrono::seconds(60));  // settle at 3 replicas each
  for (auto _ : state) clock->advance(std::chrono::seconds(30));
  state.counters["per_object_us"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  c.stop();
}
BENCHMARK(BM_ControlLoopPerObject)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
