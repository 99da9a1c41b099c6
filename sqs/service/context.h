#pragma once
// What every queue of one service shares: the store, the clock, the options, the message
// sequence counter, and the gate through which all writes are submitted (so that shutdown can
// refuse new writes and wait for the ones in flight).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "emulator/core/clock.h"
#include "emulator/store/state_store.h"

namespace hayloft::sqs {

struct options {
  std::string account_id = "000000000000";
  // Region of queues created by unsigned requests (LocalStack's default); a SigV4 credential
  // scope overrides it per request.
  std::string region = "us-east-1";
  // Upper bound of MaximumMessageSize and of a batch's total size: 1 MiB (1,048,576 bytes) since
  // August 2025 (API_SendMessage.html, API_SetQueueAttributes.html).
  std::int64_t max_message_size = 1048576;
  // AWS refuses a second PurgeQueue within 60 s (PurgeQueueInProgress) and re-creating a queue
  // within 60 s of deleting it (QueueDeletedRecently). LocalStack does neither by default, and
  // test suites that purge between tests depend on that, so both are off by default.
  bool delay_purge_retry = false;
  bool delay_recently_deleted = false;
  // Host used for queue URLs when a call carries no Host header (in-process callers).
  std::string default_host = "localhost:4566";
};

class context {
 public:
  context(hayloft::store::state_store& st, core::clock& clk, options o) : store(st), clock(clk), opts(std::move(o)) {}
  context(const context&) = delete;
  context& operator=(const context&) = delete;

  hayloft::store::state_store& store;
  core::clock& clock;
  const options opts;

  std::int64_t now_ms() const { return core::to_unix_ms(clock.now()); }
  std::int64_t next_seq() { return ++seq_; }
  void raise_seq(std::int64_t v) {
    auto cur = seq_.load();
    while (cur < v && !seq_.compare_exchange_weak(cur, v)) {
    }
  }

  // Queues a write through state_store::submit; `done` runs on the writer thread after the
  // commit. Returns false, queuing nothing, once close() has been called.
  bool submit(hayloft::store::state_store::job j, hayloft::store::state_store::done_fn done);
  // Refuses further writes and waits until every accepted one has completed. Blocking.
  void close();
  bool closing() const;

 private:
  std::atomic<std::int64_t> seq_{0};
  mutable std::mutex jobs_mutex_;  // guards pending_, closing_
  std::condition_variable jobs_cv_;
  std::size_t pending_ = 0;
  bool closing_ = false;
};

}  // namespace hayloft::sqs
