#pragma once
// The load engine: USERS simulated users, each a C++20 coroutine with its own keep-alive
// HTTP/1.1 connection (Beast), spread over one io_context per thread (one thread per core by
// default). No thread per user and no lock on the request path except one uncontended mutex
// per thread around its statistics, which the reporting thread takes once a second.
//
// Each user starts at its ramp-up time (stats.h), then loops until the run time is over: take
// the next request of its request_cycle, send it (connecting first if needed, the connect time
// counts in the latency as Locust counts it), read the whole response, record latency, status
// and body size, wait the think time. A transport error or a status >= 400 is a failure; after a
// transport error or "Connection: close" the user reconnects for its next request. When the run
// time is over every connection is closed at once and requests still in flight are not counted.
//
// Time is the real steady clock, on purpose: a load test measures real latency, so there is no
// fake clock to inject; the pure parts (ramp-up schedule, histograms, report) are tested alone.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/http/load/request_file.h"
#include "emulator/http/load/stats.h"

namespace hayloft::http::load {

struct load_options {
  std::string url;  // http://host[:port][/prefix]; the prefix is prepended to every path
  unsigned users = 1;
  double spawn_rate = 1;  // users started per second
  std::chrono::milliseconds run_time{std::chrono::seconds(60)};
  std::chrono::milliseconds think_time{0};
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // per request
  unsigned threads = 0;  // 0: one per core
  std::vector<request_spec> requests;
};

// Called on the thread that called run(), about once a second: the cumulative snapshot now and
// the one of the previous call (empty counts at the first call).
using tick_fn = std::function<void(const snapshot& now, const snapshot& previous)>;

// Runs one load test; blocks for the run time. Fails (errc::bad_options, errc::unreachable)
// before sending any load when the options are inconsistent, the URL is not plain http, or no
// TCP connection to the target can be made. Returns the final cumulative snapshot.
result<snapshot> run_load_test(const load_options& opts, const tick_fn& on_tick);

}  // namespace hayloft::http::load
