// PromQL evaluation cost: N counter series x 60 samples (15 s apart, the store's 15 min
// window), queried as the KEDA prometheus trigger and Grafana would. Run:
//   build/bench/prom/prom_bench
#include <benchmark/benchmark.h>

#include "emulator/prom/exposition.h"
#include "emulator/prom/promql_eval.h"
#include "emulator/prom/promql_parser.h"
#include "emulator/prom/series_store.h"

namespace {

using namespace hayloft::prom;

constexpr std::int64_t t0 = 1767225600000;
constexpr int samples_per_series = 60;
constexpr std::int64_t spacing_ms = 15000;

std::unique_ptr<series_store> make_store(int series) {
  auto store = std::make_unique<series_store>();
  for (int i = 0; i < series; ++i) {
    labels l({{"__name__", "requests_seconds_count"},
              {"deployment_name", i % 10 == 0 ? "cifar10" : "other-" + std::to_string(i % 7)},
              {"job", "job-" + std::to_string(i % 10)},
              {"pod", "pod-" + std::to_string(i)}});
    for (int s = 0; s < samples_per_series; ++s) store->append(l, t0 + s * spacing_ms, s * (i % 5 + 1.0));
  }
  return store;
}

constexpr std::int64_t query_time = t0 + (samples_per_series - 1) * spacing_ms;

void instant(benchmark::State& state, const char* query) {
  auto store = make_store(static_cast<int>(state.range(0)));
  auto e = parse_promql(query);
  if (!e) {
    state.SkipWithError(e.err().message.c_str());
    return;
  }
  evaluator ev(*store);
  for (auto _ : state) {
    auto v = ev.instant(**e, query_time);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SumByRate(benchmark::State& state) { instant(state, "sum by (job) (rate(requests_seconds_count[1m]))"); }
BENCHMARK(BM_SumByRate)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_AvgRateRegex(benchmark::State& state) {
  instant(state, "avg(rate(requests_seconds_count{deployment_name=~\"cifar10\"}[1m]))");
}
BENCHMARK(BM_AvgRateRegex)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_VectorDivision(benchmark::State& state) {
  instant(state, "requests_seconds_count / ignoring(job) (requests_seconds_count + 1)");
}
BENCHMARK(BM_VectorDivision)->Arg(1000)->Unit(benchmark::kMicrosecond);

// A dashboard panel: the 15 minutes at a 15 s step (60 instants).
void BM_RangeSumByRate(benchmark::State& state) {
  auto store = make_store(static_cast<int>(state.range(0)));
  auto e = parse_promql("sum by (job) (rate(requests_seconds_count[1m]))");
  evaluator ev(*store);
  for (auto _ : state) {
    auto v = ev.range(**e, t0, query_time, spacing_ms);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_RangeSumByRate)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ParseQuery(benchmark::State& state) {
  for (auto _ : state) {
    auto e = parse_promql("avg(rate(requests_seconds_count{deployment_name=~\"cifar10|resnet.*\"}[1m])) / 2");
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_ParseQuery);

// One scrape's worth of exposition text: 1,000 series.
void BM_ParseExposition(benchmark::State& state) {
  std::string body = "# TYPE requests_seconds_count counter\n";
  for (int i = 0; i < 1000; ++i)
    body += "requests_seconds_count{code=\"200\",path=\"/v2/models/m/infer\",pod=\"p" + std::to_string(i) + "\"} " +
            std::to_string(i * 17) + "\n";
  for (auto _ : state) {
    auto r = parse_exposition(body);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_ParseExposition)->Unit(benchmark::kMicrosecond);

}  // namespace
