#include "orchestrator/pods/workload.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace hayloft::orchestrator::pods {
namespace {

std::mutex stubborn_mutex;  // guards stubborn_released
std::condition_variable stubborn_cv;
bool stubborn_released = false;

}  // namespace

void workload_registry::add(std::string image, workload_main main) { workloads_[std::move(image)] = std::move(main); }

const workload_main* workload_registry::find(std::string_view image) const {
  auto it = workloads_.find(image);
  return it == workloads_.end() ? nullptr : &it->second;
}

void release_stubborn_workloads() {
  {
    std::lock_guard lock(stubborn_mutex);
    stubborn_released = true;
  }
  stubborn_cv.notify_all();
}

void add_test_workloads(workload_registry& r) {
  r.add("hayloft/echo", [](pod_context& ctx) {
    ctx.log("started " + ctx.pod_name);
    for (const auto& [k, v] : ctx.env) ctx.log(k + "=" + v);
    ctx.ready();
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, ctx.stop, [] { return false; });
    ctx.log("stopping");
    return 0;
  });
  r.add("hayloft/crash", [](pod_context& ctx) {
    std::string line = "crashing";
    for (const auto& a : ctx.args) line += " " + a;
    ctx.log(line);
    return 1;
  });
  r.add("hayloft/stubborn", [](pod_context& ctx) {
    ctx.ready();
    std::unique_lock lock(stubborn_mutex);
    stubborn_cv.wait(lock, [] { return stubborn_released; });
    ctx.log("released");
    return 0;
  });
}

}  // namespace hayloft::orchestrator::pods
