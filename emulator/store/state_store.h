#pragma once
// The on-disk state of a hayloft process: `state.db` (SQLite, WAL) plus `blobs/`.
//
// Writes: one writer thread owns the only write connection and runs submitted jobs in
// submission order, many per transaction, each inside its own SAVEPOINT so one failing job does
// not undo the others. A job's completion runs after its transaction has committed (and, when
// durable, been fsynced), so many concurrent writers share one fsync (group commit).
// Completions run on the writer thread: they must be short (post to your own executor).
//
// Reads: reader() leases a read-only connection from a pool; any thread may read concurrently
// with the writer (WAL). A lease must not outlive the store.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "emulator/store/sqlite.h"

namespace hayloft::store {

// Object bytes as files named by random ids (never by user keys, so no key can name a path
// outside the data dir). Files are written to tmp/, fsynced and renamed into place.
class blob_store {
 public:
  blob_store(std::filesystem::path dir, bool durable);
  // A fresh temporary file path under tmp/ (same filesystem as the blobs, so commit is a rename).
  core::temp_file make_temp() const;
  // Makes the temp file's contents durable and moves it into place; returns the blob id.
  result<std::string> commit(core::temp_file tmp) const;
  result<std::string> write(std::string_view bytes) const;
  std::filesystem::path path(std::string_view id) const;
  void remove(std::string_view id) const;
  const std::filesystem::path& tmp_dir() const { return tmp_; }
  bool durable() const { return durable_; }

 private:
  std::filesystem::path dir_, tmp_;
  bool durable_;
};

class state_store {
 public:
  struct options {
    std::filesystem::path dir;  // created if missing
    bool durable = true;        // false for --in-memory: no fsyncs
    std::size_t readers = 8;    // max pooled read connections
  };
  using job = std::function<result<void>(database&)>;
  using done_fn = std::function<void(result<void>)>;

  static result<std::unique_ptr<state_store>> open(const options& opts);
  ~state_store();
  state_store(const state_store&) = delete;
  state_store& operator=(const state_store&) = delete;

  // Applies a module's schema migrations (blocking; call at start-up).
  result<void> migrate(const migration_set& m);

  // Queues a write; done(result) runs on the writer thread after commit.
  void submit(job j, done_fn done);
  // Submits and waits; for start-up, admin operations and tests (never on an I/O thread).
  result<void> write(job j);

  // A consistent copy of the state, taken while requests run: every write submitted before the
  // call is in it. `pinned` runs on the writer thread, so no transaction commits meanwhile, with
  // a read connection whose transaction sees the last commit: pin there the files its rows name
  // (hard links). The database is then
  // copied from that same read transaction into the new file `dest` (SQLite's online backup
  // API) while writes go on. Blocking: not on an I/O thread, nor on the writer thread.
  result<void> backup(const std::filesystem::path& dest, const std::function<result<void>(database&)>& pinned);
  // Replaces the whole database by the one in `source` (the backup API into the live database,
  // one write transaction between two batches of the writer): every reader sees the old state or
  // the new one. Schema compatibility is the caller's to check. Blocking, as backup().
  result<void> restore(const std::filesystem::path& source);

  class lease {
   public:
    lease(state_store* s, std::unique_ptr<database> db) : store_(s), db_(std::move(db)) {}
    lease(lease&&) noexcept = default;
    ~lease();
    database& operator*() const { return *db_; }
    database* operator->() const { return db_.get(); }

   private:
    state_store* store_;
    std::unique_ptr<database> db_;
  };
  // A read-only connection; throws std::runtime_error only if the database cannot be opened.
  lease reader();

  const std::filesystem::path& dir() const { return dir_; }
  const blob_store& blobs() const { return blobs_; }
  bool durable() const { return durable_; }
  // Number of transactions committed by the writer (for benchmarks and metrics).
  std::uint64_t commits() const;

 private:
  state_store(std::filesystem::path dir, bool durable, std::size_t readers, std::unique_ptr<database> w);
  void run_writer();

  std::filesystem::path dir_;
  std::string db_path_;
  bool durable_;
  blob_store blobs_;
  std::unique_ptr<database> writer_db_;  // used only by the writer thread

  struct pending {
    job work;
    done_fn done;
  };
  mutable std::mutex queue_mutex_;  // guards queue_, stopping_, commits_
  std::condition_variable queue_cv_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  std::thread writer_thread_;

  std::mutex readers_mutex_;  // guards idle_readers_
  std::vector<std::unique_ptr<database>> idle_readers_;
  std::size_t max_idle_readers_;
};

}  // namespace hayloft::store
