#include "emulator/store/sqlite.h"

#include <vector>

namespace hayloft::store {
namespace {
class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "store"; }
  std::string message(int c) const override {
    switch (static_cast<errc>(c)) {
      case errc::ok: return "ok";
      case errc::busy: return "database busy";
      case errc::constraint: return "constraint violation";
      case errc::io: return "storage I/O error";
      case errc::corrupt: return "database corrupt";
      case errc::misuse: return "database misuse";
      case errc::not_found: return "not found";
    }
    return "unknown store error";
  }
};
}  // namespace

const std::error_category& store_category() {
  static const category c;
  return c;
}
std::error_code make_error_code(errc e) { return {static_cast<int>(e), store_category()}; }

hayloft::error sqlite_error(sqlite3* db, int rc) {
  errc e;
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: e = errc::busy; break;
    case SQLITE_CONSTRAINT: e = errc::constraint; break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY: e = errc::io; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: e = errc::corrupt; break;
    default: e = errc::misuse; break;
  }
  return {make_error_code(e), db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)};
}

statement& statement::operator=(statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = std::exchange(o.stmt_, nullptr);
  }
  return *this;
}
statement::~statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}
statement& statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
statement& statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
statement& statement::bind(int i, std::string_view t) {
  sqlite3_bind_text64(stmt_, i, t.data(), t.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
statement& statement::bind_blob(int i, std::string_view b) {
  sqlite3_bind_blob64(stmt_, i, b.data(), b.size(), SQLITE_TRANSIENT);
  return *this;
}
statement& statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
result<bool> statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  auto err = sqlite_error(db_, rc);
  sqlite3_reset(stmt_);
  return err;
}
result<void> statement::run() {
  for (;;) {
    auto r = step();
    if (!r.ok()) return r.err();
    if (!*r) return {};
  }
}
void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
std::string statement::text(int col) const { return std::string(text_view(col)); }
std::string_view statement::text_view(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
}
std::string statement::blob(int col) const { return std::string(blob_view(col)); }
std::string_view statement::blob_view(int col) const {
  auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
}

result<std::unique_ptr<database>> database::open(const std::string& path, open_options opts) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI |
              (opts.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto err = sqlite_error(raw, rc);
    sqlite3_close(raw);
    return err;
  }
  std::unique_ptr<database> db(new database(raw));
  sqlite3_busy_timeout(raw, 5000);
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
  if (!opts.read_only) {
    pragmas += "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=4000;";
    pragmas += opts.durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=OFF;";
  }
  HAYLOFT_TRY(db->exec(pragmas));
  return db;
}

database::~database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

result<void> database::exec(std::string_view sql) {
  char* msg = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    auto err = sqlite_error(db_, rc);
    if (msg) {
      err.message = msg;
      sqlite3_free(msg);
    }
    return err;
  }
  return {};
}

result<statement> database::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc);
  return statement(db_, s);
}

result<statement*> database::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto st = prepare(sql);
    if (!st.ok()) return st.err();
    it = cache_.emplace(sql, std::move(st).value()).first;
  } else {
    it->second.reset();
  }
  return &it->second;
}

result<void> migrate(database& db, const migration_set& m) {
  HAYLOFT_TRY(db.exec("CREATE TABLE IF NOT EXISTS hayloft_schema(module TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
  auto sel = db.prepare("SELECT version FROM hayloft_schema WHERE module = ?1");
  if (!sel.ok()) return sel.err();
  sel->bind(1, m.module);
  std::int64_t have = 0;
  auto row = sel->step();
  if (!row.ok()) return row.err();
  if (*row) have = sel->int64(0);
  sel->reset();
  for (std::size_t i = static_cast<std::size_t>(have); i < m.steps.size(); ++i) {
    transaction tx(db);
    HAYLOFT_TRY(tx.begin());
    HAYLOFT_TRY(db.exec(m.steps[i]));
    auto up = db.prepare("INSERT INTO hayloft_schema(module, version) VALUES(?1, ?2) "
                         "ON CONFLICT(module) DO UPDATE SET version = excluded.version");
    if (!up.ok()) return up.err();
    up->bind(1, m.module).bind(2, static_cast<std::int64_t>(i + 1));
    HAYLOFT_TRY(up->run());
    HAYLOFT_TRY(tx.commit());
  }
  return {};
}

result<std::map<std::string, std::int64_t>> schema_versions(database& db) {
  std::map<std::string, std::int64_t> out;
  auto exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'hayloft_schema'");
  if (!exists.ok()) return exists.err();
  auto found = exists->step();
  if (!found.ok()) return found.err();
  if (!*found) return out;
  auto st = db.prepare("SELECT module, version FROM hayloft_schema");
  if (!st.ok()) return st.err();
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out[st->text(0)] = st->int64(1);
  }
  return out;
}

result<void> backup_database(database& from, database& to) {
  sqlite3_backup* b = sqlite3_backup_init(to.raw(), "main", from.raw(), "main");
  if (!b) return sqlite_error(to.raw(), sqlite3_errcode(to.raw()));
  int rc = sqlite3_backup_step(b, -1);
  int finished = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return sqlite_error(nullptr, rc);
  if (finished != SQLITE_OK) return sqlite_error(to.raw(), finished);
  return {};
}

}  // namespace hayloft::store
