#pragma once
// `hayloft up`: builds every component, binds them together, serves until SIGINT/SIGTERM,
// then shuts down gracefully (stop accepting, finish requests in flight, stop pods).
//
// Threads: `io_threads` run the io_context (HTTP sessions, service handlers); a small blocking
// pool runs SQLite-heavy and file-heavy work; the store has its writer thread; the clock its
// timer thread.
#include <cstdint>
#include <memory>

#include "emulator/app/options.h"

namespace hayloft::app {

class application {
 public:
  explicit application(up_options opts);
  ~application();
  // Runs until a shutdown signal; returns the process exit code.
  int run();
  // Embedded use (the C++ test kit): starts everything, I/O threads included, without taking
  // SIGINT/SIGTERM, and returns the bound port once it accepts. Throws std::runtime_error on a
  // configuration error, as run() does. Call once, from one thread; never with run().
  std::uint16_t start();
  // Shuts down as a signal would (requests in flight finish, pods stop) and waits for the I/O
  // threads. Idempotent; the destructor calls it.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hayloft::app
