#include "consumer/docstore/pg_connection.h"

#include <cstring>

namespace hayloft::consumer::pg {
namespace {

hayloft::error unavailable(std::string message) {
  return {make_error_code(docstore_errc::unavailable), std::move(message)};
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string describe_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    if (err) PQfreemem(err);
    return "postgresql (unparsable connection string)";
  }
  std::string host, port, db;
  for (auto* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    if (std::strcmp(o->keyword, "host") == 0) host = o->val;
    else if (std::strcmp(o->keyword, "port") == 0) port = o->val;
    else if (std::strcmp(o->keyword, "dbname") == 0) db = o->val;
  }
  PQconninfoFree(opts);
  // Unset parts come from PG* variables or libpq's defaults; say so rather than guess.
  return "postgresql " + (host.empty() ? std::string("$PGHOST") : host) + ":" + (port.empty() ? std::string("$PGPORT") : port) +
         "/" + (db.empty() ? std::string("$PGDATABASE") : db);
}

bool is_unavailable(const hayloft::error& e) { return e.code == make_error_code(docstore_errc::unavailable); }

result<std::unique_ptr<pg_conn>> pg_conn::connect(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (!c) return unavailable("cannot connect to " + describe_conninfo(conninfo) + ": out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = trim(PQerrorMessage(c));
    PQfinish(c);
    auto msg = "cannot connect to " + describe_conninfo(conninfo) + ": " + why;
    // Wrong credentials or database are configuration errors, not an outage.
    if (why.find("authentication failed") != std::string::npos || why.find("does not exist") != std::string::npos ||
        why.find("no password supplied") != std::string::npos || why.find("invalid") != std::string::npos)
      return hayloft::error{std::make_error_code(std::errc::permission_denied), msg};
    return unavailable(msg);
  }
  // Quiet NOTICEs (CREATE ... IF NOT EXISTS) instead of libpq's default print to stderr.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<pg_conn>(new pg_conn(c));
}

pg_conn::~pg_conn() { PQfinish(conn_); }

std::string pg_conn::describe() const {
  return std::string("postgresql ") + (PQhost(conn_) ? PQhost(conn_) : "") + ":" + (PQport(conn_) ? PQport(conn_) : "") +
         "/" + (PQdb(conn_) ? PQdb(conn_) : "");
}

hayloft::error pg_conn::failure(PGresult* r) const {
  std::string msg = trim(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (msg.empty()) msg = trim(PQerrorMessage(conn_));
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  if (PQstatus(conn_) != CONNECTION_OK || sqlstate.starts_with("08") || sqlstate.starts_with("57P"))
    return unavailable(describe() + ": " + msg);
  return {std::make_error_code(std::errc::io_error), msg + (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")")};
}

result<pg_result> pg_conn::exec(const std::string& sql, const std::vector<param>& params, bool binary_result) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size()), formats(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].value ? params[i].value->data() : nullptr;
    lengths[i] = params[i].value ? static_cast<int>(params[i].value->size()) : 0;
    formats[i] = params[i].binary ? 1 : 0;
  }
  pg_result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                           formats.data(), binary_result ? 1 : 0));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure(r.get());
  return r;
}

result<void> pg_conn::run(const std::string& sql) {
  pg_result r(PQexec(conn_, sql.c_str()));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure(r.get());
  return {};
}

pg_pool::pg_pool(std::string conninfo, std::size_t size) : conninfo_(std::move(conninfo)), size_(size ? size : 1) {}
pg_pool::~pg_pool() = default;

pg_pool::lease::~lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

result<pg_pool::lease> pg_pool::acquire() {
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [this] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return lease(this, std::move(c), true);
    }
    ++open_;
  }
  auto c = pg_conn::connect(conninfo_);
  if (!c.ok()) {
    std::lock_guard lock(mutex_);
    --open_;
    freed_.notify_one();
    return c.err();
  }
  return lease(this, std::move(c).value(), false);
}

void pg_pool::give_back(std::unique_ptr<pg_conn> c) {
  bool broken = !c->ok() || PQtransactionStatus(c->raw()) != PQTRANS_IDLE;
  if (broken) c.reset();  // outside the lock: PQfinish may block briefly
  std::lock_guard lock(mutex_);
  if (broken) --open_;
  else idle_.push_back(std::move(c));
  freed_.notify_one();
}

std::int64_t read_int8(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int64_t>(v);
}

std::int32_t read_int4(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int32_t>(v);
}

}  // namespace hayloft::consumer::pg
