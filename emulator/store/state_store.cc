#include "emulator/store/state_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <future>
#include <optional>
#include <stdexcept>

#include "emulator/core/ids.h"
#include "emulator/core/logging.h"

namespace hayloft::store {
namespace fs = std::filesystem;

namespace {
result<void> fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return hayloft::error{make_error_code(errc::io), "open " + p.string() + " for fsync failed"};
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return hayloft::error{make_error_code(errc::io), "fsync " + p.string() + " failed"};
  return {};
}
}  // namespace

blob_store::blob_store(fs::path dir, bool durable) : dir_(std::move(dir)), tmp_(dir_ / "tmp"), durable_(durable) {
  fs::create_directories(tmp_);
  // Leftover temp files belong to writes that never committed (crash): drop them.
  std::error_code ec;
  for (auto& e : fs::directory_iterator(tmp_, ec)) fs::remove(e.path(), ec);
}

core::temp_file blob_store::make_temp() const { return core::temp_file(tmp_ / core::random_hex(12)); }

fs::path blob_store::path(std::string_view id) const {
  return dir_ / std::string(id.substr(0, 2)) / std::string(id);
}

result<std::string> blob_store::commit(core::temp_file tmp) const {
  auto id = core::random_hex(16);
  auto dest = path(id);
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) return hayloft::error{make_error_code(errc::io), ec.message()};
  if (durable_) HAYLOFT_TRY(fsync_path(tmp.path(), false));
  fs::rename(tmp.path(), dest, ec);
  if (ec) return hayloft::error{make_error_code(errc::io), ec.message()};
  tmp.release();
  if (durable_) HAYLOFT_TRY(fsync_path(dest.parent_path(), true));
  return id;
}

result<std::string> blob_store::write(std::string_view bytes) const {
  auto tmp = make_temp();
  int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return hayloft::error{make_error_code(errc::io), "cannot create " + tmp.path().string()};
  std::size_t off = 0;
  while (off < bytes.size()) {
    auto n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) {
      ::close(fd);
      return hayloft::error{make_error_code(errc::io), "write failed"};
    }
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return commit(std::move(tmp));
}

void blob_store::remove(std::string_view id) const {
  std::error_code ec;
  fs::remove(path(id), ec);
}

state_store::state_store(fs::path dir, bool durable, std::size_t readers, std::unique_ptr<database> w)
    : dir_(std::move(dir)),
      db_path_((dir_ / "state.db").string()),
      durable_(durable),
      blobs_(dir_ / "blobs", durable),
      writer_db_(std::move(w)),
      max_idle_readers_(readers) {
  writer_thread_ = std::thread([this] { run_writer(); });
}

result<std::unique_ptr<state_store>> state_store::open(const options& opts) {
  std::error_code ec;
  fs::create_directories(opts.dir, ec);
  if (ec) return hayloft::error{make_error_code(errc::io), "cannot create " + opts.dir.string() + ": " + ec.message()};
  auto w = database::open((opts.dir / "state.db").string(), {.read_only = false, .durable = opts.durable});
  if (!w.ok()) return w.err();
  return std::unique_ptr<state_store>(new state_store(opts.dir, opts.durable, opts.readers, std::move(w).value()));
}

state_store::~state_store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_thread_.join();
}

result<void> state_store::migrate(const migration_set& m) {
  return write([&m](database& db) -> result<void> {
    // Migrations manage their own transactions; step out of the batch transaction.
    HAYLOFT_TRY(db.exec("RELEASE job"));
    HAYLOFT_TRY(db.exec("COMMIT"));
    auto r = store::migrate(db, m);
    HAYLOFT_TRY(db.exec("BEGIN IMMEDIATE"));
    HAYLOFT_TRY(db.exec("SAVEPOINT job"));
    return r;
  });
}

void state_store::submit(job j, done_fn done) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back({std::move(j), std::move(done)});
  }
  queue_cv_.notify_one();
}

result<void> state_store::write(job j) {
  std::promise<result<void>> p;
  auto f = p.get_future();
  submit(std::move(j), [&p](result<void> r) { p.set_value(std::move(r)); });
  return f.get();
}

