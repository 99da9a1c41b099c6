#pragma once
// Thin RAII over libpq for the PostgreSQL document store: a connection, a result, statements
// with text parameters (and binary bytea ones), and a small pool of connections.
//
// Connection strings are libpq's own (postgresql://user:pass@host:port/db?sslmode=..., or
// "key=value" pairs); libpq also reads the PG* environment variables and ~/.pgpass. Nothing here
// parses them.
//
// Errors are translated at this boundary: a lost or refused connection, a server shutting down
// or starting up (SQLSTATE classes 08, 57P0x) is docstore_errc::unavailable; anything else is
// std::errc::io_error with the server's message and SQLSTATE.
//
// Threading: a pg_conn is used by one thread at a time; pg_pool is thread-safe.
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/docstore/document_store.h"

namespace hayloft::consumer::pg {

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using pg_result = std::unique_ptr<PGresult, result_deleter>;

// One query parameter: text (or SQL NULL), or binary bytes (bytea).
struct param {
  std::optional<std::string> value;
  bool binary = false;
  static param text(std::string v) { return {std::move(v), false}; }
  static param bytes(std::string v) { return {std::move(v), true}; }
  static param null() { return {std::nullopt, false}; }
};

class pg_conn {
 public:
  // Connects (blocking). The error names the server (never the password) and libpq's reason.
  static result<std::unique_ptr<pg_conn>> connect(const std::string& conninfo);
  ~pg_conn();
  pg_conn(const pg_conn&) = delete;
  pg_conn& operator=(const pg_conn&) = delete;

  // Runs one statement; rows come back in text format, or binary with `binary_result`.
  result<pg_result> exec(const std::string& sql, const std::vector<param>& params = {}, bool binary_result = false);
  // Runs a script of statements without parameters.
  result<void> run(const std::string& sql);
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  PGconn* raw() { return conn_; }
  // "postgresql host:port/db" (no password).
  std::string describe() const;

 private:
  explicit pg_conn(PGconn* c) : conn_(c) {}
  hayloft::error failure(PGresult* r) const;
  PGconn* conn_;
};

// "postgresql HOST:PORT/DB" for a connection string, without connecting (for messages).
std::string describe_conninfo(const std::string& conninfo);
// Whether an error means the server is unreachable now (retry later) rather than a bad request.
bool is_unavailable(const hayloft::error& e);

// Up to `size` connections, opened on demand; a connection that broke is dropped when returned.
class pg_pool {
 public:
  pg_pool(std::string conninfo, std::size_t size);
  ~pg_pool();

  class lease {
   public:
    lease(pg_pool* p, std::unique_ptr<pg_conn> c, bool reused) : pool_(p), conn_(std::move(c)), reused_(reused) {}
    lease(lease&&) = default;
    ~lease();
    pg_conn* operator->() { return conn_.get(); }
    pg_conn& operator*() { return *conn_; }
    // True when the connection was idle in the pool (it may have died since).
    bool reused() const { return reused_; }

   private:
    pg_pool* pool_;
    std::unique_ptr<pg_conn> conn_;
    bool reused_;
  };
  // Waits for a free connection (connecting one if under `size`); unavailable when the server
  // cannot be reached.
  result<lease> acquire();
  const std::string& conninfo() const { return conninfo_; }

 private:
  void give_back(std::unique_ptr<pg_conn> c);
  std::string conninfo_;
  std::size_t size_;
  std::mutex mutex_;  // guards idle_ and open_
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pg_conn>> idle_;
  std::size_t open_ = 0;
};

// Reads a big-endian integer of a binary-format column.
std::int64_t read_int8(const char* p);
std::int32_t read_int4(const char* p);

}  // namespace hayloft::consumer::pg
