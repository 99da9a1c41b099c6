#pragma once
// `hayloft up`: builds every component, binds them together, serves until SIGINT/SIGTERM,
// then shuts down gracefully (stop accepting, finish requests in flight, stop pods).
//
// Threads: `io_threads` run the io_context (HTTP sessions, service handlers); a small blocking
// pool runs SQLite-heavy and file-heavy work; the store has its writer thread; the clock its
// timer thread.
#include <memory>

#include "emulator/app/options.h"

namespace hayloft::app {

class application {
 public:
  explicit application(up_options opts);
  ~application();
  // Runs until a shutdown signal; returns the process exit code.
  int run();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hayloft::app
