#include "emulator/app/serving_workload.h"

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <charconv>
#include <chrono>
#include <thread>

#include "consumer/serving/infer_queue.h"
#include "consumer/serving/protocol.h"
#include "consumer/serving/server_metrics.h"
#include "emulator/core/cpu_account.h"
#include "emulator/http/server.h"

namespace hayloft::app {
namespace {
namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

std::string env_or(const std::map<std::string, std::string>& env, const std::string& name, const std::string& fallback) {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// Charges the CPU time of the pod's I/O thread (parsing requests, writing replies) to the pod's
// account, as a delta since the last call, so the pod's CPU covers all of its work.
class io_cpu_meter {
 public:
  io_cpu_meter(std::thread& t, core::cpu_account* account) : account_(account) {
    if (account_ && ::pthread_getcpuclockid(t.native_handle(), &clock_) == 0) valid_ = true;
  }
  void charge() {
    if (!valid_) return;
    timespec ts{};
    if (::clock_gettime(clock_, &ts) != 0) return;
    auto now = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
    if (now > last_) account_->add(now - last_);
    last_ = now;
  }

 private:
  core::cpu_account* account_;
  clockid_t clock_{};
  bool valid_ = false;
  std::uint64_t last_ = 0;
};

struct infer_job {
  serving::infer_request request;
  core::completion done;
  steady::time_point arrived;
};

core::response to_response(serving::reply r) {
  core::response out;
  out.status = r.status;
  if (!r.body.empty()) out.headers.set("Content-Type", "application/json");
  out.body = std::move(r.body);
  return out;
}

// The pod's HTTP endpoints; infer requests go to the queue, everything else is answered here on
// the I/O thread.
class serving_handler final : public core::request_handler {
 public:
  serving_handler(serving::model_info m, std::size_t capacity, std::string deployment)
      : model_(std::move(m)),
        queue_(capacity, [](const infer_job& j) { return j.request.texts.size(); }),
        metrics_(model_, std::move(deployment), [this] { return queue_.pending(); }) {}

  void handle(core::request req, core::completion done) override {
    auto started = steady::now();
    auto r = serving::classify(req.method, req.path);
    using k = serving::route_kind;
    switch (r.kind) {
      case k::not_found:
        return done(to_response(serving::error_reply(404, "Not Found")));
      case k::method_not_allowed:
        return done(to_response(serving::error_reply(405, "Method Not Allowed")));
      case k::server_metadata:
        return done(to_response({200, serving::server_metadata_json(HAYLOFT_VERSION)}));
      case k::live:
        return done(to_response({200, ""}));
      case k::ready:
        return done(to_response({loaded_ ? 200u : 400u, ""}));
      case k::metrics: {
        core::response out;
        out.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        out.body = metrics_.render();
        return done(std::move(out));
      }
      default:
        break;
    }
    if (auto bad = serving::check_model(model_, r)) {
      if (r.kind == k::infer) metrics_.request_done(bad->status, seconds_since(started), 0, 0);
      return done(to_response(std::move(*bad)));
    }
    if (r.kind == k::model_metadata) return done(to_response({200, serving::model_metadata_json(model_)}));
    if (r.kind == k::model_ready) return done(to_response({loaded_ ? 200u : 400u, ""}));
    // infer
    auto fail = [&](serving::reply e) {
      metrics_.request_done(e.status, seconds_since(started), 0, 0);
      done(to_response(std::move(e)));
    };
    if (!loaded_) return fail(serving::error_reply(503, "model '" + model_.name + "' is not ready"));
    auto parsed = serving::parse_infer(model_, req.body_text(), req.header("Inference-Header-Content-Length"));
    if (!parsed.request) return fail(std::move(parsed.error));
    infer_job job{std::move(*parsed.request), std::move(done), started};
    if (!queue_.push(job)) {
      metrics_.request_done(503, seconds_since(started), 0, 0);
      job.done(to_response(serving::error_reply(503, "Exceeds maximum queue size")));
    }
  }

  core::response render_error(const core::request&, const core::aws_error& err) const override {
    return to_response(serving::error_reply(err.status, err.message));
  }

  // Runs one batch of queued requests through the model and answers each; false when the
  // queue is stopped/closed and empty.
  bool serve_batch(const embed::embedder& model, std::size_t max_texts, std::stop_token stop) {
    auto batch = queue_.pop_batch(max_texts, stop);
    if (batch.empty()) return false;
    auto ran = steady::now();
    std::vector<std::string> texts;
    for (auto& j : batch)
      for (auto& t : j.request.texts) texts.push_back(std::move(t));
    auto rows = model.embed(texts);
    metrics_.executed();
    // A batch the model refuses (one text too large) is run again request by request, so one
    // bad request does not fail the others queued with it.
    bool alone = !rows.ok() && batch.size() > 1;
    std::size_t next = 0;
    for (auto& j : batch) {
      std::size_t n = j.request.texts.size();
      double queued_us = std::chrono::duration<double, std::micro>(ran - j.arrived).count();
      std::span<const std::string> mine(texts.data() + next, n);
      result<std::vector<embed::embedding>> own = alone ? model.embed(mine) : std::vector<embed::embedding>{};
      if (alone) metrics_.executed();
      const auto& got = alone ? own : rows;
      serving::reply r;
      if (!got.ok()) {
        r = serving::error_reply(got.err().code == embed::errc::input_too_large ? 400 : 500,
                                 "failed to run the model: " + got.err().message);
      } else {
        r = {200, serving::infer_response_json(model_, j.request, std::span(got->data() + (alone ? 0 : next), n))};
      }
      next += n;
      metrics_.request_done(r.status, seconds_since(j.arrived), queued_us, r.status < 400 ? n : 0);
      j.done(to_response(std::move(r)));
    }
    queue_.done();
    return true;
  }

  void set_loaded() { loaded_ = true; }
  void close() { queue_.close(); }
  std::size_t pending() const { return queue_.pending(); }

 private:
  static double seconds_since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

  serving::model_info model_;
  std::atomic<bool> loaded_{false};
  serving::infer_queue<infer_job> queue_;
  serving::server_metrics metrics_;
};

}  // namespace

std::optional<std::uint16_t> serving_port(const std::map<std::string, std::string>& env,
                                          const std::vector<std::string>& args) {
  std::string text = "8080";
  if (auto it = env.find("PORT"); it != env.end() && !it->second.empty()) {
    text = it->second;
  } else {
    for (std::size_t i = 0; i < args.size(); ++i) {
      for (std::string flag : {"--port", "--http-port"}) {
        if (args[i] == flag && i + 1 < args.size()) text = args[i + 1];
        else if (args[i].rfind(flag + "=", 0) == 0) text = args[i].substr(flag.size() + 1);
      }
    }
  }
  auto v = parse_uint(text, 65535);
  if (!v) return std::nullopt;
  return static_cast<std::uint16_t>(*v);
}

serving_bindings lazy_serving_bindings(lazy_embedder& e) {
  // Through the lazy embedder (loaded by then) so its latency reaches hayloft's /metrics too.
  return {e, [&e]() -> result<void> {
            auto m = e.get();
            if (!m.ok()) return m.err();
            return {};
          }};
}

orchestrator::pods::workload_main make_embedding_server_workload(serving_bindings b) {
  return [b](orchestrator::pods::pod_context& ctx) -> int {
    auto log = [&ctx](const std::string& line) { ctx.log(line); };
    auto port = serving_port(ctx.env, ctx.args);
    if (!port) {
      log("invalid port: PORT=\"" + env_or(ctx.env, "PORT", "") + "\" (want 1-65535)");
      return 1;
    }
    auto capacity = parse_uint(env_or(ctx.env, "MAX_QUEUE_SIZE", "1024"), 1 << 20);
    auto max_batch = parse_uint(env_or(ctx.env, "MAX_BATCH_SIZE", "64"), 4096);
    if (!capacity || *capacity == 0 || !max_batch || *max_batch == 0) {
      log("invalid MAX_QUEUE_SIZE or MAX_BATCH_SIZE (want positive integers)");
      return 1;
    }
    serving::model_info model;
    model.name = env_or(ctx.env, "MODEL_NAME", "use-lite");
    std::string deployment = serving::deployment_of_pod(ctx.pod_name, env_or(ctx.env, "DEPLOYMENT_NAME", ""));
    serving_handler handler(model, *capacity, deployment);

    asio::io_context ioc;
    http::server_options so;
    so.host = "127.0.0.1";
    so.port = *port;
    so.body_limit = 64ull << 20;
    so.spill_threshold = so.body_limit;  // infer bodies stay in memory
    http::server server(ioc, so, [&handler](const core::request&) -> core::request_handler* { return &handler; });
    std::uint16_t bound = 0;
    try {
      bound = server.listen();
    } catch (const std::exception& e) {
      log("cannot listen on 127.0.0.1:" + std::to_string(*port) + ": " + e.what());
      return 1;
    }
    auto guard = asio::make_work_guard(ioc);
    std::thread io([&ioc] { ioc.run(); });
    // After shutdown(): let every session end by itself (so no coroutine frame outlives the
    // server), then stop the I/O thread; ioc.stop() only for a connection that will not close.
    auto stop_io = [&] {
      guard.reset();
      auto until = steady::now() + std::chrono::seconds(2);
      while (server.connections() > 0 && steady::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (server.connections() > 0) ioc.stop();
      io.join();
    };
    log("listening on 127.0.0.1:" + std::to_string(bound) + " (KServe v2, model " + model.name + ")");

    if (b.load) {
      log("loading embedder...");
      if (auto loaded = b.load(); !loaded.ok()) {
        log("cannot load the embedder: " + loaded.err().message);
        server.shutdown();
        stop_io();
        return 1;
      }
    }
    handler.set_loaded();
    ctx.ready();
    log("ready: " + std::string(b.embedder.name()) + " serves model " + model.name);

    io_cpu_meter io_cpu(io, core::cpu_account::current());
    while (!ctx.stop.stop_requested()) {
      handler.serve_batch(b.embedder, *max_batch, ctx.stop);
      io_cpu.charge();
    }

    log("stopping: answering queued requests");
    server.shutdown();
    std::stop_source never;
    auto drain_until = steady::now() + std::chrono::seconds(10);
    // Requests read before the listener closed may still reach the queue: keep serving until
    // the server has no request in flight, then refuse anything later.
    while (steady::now() < drain_until && (server.busy() > 0 || handler.pending() > 0)) {
      if (handler.pending() > 0) handler.serve_batch(b.embedder, *max_batch, never.get_token());
      else std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    handler.close();
    while (handler.serve_batch(b.embedder, *max_batch, never.get_token())) {
    }
    io_cpu.charge();  // before the I/O thread ends (its clock goes with it)
    stop_io();
    log("stopped");
    return 0;
  };
}

}  // namespace hayloft::app
