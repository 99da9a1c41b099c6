#include "orchestrator/pods/in_process.h"

#include <pthread.h>
#include <time.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "emulator/core/cpu_account.h"

namespace hayloft::orchestrator::pods {
namespace {

// Shared between the container handle and its thread, which may outlive the handle when the
// workload is abandoned.
struct workload_state {
  std::mutex state_mutex;  // guards ready, exit, cpu_clock, cpu_at_exit
  std::condition_variable changed;
  bool ready = false;
  std::optional<exit_info> exit;
  // The workload thread's CPU clock while it runs (the thread sets exit, under the mutex, only
  // after reading its final CPU time into cpu_at_exit, so a reader holding the mutex who sees no
  // exit reads the clock of a live thread).
  std::optional<clockid_t> cpu_clock;
  std::uint64_t cpu_at_exit = 0;
  // Pool work done for the workload on other threads (its embedder's forward passes).
  core::cpu_account charged;
  std::stop_source stop;
  container_callbacks callbacks;
};

class workload_container final : public container {
 public:
  workload_container(std::shared_ptr<workload_state> s, std::thread t) : state_(std::move(s)), thread_(std::move(t)) {}
  ~workload_container() override {
    state_->stop.request_stop();
    if (!thread_.joinable()) return;
    if (exited())
      thread_.join();
    else
      thread_.detach();  // abandoned: it holds its own state
  }
  void terminate() override { state_->stop.request_stop(); }
  void kill() override {
    state_->stop.request_stop();
    if (thread_.joinable() && !exited()) thread_.detach();
  }
  bool ready() const override {
    std::lock_guard lock(state_->state_mutex);
    return state_->ready;
  }
  std::optional<exit_info> exited() const override {
    std::lock_guard lock(state_->state_mutex);
    return state_->exit;
  }
  bool wait_exit(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(state_->state_mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return state_->exit.has_value(); });
  }
  // The workload thread's CPU time plus what pools charged to it (core::cpu_account).
  std::optional<std::uint64_t> cpu_time_ns() const override {
    std::lock_guard lock(state_->state_mutex);
    std::uint64_t own = state_->cpu_at_exit;
    if (!state_->exit && state_->cpu_clock) {
      timespec ts{};
      if (::clock_gettime(*state_->cpu_clock, &ts) == 0)
        own = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
    }
    return own + state_->charged.value();
  }
  std::optional<int> pid() const override { return std::nullopt; }

 private:
  std::shared_ptr<workload_state> state_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<container> start_workload(const workload_main& main, pod_context ctx, std::shared_ptr<log_file> log,
                                          container_callbacks callbacks, std::chrono::milliseconds start_wait) {
  auto state = std::make_shared<workload_state>();
  state->callbacks = std::move(callbacks);
  ctx.stop = state->stop.get_token();
  ctx.log = [log](std::string_view line) { log->append_line(line); };
  std::weak_ptr<workload_state> weak = state;
  ctx.ready = [weak] {
    auto s = weak.lock();
    if (!s) return;
    {
      std::lock_guard lock(s->state_mutex);
      if (s->ready) return;
      s->ready = true;
    }
    s->changed.notify_all();
    if (s->callbacks.on_ready) s->callbacks.on_ready();
  };
  std::thread t([state, main, ctx = std::move(ctx), log]() mutable {
    {
      clockid_t id;
      std::lock_guard lock(state->state_mutex);
      if (::pthread_getcpuclockid(::pthread_self(), &id) == 0) state->cpu_clock = id;
    }
    core::cpu_account::scope account(&state->charged);
    int code;
    std::string message;
    try {
      code = main(ctx);
    } catch (const std::exception& e) {
      code = 2;
      message = std::string("panic: ") + e.what();
      log->append_line(message);
    } catch (...) {
      code = 2;
      message = "panic: unknown exception";
      log->append_line(message);
    }
    {
      std::uint64_t cpu = core::thread_cpu_ns();
      std::lock_guard lock(state->state_mutex);
      state->cpu_at_exit = cpu;
      state->exit = exit_info{code, code == 0 ? "Completed" : "Error", message};
      state->ready = false;
    }
    state->changed.notify_all();
    if (state->callbacks.on_exit) state->callbacks.on_exit();
  });
  {
    std::unique_lock lock(state->state_mutex);
    state->changed.wait_for(lock, start_wait, [&] { return state->ready || state->exit.has_value(); });
  }
  return std::make_unique<workload_container>(std::move(state), std::move(t));
}

}  // namespace hayloft::orchestrator::pods
