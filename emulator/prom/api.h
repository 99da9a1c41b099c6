#pragma once
// The Prometheus HTTP API (v1) over a series_store, answering what http::route::prometheus
// routes here:
//   GET|POST /api/v1/query         query, time                 -> vector | scalar | matrix | string
//   GET|POST /api/v1/query_range   query, start, end, step     -> matrix
//   GET|POST /api/v1/series        match[] (1+), start, end    -> [{label: value}]
//   GET|POST /api/v1/labels        match[] (optional), start, end -> [name]
//   GET      /api/v1/label/<name>/values                       -> [value]
//   GET      /api/v1/targets       the scraper's targets (when one is attached)
// Parameters come from the query string and, for POST, an application/x-www-form-urlencoded
// body. Responses have Prometheus' JSON shape; errors are
// {"status":"error","errorType":"bad_data","error":"..."} with 400 (422 for execution errors,
// 404 for unknown endpoints).
//
// Threading: handle() may be called from any thread; with a task_runner the evaluation runs
// there (a range query can be CPU-heavy), otherwise inline. serve() is the pure part.
#include <cstdint>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"
#include "emulator/prom/promql_eval.h"
#include "emulator/prom/series_store.h"

namespace hayloft::prom {

class scraper;

class api_handler final : public core::request_handler {
 public:
  // store, clock, runner and scraper must outlive the handler; runner and scraper are optional.
  api_handler(const series_store& store, core::clock& clock, core::task_runner* runner = nullptr,
              const scraper* targets = nullptr, eval_options opts = {});

  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

  core::response serve(const core::request& req) const;

 private:
  const series_store& store_;
  core::clock& clock_;
  core::task_runner* runner_;
  const scraper* scraper_;
  eval_options opts_;
};

}  // namespace hayloft::prom
