#pragma once
// The dashboard: GET /_hayloft/ui (one self-contained HTML page: no CDN, no external fonts or
// scripts, works offline) and GET /_hayloft/overview (the JSON snapshot of overview.h plus the
// history ring), which the page polls every second and `hayloft status` prints.
//
//   GET /_hayloft/overview[?history=0]  -> build_overview(...) + {"history": history::to_json,
//                                          "clock": {"kind", "rate"}}
//
// The dashboard knows no service: the app binds a snapshot_provider to S3, SQS and the
// orchestrator. Threading: handle() runs on an I/O thread and posts the provider call to the
// `pool` task_runner; the history sampler calls the provider (detail::sampling) on the same pool
// every options::interval of clock time. The destructor stops the sampler and waits for every
// provider call in flight, so destroy the dashboard before whatever the provider uses.
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"
#include "emulator/dashboard/history.h"
#include "emulator/dashboard/overview.h"

namespace hayloft::dashboard {

// The embedded page (emulator/dashboard/ui.html, compiled into the binary).
std::string_view ui_page();

class dashboard final : public core::request_handler {
 public:
  // Called on a `pool` thread; may block briefly (SQLite reads, service locks).
  using snapshot_provider = std::function<snapshot(detail)>;
  struct options {
    core::duration interval = std::chrono::seconds(2);  // history sampling, clock time
    core::duration window = std::chrono::minutes(10);   // history kept, clock time
    overview_options overview;
  };

  dashboard(core::clock& clock, core::task_runner& pool, snapshot_provider provider, options opts);
  ~dashboard() override;
  dashboard(const dashboard&) = delete;
  dashboard& operator=(const dashboard&) = delete;

  // Starts the history sampler (first sample now).
  void start();
  // Forgets the history (POST /_hayloft/reset).
  void reset() { history_.clear(); }

  // Serves /_hayloft/ui and /_hayloft/overview; anything else under them is 404.
  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

  // The overview document; blocking (calls the provider on the calling thread).
  nlohmann::json overview(bool with_history);

 private:
  struct tracker;

  core::clock& clock_;
  core::task_runner& pool_;
  snapshot_provider provider_;
  options opts_;
  history history_;
  std::shared_ptr<tracker> tracker_;
  std::unique_ptr<history_sampler> sampler_;
};

}  // namespace hayloft::dashboard
