#pragma once
// RAII over SQLite. SQLite result codes are translated to store::errc here, at the store
// boundary; nothing above this layer sees a raw SQLite code.
//
// A `database` is one connection and is not thread-safe: each is used by one thread at a time
// (the writer thread owns the write connection; readers lease connections from a pool).
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::store {

enum class errc {
  ok = 0,
  busy,        // SQLITE_BUSY / LOCKED
  constraint,  // unique / foreign key violations
  io,          // disk I/O, full, cannot open
  corrupt,
  misuse,      // a bug: bad SQL, wrong binding
  not_found,   // no row where one was required
};
const std::error_category& store_category();
std::error_code make_error_code(errc e);

class statement {
 public:
  statement() = default;
  statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  statement(statement&& o) noexcept : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)) {}
  statement& operator=(statement&& o) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  // Bind by 1-based index. Chainable.
  statement& bind(int i, std::int64_t v);
  statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  statement& bind(int i, double v);
  statement& bind(int i, std::string_view text);
  statement& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
  statement& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }
  statement& bind_blob(int i, std::string_view bytes);
  statement& bind_null(int i);
  template <class T>
  statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Steps once: true when a row is available, false when done.
  result<bool> step();
  // Runs to completion ignoring rows.
  result<void> run();
  void reset();

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step/reset
  std::string blob(int col) const;
  std::string_view blob_view(int col) const;  // valid until the next step/reset
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

struct open_options {
  bool read_only = false;
  bool durable = true;  // synchronous=FULL (else OFF: for --in-memory)
};

class database {
 public:
  static result<std::unique_ptr<database>> open(const std::string& path, open_options opts = {});
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  result<void> exec(std::string_view sql);
  // A statement cached by its SQL text, reset and with bindings cleared. The reference stays
  // valid for the connection's lifetime; do not hold two uses of the same SQL at once.
  result<statement*> cached(const std::string& sql);
  result<statement> prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() const { return db_; }

 private:
  explicit database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, statement> cache_;
};

// Translates a SQLite result code (with the connection's message) into an error.
hayloft::error sqlite_error(sqlite3* db, int rc);

// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed.
class transaction {
 public:
  explicit transaction(database& db) : db_(db) {}
  result<void> begin() {
    auto r = db_.exec("BEGIN IMMEDIATE");
    active_ = r.ok();
    return r;
  }
  result<void> commit() {
    active_ = false;
    return db_.exec("COMMIT");
  }
  ~transaction() {
    if (active_) (void)db_.exec("ROLLBACK");
  }

 private:
  database& db_;
  bool active_ = false;
};

// Schema migrations per module: migration i (0-based) runs once, in order, recorded in
// table hayloft_schema(module, version).
struct migration_set {
  std::string module;
  std::vector<std::string> steps;  // SQL scripts
};
result<void> migrate(database& db, const migration_set& m);
// Every module's schema version recorded by migrate() (empty for a database never migrated).
result<std::map<std::string, std::int64_t>> schema_versions(database& db);

// Copies every page of `from` into `to` with SQLite's online backup API, in one write
// transaction on `to` (its readers see the old content or the new, never a mix). `from` may have
// a read transaction open: the copy is then that transaction's view. Neither connection may be
// used by another thread meanwhile; `to` must have no transaction open.
result<void> backup_database(database& from, database& to);

}  // namespace hayloft::store

template <>
struct std::is_error_code_enum<hayloft::store::errc> : std::true_type {};
