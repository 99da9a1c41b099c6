#pragma once
// The shared document store: one PostgreSQL database that N consumer processes write to and any
// number of processes search (`hayloft up`, `hayloft search --docstore ...`).
//
// Writes (replace/remove/reset) are one transaction each: the source's row in hayloft_sources is
// locked (SELECT ... FOR UPDATE), its chunks of older ETags deleted and the new ones inserted,
// and the change sequence bumped, before the caller deletes its queue message. Racing
// consumers on one key: the newest object version (source_ref::version, the object's
// LastModified) wins; an older or identical version changes nothing. On equal versions with
// different ETags (LastModified has second resolution) the later commit wins.
//
// Change sequence: hayloft_docstore_counter.seq is bumped last in each write, under its row lock,
// so sequence order is commit order and a reader that has seen sequence N has seen every change
// up to N. Every chunk and source row carries the sequence of the write that made it; a removed
// source stays as a row with a NULL ETag (a tombstone) so readers learn of removals.
//
// Search (the default; pgvector is not used): a process that searches calls start_reader(),
// which bulk-loads every index's vectors (a binary cursor) into vector_index mirrors and then
// follows changes on its own thread: LISTEN hayloft_docstore (each write NOTIFYs its sequence),
// plus a catch-up every poll interval as a safety net. After a lost connection the reader
// reconnects with capped back-off and catches up from the last sequence it applied; meanwhile
// search() and available() fail with `unavailable` and the reason.
//
// Threading: thread-safe. Writes and queries use a pool of connections on the caller's thread;
// replace()'s callback runs on the caller's thread. The reader has its own thread and connection.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "consumer/docstore/document_store.h"
#include "consumer/docstore/pg_connection.h"
#include "consumer/docstore/vector_index.h"
#include "emulator/core/clock.h"

namespace hayloft::consumer {

struct pg_store_options {
  std::string conninfo;                         // libpq URL or key=value string
  std::size_t pool_size = 4;                    // connections for writes and queries
  std::chrono::milliseconds poll_interval{1000};  // reader catch-up without a NOTIFY
  std::chrono::milliseconds max_backoff{2000};    // reader reconnect back-off cap
};

class pg_document_store final : public document_store {
 public:
  pg_document_store(pg_store_options opts, core::clock& clock);
  ~pg_document_store() override;  // stops the reader

  result<void> migrate() override;
  // Loads every index's vectors (blocking) and starts following changes. Call once, in a process
  // that searches, after migrate().
  result<void> start_reader();
  // For a process that must start while the database cannot be reached (`up` keeps serving S3,
  // SQS and the orchestrator): the reader thread connects with capped back-off, migrates, loads
  // and then follows changes as start_reader() does. Until then every operation fails with
  // `unavailable` and `reason`, then with what the last attempt said.
  void start_when_reachable(std::string reason);

  void replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
               std::function<void(result<void>)> done) override;
  result<void> remove(const std::string& index, const std::string& bucket, const std::string& key) override;
  result<bool> is_indexed(const source_ref& src) override;
  result<std::vector<search_hit>> search(const query& q) override;
  result<std::vector<indexed_file>> files(const std::string& index) override;
  result<std::vector<index_info>> indexes() override;
  result<void> reset() override;
  result<void> available() override;
  result<void> ping() override;
  std::string describe() const override;

  // The change sequence the reader's mirrors reflect (0 before start_reader()).
  std::int64_t reader_sequence() const { return applied_seq_.load(); }
  // Blocks until the reader has applied `seq` or `timeout` passes; true when applied.
  bool wait_for_sequence(std::int64_t seq, std::chrono::milliseconds timeout);
  // The database's current change sequence.
  result<std::int64_t> sequence();

 private:
  // Runs fn(connection) on a pooled connection, once more on a fresh one when a reused
  // connection turns out dead.
  template <class F>
  auto with_conn(F&& fn) -> decltype(fn(std::declval<pg::pg_conn&>()));
  result<void> write_replace(pg::pg_conn& c, const source_ref& src, const std::string& model,
                             const std::vector<chunk_record>& chunks);
  result<std::int64_t> bump_and_notify(pg::pg_conn& c);
  result<void> catch_up(pg::pg_conn& c);
  void reader_loop();
  void set_unhealthy(std::string reason);

  pg_store_options opts_;
  core::clock& clock_;
  pg::pg_pool pool_;

  std::mutex mirrors_mutex_;  // guards mirrors_ (the map; each vector_index has its own lock)
  std::map<std::string, std::unique_ptr<vector_index>> mirrors_;
  std::atomic<std::int64_t> applied_seq_{0};
  std::atomic<bool> migrated_{false};  // the schema is current (migrate() or the reader did it)

  std::mutex health_mutex_;  // guards reader_started_, healthy_, reason_; applied_ signals progress
  std::condition_variable applied_;
  bool reader_started_ = false;
  bool healthy_ = false;
  std::string reason_ = "the document store is loading";

  std::unique_ptr<pg::pg_conn> reader_conn_;  // the reader thread's (owned by it once started)
  std::atomic<bool> stopping_{false};
  std::thread reader_;
};

}  // namespace hayloft::consumer
