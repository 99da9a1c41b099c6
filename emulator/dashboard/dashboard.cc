#include "emulator/dashboard/dashboard.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>

namespace hayloft::dashboard {
namespace {

core::response json_reply(unsigned status, const nlohmann::json& body) {
  core::response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Cache-Control", "no-store");
  r.body = body.dump() + "\n";
  return r;
}

core::response error_reply(unsigned status, const std::string& code, const std::string& message) {
  return json_reply(status, {{"error", {{"code", code}, {"message", message}}}});
}

// "/_hayloft/ui" -> "ui"; "/_hayloft/overview/x" -> "overview/x".
std::string_view route_of(std::string_view path) {
  constexpr std::string_view prefix = "/_hayloft/";
  if (path.starts_with(prefix)) path.remove_prefix(prefix.size());
  while (path.ends_with('/')) path.remove_suffix(1);
  return path;
}

}  // namespace

// Counts overview requests handed to the pool, so the destructor can wait for them.
struct dashboard::tracker {
  std::mutex requests_mutex;  // guards stopped and running
  std::condition_variable idle;
  bool stopped = false;
  int running = 0;
};

dashboard::dashboard(core::clock& clock, core::task_runner& pool, snapshot_provider provider,
                     options opts)
    : clock_(clock),
      pool_(pool),
      provider_(std::move(provider)),
      opts_(opts),
      history_(opts.window),
      tracker_(std::make_shared<tracker>()) {
  sampler_ = std::make_unique<history_sampler>(
      clock_, pool_, opts_.interval,
      [this] {
        return history_points(
            build_overview(provider_(detail::sampling), clock_.now(), opts_.overview));
      },
      history_);
}

dashboard::~dashboard() {
  sampler_.reset();
  std::unique_lock lock(tracker_->requests_mutex);
  tracker_->stopped = true;
  tracker_->idle.wait(lock, [this] { return tracker_->running == 0; });
}

void dashboard::start() { sampler_->start(); }

nlohmann::json dashboard::overview(bool with_history) {
  auto s = provider_(detail::full);
  auto now = clock_.now();
  auto j = build_overview(s, now, opts_.overview);
  j["clock"] = {{"kind", clock_.kind()}, {"rate", clock_.rate()}};
  if (with_history) {
    j["history"] = history_.to_json(now);
    j["history"]["interval_seconds"] = std::chrono::duration<double>(opts_.interval).count();
  }
  return j;
}

void dashboard::handle(core::request req, core::completion done) {
  auto route = route_of(req.path);
  bool get = req.method == "GET" || req.method == "HEAD";
  if (route == "ui") {
    if (!get) return done(error_reply(405, "MethodNotAllowed", "use GET"));
    core::response r;
    r.headers.add("Content-Type", "text/html; charset=utf-8");
    r.headers.add("Cache-Control", "no-store");
    // Everything the page needs is inline and it talks only to this origin.
    r.headers.add("Content-Security-Policy",
                  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  "connect-src 'self'; "
                  "img-src data:");
    if (req.method == "HEAD")
      r.head_length = ui_page().size();
    else
      r.body = std::string(ui_page());
    return done(std::move(r));
  }
  if (route != "overview")
    return done(error_reply(404, "NotFound", "no dashboard route " + std::string(route)));
  if (!get) return done(error_reply(405, "MethodNotAllowed", "use GET"));
  auto h = req.param("history");
  bool with_history = !h || (*h != "0" && *h != "false");
  {
    std::lock_guard lock(tracker_->requests_mutex);
    if (tracker_->stopped) return done(error_reply(503, "ServiceUnavailable", "shutting down"));
    ++tracker_->running;
  }
  pool_.post([this, t = tracker_, with_history, done = std::move(done)] {
    bool stopped;
    {
      std::lock_guard lock(t->requests_mutex);
      stopped = t->stopped;
    }
    core::response r;
    if (stopped) {
      r = error_reply(503, "ServiceUnavailable", "shutting down");
    } else {
      try {
        r = json_reply(200, overview(with_history));
      } catch (const std::exception& e) {
        r = error_reply(500, "InternalError", e.what());
      }
    }
    done(std::move(r));
    std::lock_guard lock(t->requests_mutex);
    --t->running;
    t->idle.notify_all();
  });
}

core::response dashboard::render_error(const core::request&, const core::aws_error& err) const {
  return error_reply(err.status, err.code, err.message);
}

}  // namespace hayloft::dashboard
