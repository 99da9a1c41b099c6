// s3::service::handle() throughput for 4 KiB objects, the path the HTTP edge calls:
//   BM_Get4K/cache:1   GET of a hot small object (served from the object cache)
//   BM_Get4K/cache:0   the same with the cache off (one indexed SQLite read per GET)
//   BM_Head4K          HEAD (no body copy)
//   BM_Put4K/durable:1 PutObject with fsync'd group commit, N concurrent writers
//   BM_Put4K/durable:0 PutObject on an --in-memory style store (no fsync)
// Run: s3_service_bench [--benchmark_filter=...]; results are per handle() call, including
// building the request value as the edge does (BM_MakeRequest measures that part alone).
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/ids.h"
#include "emulator/store/state_store.h"
#include "s3/service/service.h"

namespace {
using namespace hayloft;

class pool_runner : public core::task_runner {
 public:
  pool_runner() : worker_([this] { run(); }) {}
  ~pool_runner() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  void post(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(fn));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }
  std::mutex mutex_;  // guards queue_, stop_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

struct world {
  world(bool durable, bool cache) {
    dir = std::filesystem::temp_directory_path() / ("hayloft-s3-bench-" + core::random_hex(6));
    store = std::move(store::state_store::open({.dir = dir, .durable = durable})).value();
    clock = core::make_system_clock();
    s3::options o;
    if (!cache) o.cache_bytes = 0;
    svc = std::make_unique<s3::service>(*store, *clock, runner, o);
    (void)svc->create_bucket("bench");
  }
  ~world() {
    svc.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  pool_runner runner;
  std::unique_ptr<store::state_store> store;
  std::unique_ptr<core::clock> clock;
  std::unique_ptr<s3::service> svc;
};

core::request make(std::string method, std::string target, std::string body = {}) {
  core::request req;
  req.method = std::move(method);
  core::parse_target(target, req);
  req.headers.add("Host", "localhost:4566");
  req.headers.add("User-Agent", "Boto3/1.43.11 md/Botocore#1.43.11");
  req.headers.add("X-Amz-Date", "20260101T000000Z");
  req.headers.add("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  if (!body.empty()) req.headers.add("Content-Length", std::to_string(body.size()));
  req.body_size = body.size();
  req.body = std::move(body);
  req.request_id = "0123456789ABCDEF";
  return req;
}

void BM_MakeRequest(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(make("GET", "/bench/obj/4k"));
}
BENCHMARK(BM_MakeRequest);

void BM_Get4K(benchmark::State& state) {
  world w(false, state.range(0) != 0);
  (void)w.svc->put_object("bench", "obj/4k", std::string(4096, 'x'), "application/octet-stream");
  std::size_t bytes = 0;
  for (auto _ : state) {
    w.svc->handle(make("GET", "/bench/obj/4k"), [&bytes](core::response r) { bytes += r.body.size(); });
  }
  if (bytes != 4096 * static_cast<std::size_t>(state.iterations())) state.SkipWithError("short GET");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_Get4K)->ArgName("cache")->Arg(1)->Arg(0);

void BM_Head4K(benchmark::State& state) {
  world w(false, true);
  (void)w.svc->put_object("bench", "obj/4k", std::string(4096, 'x'), "application/octet-stream");
  for (auto _ : state) {
    w.svc->handle(make("HEAD", "/bench/obj/4k"), [](core::response r) { benchmark::DoNotOptimize(r.status); });
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Head4K);

// N writers each keep one PutObject in flight (as N client connections would).
void BM_Put4K(benchmark::State& state) {
  world w(state.range(0) != 0, true);
  const int writers = static_cast<int>(state.range(1));
  const std::string body(4096, 'p');
  std::int64_t done_total = 0;
  for (auto _ : state) {
    std::atomic<int> outstanding{0};
    std::mutex m;
    std::condition_variable cv;
    const int per_iteration = 64;
    int started = 0;
    std::function<void()> start_one;
    start_one = [&] {
      int i;
      {
        std::lock_guard lock(m);
        if (started == per_iteration) return;
        i = started++;
      }
      ++outstanding;
      w.svc->handle(make("PUT", "/bench/put/" + std::to_string(i % 512), body), [&](core::response r) {
        if (r.status != 200) state.SkipWithError("PUT failed");
        start_one();
        if (--outstanding == 0) {
          std::lock_guard lock(m);
          cv.notify_all();
        }
      });
    };
    for (int i = 0; i < writers; ++i) start_one();
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started == per_iteration && outstanding == 0; });
    done_total += per_iteration;
  }
  state.SetItemsProcessed(done_total);
}
BENCHMARK(BM_Put4K)->ArgNames({"durable", "writers"})->Args({0, 1})->Args({0, 16})->Args({1, 1})->Args({1, 16})
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
