#include "consumer/docstore/pg_schema.h"

#include <array>

namespace hayloft::consumer::pg {
namespace {

// Any fixed 64-bit key that other applications are unlikely to take ("hayloft\0d").
constexpr const char* lock_key = "7521375213";

struct migration {
  int version;
  const char* description;
  const char* sql;
};

const std::array<migration, 2> migrations{{
    {1, "chunks, sources and the change sequence", R"sql(
CREATE TABLE hayloft_docstore_counter(
  id int PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL
);
INSERT INTO hayloft_docstore_counter VALUES (1, 0);
CREATE TABLE hayloft_sources(
  idx text NOT NULL,
  bucket text NOT NULL,
  key text NOT NULL,
  etag text,
  seq bigint NOT NULL,
  indexed_at bigint NOT NULL DEFAULT 0,  -- Unix ms
  PRIMARY KEY (idx, bucket, key)
);
CREATE INDEX hayloft_sources_seq ON hayloft_sources(seq);
CREATE TABLE hayloft_chunks(
  id bigserial PRIMARY KEY,
  idx text NOT NULL,
  bucket text NOT NULL,
  key text NOT NULL,
  etag text NOT NULL,
  chunk int NOT NULL,
  page int,
  member text NOT NULL DEFAULT '',
  text text NOT NULL,
  model text NOT NULL,
  dim int NOT NULL,
  vector bytea NOT NULL,
  seq bigint NOT NULL
);
CREATE INDEX hayloft_chunks_source ON hayloft_chunks(idx, bucket, key);
CREATE INDEX hayloft_chunks_seq ON hayloft_chunks(seq);
)sql"},
    {2, "sources.version: newest object version wins", R"sql(
ALTER TABLE hayloft_sources ADD COLUMN version bigint NOT NULL DEFAULT 0;
)sql"},
}};

result<int> current_version(pg_conn& c) {
  auto r = c.exec("SELECT coalesce(max(version), 0) FROM hayloft_schema_migrations");
  if (!r.ok()) return r.err();
  return std::stoi(PQgetvalue(r->get(), 0, 0));
}

}  // namespace

int latest_schema_version() { return migrations.back().version; }

result<void> migrate(pg_conn& c, int target) {
  if (target <= 0 || target > latest_schema_version()) target = latest_schema_version();
  HAYLOFT_TRY(c.run(std::string("SELECT pg_advisory_lock(") + lock_key + ")"));
  auto body = [&]() -> result<void> {
    HAYLOFT_TRY(c.run("CREATE TABLE IF NOT EXISTS hayloft_schema_migrations("
                      "version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"));
    auto cur = current_version(c);
    if (!cur.ok()) return cur.err();
    if (*cur > latest_schema_version())
      return hayloft::error{make_error_code(docstore_errc::schema_too_new),
                            c.describe() + " has document store schema version " + std::to_string(*cur) +
                                ", newer than this hayloft knows (" + std::to_string(latest_schema_version()) +
                                "): upgrade hayloft"};
    for (const auto& m : migrations) {
      if (m.version <= *cur || m.version > target) continue;
      HAYLOFT_TRY(c.run("BEGIN"));
      auto applied = c.run(m.sql);
      if (applied.ok())
        applied = c.exec("INSERT INTO hayloft_schema_migrations(version, description) VALUES($1, $2)",
                         {param::text(std::to_string(m.version)), param::text(m.description)})
                      .ok()
                      ? result<void>{}
                      : result<void>{std::make_error_code(std::errc::io_error), "cannot record the migration"};
      if (!applied.ok()) {
        (void)c.run("ROLLBACK");
        return hayloft::error{applied.code(), "migration " + std::to_string(m.version) + " (" + m.description +
                                                  "): " + applied.err().message};
      }
      HAYLOFT_TRY(c.run("COMMIT"));
    }
    return {};
  };
  auto r = body();
  (void)c.run(std::string("SELECT pg_advisory_unlock(") + lock_key + ")");
  return r;
}

result<schema_status> status(pg_conn& c) {
  schema_status s;
  s.latest = latest_schema_version();
  auto exists = c.exec("SELECT to_regclass('hayloft_schema_migrations') IS NOT NULL");
  if (!exists.ok()) return exists.err();
  if (std::string(PQgetvalue(exists->get(), 0, 0)) != "t") return s;
  auto cur = current_version(c);
  if (!cur.ok()) return cur.err();
  s.current = *cur;
  if (s.current == 0) return s;
  auto counts = c.exec(
      "SELECT (SELECT count(*) FROM hayloft_sources WHERE etag IS NOT NULL), (SELECT count(*) FROM hayloft_chunks), "
      "(SELECT seq FROM hayloft_docstore_counter)");
  if (!counts.ok()) return counts.err();
  s.sources = std::stoll(PQgetvalue(counts->get(), 0, 0));
  s.chunks = std::stoll(PQgetvalue(counts->get(), 0, 1));
  s.sequence = std::stoll(PQgetvalue(counts->get(), 0, 2));
  return s;
}

}  // namespace hayloft::consumer::pg