result<void> state_store::backup(const fs::path& dest, const std::function<result<void>(database&)>& pinned) {
  std::optional<lease> source;
  auto held = write([&](database& db) -> result<void> {
    // The jobs queued before this one share its batch: commit them first, so the copy holds
    // every write submitted before the backup.
    HAYLOFT_TRY(db.exec("RELEASE job"));
    HAYLOFT_TRY(db.exec("COMMIT"));
    auto pin = [&]() -> result<void> {
      try {
        source.emplace(reader());
      } catch (const std::exception& e) {
        return hayloft::error{make_error_code(errc::io), e.what()};
      }
      // BEGIN is deferred: the first read starts the transaction and fixes its view.
      HAYLOFT_TRY((*source)->exec("BEGIN; SELECT count(*) FROM sqlite_schema;"));
      return pinned(**source);
    };
    auto r = pin();
    HAYLOFT_TRY(db.exec("BEGIN IMMEDIATE"));
    HAYLOFT_TRY(db.exec("SAVEPOINT job"));
    return r;
  });
  if (!held.ok()) {
    if (source) (void)(*source)->exec("ROLLBACK");
    return held;
  }
  std::error_code ec;
  fs::remove(dest, ec);
  auto out = database::open(dest.string(), {.read_only = false, .durable = durable_});
  if (!out.ok()) {
    (void)(*source)->exec("ROLLBACK");
    return out.err();
  }
  auto copied = backup_database(**source, **out);
  (void)(*source)->exec("ROLLBACK");
  // The copy carries the live database's WAL flag; a snapshot file is only ever read, so it goes
  // back to a rollback journal and needs no -wal/-shm beside it.
  if (copied.ok()) copied = (*out)->exec("PRAGMA journal_mode=DELETE");
  return copied;
}

result<void> state_store::restore(const fs::path& source) {
  auto from = database::open(source.string(), {.read_only = true, .durable = durable_});
  if (!from.ok()) return from.err();
  return write([&](database& db) -> result<void> {
    // The backup API needs the destination outside any transaction: step out of the batch (the
    // jobs before this one commit now), copy, and step back in for the jobs after it.
    HAYLOFT_TRY(db.exec("RELEASE job"));
    HAYLOFT_TRY(db.exec("COMMIT"));
    auto copied = backup_database(**from, db);
    HAYLOFT_TRY(db.exec("BEGIN IMMEDIATE"));
    HAYLOFT_TRY(db.exec("SAVEPOINT job"));
    return copied;
  });
}

std::uint64_t state_store::commits() const {
  std::lock_guard lock(queue_mutex_);
  return commits_;
}

namespace {

// A job that throws fails alone (its savepoint is rolled back) rather than ending the writer
// thread, and with it the process.
template <class Job>
result<void> run_job(Job& job, database& db) {
  try {
    return job(db);
  } catch (const std::exception& e) {
    spdlog::error("state store: a job failed: {}", e.what());
    return hayloft::error{std::make_error_code(std::errc::state_not_recoverable), std::string("job failed: ") + e.what()};
  }
}

}  // namespace

void state_store::run_writer() {
  constexpr std::size_t max_batch = 512;
  std::vector<pending> batch;
  std::vector<result<void>> results;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    results.clear();
    auto begun = writer_db_->exec("BEGIN IMMEDIATE");
    if (!begun.ok()) {
      for (auto& p : batch)
        if (p.done) p.done(begun.err());
      batch.clear();
      continue;
    }
    for (auto& p : batch) {
      (void)writer_db_->exec("SAVEPOINT job");
      auto r = run_job(p.work, *writer_db_);
      if (!r.ok()) (void)writer_db_->exec("ROLLBACK TO job");
      (void)writer_db_->exec("RELEASE job");
      results.push_back(std::move(r));
    }
    auto committed = writer_db_->exec("COMMIT");
    if (!committed.ok()) {
      (void)writer_db_->exec("ROLLBACK");
      for (auto& r : results)
        if (r.ok()) r = committed.err();
    }
    {
      std::lock_guard lock(queue_mutex_);
      ++commits_;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!batch[i].done) continue;
      try {
        batch[i].done(std::move(results[i]));
      } catch (const std::exception& e) {
        spdlog::error("state store: a commit callback failed: {}", e.what());
      }
    }
    batch.clear();
  }
}

state_store::lease::~lease() {
  if (!db_) return;
  std::lock_guard lock(store_->readers_mutex_);
  if (store_->idle_readers_.size() < store_->max_idle_readers_) store_->idle_readers_.push_back(std::move(db_));
}

state_store::lease state_store::reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return lease(this, std::move(db));
    }
  }
  auto db = database::open(db_path_, {.read_only = true, .durable = durable_});
  if (!db.ok()) throw std::runtime_error("cannot open read connection: " + db.err().message);
  return lease(this, std::move(db).value());
}

}  // namespace hayloft::store
