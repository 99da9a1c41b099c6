#include "consumer/docstore/pg_store.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "consumer/docstore/pg_schema.h"

namespace hayloft::consumer {
namespace {

using pg::param;

constexpr const char* channel = "hayloft_docstore";
// Rows per multi-row INSERT (12 parameters each; PostgreSQL allows 65535 per statement).
constexpr std::size_t insert_batch = 256;
// Rows per FETCH of the reader's binary cursor.
constexpr int fetch_batch = 4096;

std::string value(PGresult* r, int row, int col) { return std::string(PQgetvalue(r, row, col), PQgetlength(r, row, col)); }

// Runs `body` between BEGIN and COMMIT; rolls back when it fails.
result<void> in_transaction(pg::pg_conn& c, const std::function<result<void>()>& body) {
  HAYLOFT_TRY(c.run("BEGIN"));
  auto r = body();
  if (!r.ok()) {
    if (c.ok()) (void)c.run("ROLLBACK");
    return r;
  }
  return c.run("COMMIT");
}

struct loaded_row {
  std::string idx;
  vector_index::row row;
  std::string model;
  std::vector<float> vector;
};

}  // namespace

pg_document_store::pg_document_store(pg_store_options opts, core::clock& clock)
    : opts_(std::move(opts)), clock_(clock), pool_(opts_.conninfo, opts_.pool_size) {}

pg_document_store::~pg_document_store() {
  stopping_ = true;
  if (reader_.joinable()) reader_.join();
}

std::string pg_document_store::describe() const { return pg::describe_conninfo(opts_.conninfo); }

template <class F>
auto pg_document_store::with_conn(F&& fn) -> decltype(fn(std::declval<pg::pg_conn&>())) {
  // Before the schema is known to be current (a start while the server was down), nothing may
  // write to or read from tables that may not exist yet.
  if (!migrated_.load()) {
    std::lock_guard lock(health_mutex_);
    return hayloft::error{make_error_code(docstore_errc::unavailable), reason_};
  }
  for (int attempt = 0;; ++attempt) {
    auto c = pool_.acquire();
    if (!c.ok()) return c.err();
    bool reused = c->reused();
    auto r = fn(**c);
    // A pooled connection may have died with a server restart: one retry on a fresh one. Safe
    // for writes too: a failed transaction rolled back, and one whose COMMIT reply was lost is
    // found stored (same ETag) by the retry.
    if (r.ok() || !reused || attempt > 0 || !pg::is_unavailable(r.err())) return r;
  }
}

result<void> pg_document_store::migrate() {
  auto c = pool_.acquire();
  if (!c.ok()) return c.err();
  HAYLOFT_TRY(pg::migrate(**c));
  migrated_ = true;
  return {};
}

result<void> pg_document_store::ping() {
  return with_conn([&](pg::pg_conn& c) -> result<void> {
    auto r = c.exec("SELECT 1");
    if (!r.ok()) return r.err();
    return {};
  });
}

result<void> pg_document_store::available() {
  std::lock_guard lock(health_mutex_);
  if (!reader_started_ || healthy_) return {};
  return hayloft::error{make_error_code(docstore_errc::unavailable), reason_};
}

void pg_document_store::set_unhealthy(std::string reason) {
  std::lock_guard lock(health_mutex_);
  healthy_ = false;
  reason_ = std::move(reason);
}

result<std::int64_t> pg_document_store::bump_and_notify(pg::pg_conn& c) {
  auto seq = c.exec("UPDATE hayloft_docstore_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq");
  if (!seq.ok()) return seq.err();
  std::string s = value(seq->get(), 0, 0);
  auto n = c.exec("SELECT pg_notify($1, $2)", {param::text(channel), param::text(s)});
  if (!n.ok()) return n.err();
  return std::stoll(s);
}

void pg_document_store::replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
                                std::function<void(result<void>)> done) {
  for (const auto& c : chunks)
    if (c.vector.size() != chunks.front().vector.size())
      return done(hayloft::error{make_error_code(docstore_errc::dimension_mismatch), "chunks of one object differ in dimension"});
  done(with_conn([&](pg::pg_conn& c) { return write_replace(c, src, model, chunks); }));
}

result<void> pg_document_store::write_replace(pg::pg_conn& c, const source_ref& src, const std::string& model,
                                              const std::vector<chunk_record>& chunks) {
  const auto now_ms = std::to_string(core::to_unix_ms(clock_.now()));
  return in_transaction(c, [&]() -> result<void> {
    std::vector<param> source{param::text(src.index), param::text(src.bucket), param::text(src.key)};
    // The row to lock: created (as a tombstone) if this is the key's first version.
    HAYLOFT_TRY(c.exec("INSERT INTO hayloft_sources(idx, bucket, key, etag, seq, version) VALUES($1, $2, $3, NULL, 0, -1) "
                       "ON CONFLICT DO NOTHING",
                       source));
    auto cur = c.exec("SELECT etag, version FROM hayloft_sources WHERE idx = $1 AND bucket = $2 AND key = $3 FOR UPDATE",
                      source);
    if (!cur.ok()) return cur.err();
    bool has_etag = !PQgetisnull(cur->get(), 0, 0);
    auto stored_etag = value(cur->get(), 0, 0);
    auto stored_version = std::stoll(value(cur->get(), 0, 1));
    // Same ETag: a re-delivery, already stored. An older version: a newer one won the race.
    if ((has_etag && stored_etag == src.etag) || (src.version > 0 && stored_version > src.version)) {
      (void)c.run("ROLLBACK");
      return c.run("BEGIN");  // in_transaction commits an empty transaction
    }
    auto seq = bump_and_notify(c);
    if (!seq.ok()) return seq.err();
    const auto seq_text = std::to_string(*seq);
    HAYLOFT_TRY(c.exec("DELETE FROM hayloft_chunks WHERE idx = $1 AND bucket = $2 AND key = $3", source));
    for (std::size_t start = 0; start < chunks.size(); start += insert_batch) {
      auto end = std::min(chunks.size(), start + insert_batch);
      std::string sql =
          "INSERT INTO hayloft_chunks(idx, bucket, key, etag, chunk, page, member, text, model, dim, vector, seq) VALUES";
      std::vector<param> params = {param::text(src.index), param::text(src.bucket), param::text(src.key),
                                   param::text(src.etag),  param::text(model),      param::text(seq_text)};
      for (std::size_t i = start; i < end; ++i) {
        const auto& ch = chunks[i];
        auto n = params.size();
        auto p = [&](std::size_t k) { return "$" + std::to_string(n + k); };
        sql += (i == start ? "(" : ",(");
        sql += "$1,$2,$3,$4," + p(1) + "::int," + p(2) + "::int," + p(3) + "," + p(4) + ",$5," + p(5) + "::int," + p(6) +
               "::bytea,$6::bigint)";
        params.push_back(param::text(std::to_string(ch.chunk_index)));
        params.push_back(ch.page ? param::text(std::to_string(*ch.page)) : param::null());
        params.push_back(param::text(ch.member));
        params.push_back(param::text(ch.text));
        params.push_back(param::text(std::to_string(ch.vector.size())));
        params.push_back(param::bytes(std::string(reinterpret_cast<const char*>(ch.vector.data()), ch.vector.size() * sizeof(float))));
      }
      HAYLOFT_TRY(c.exec(sql, params));
    }
    HAYLOFT_TRY(c.exec("UPDATE hayloft_sources SET etag = $4, version = greatest(version, $5::bigint), seq = $6::bigint, "
                       "indexed_at = $7::bigint WHERE idx = $1 AND bucket = $2 AND key = $3",
                       {param::text(src.index), param::text(src.bucket), param::text(src.key), param::text(src.etag),
                        param::text(std::to_string(src.version)), param::text(seq_text), param::text(now_ms)}));
    return {};
  });
}

result<void> pg_document_store::remove(const std::string& index, const std::string& bucket, const std::string& key) {
  return with_conn([&](pg::pg_conn& c) -> result<void> {
    std::vector<param> where{param::text(index), param::text(bucket), param::text(key)};
    return in_transaction(c, [&]() -> result<void> {
      // Source rows first, then the counter: the order every write takes its locks in.
      auto rows = c.exec("SELECT 1 FROM hayloft_sources WHERE ($1 = '' OR idx = $1) AND bucket = $2 AND key = $3 "
                             "AND etag IS NOT NULL ORDER BY idx FOR UPDATE",
                             where);
      if (!rows.ok()) return rows.err();
      if (PQntuples(rows->get()) == 0) return {};
      auto seq = bump_and_notify(c);
      if (!seq.ok()) return seq.err();
      HAYLOFT_TRY(c.exec("DELETE FROM hayloft_chunks WHERE ($1 = '' OR idx = $1) AND bucket = $2 AND key = $3", where));
      auto tombstone = where;
      tombstone.push_back(param::text(std::to_string(*seq)));
      HAYLOFT_TRY(c.exec("UPDATE hayloft_sources SET etag = NULL, seq = $4::bigint WHERE ($1 = '' OR idx = $1) "
                         "AND bucket = $2 AND key = $3 AND etag IS NOT NULL",
                         tombstone));
      return {};
    });
  });
}

result<void> pg_document_store::reset() {
  return with_conn([&](pg::pg_conn& c) -> result<void> {
    return in_transaction(c, [&]() -> result<void> {
      HAYLOFT_TRY(c.exec("SELECT 1 FROM hayloft_sources WHERE etag IS NOT NULL ORDER BY idx, bucket, key FOR UPDATE"));
      auto seq = bump_and_notify(c);
      if (!seq.ok()) return seq.err();
      HAYLOFT_TRY(c.run("DELETE FROM hayloft_chunks"));
      HAYLOFT_TRY(c.exec("UPDATE hayloft_sources SET etag = NULL, seq = $1::bigint WHERE etag IS NOT NULL",
                             {param::text(std::to_string(*seq))}));
      return {};
    });
  });
}

result<bool> pg_document_store::is_indexed(const source_ref& src) {
  return with_conn([&](pg::pg_conn& c) -> result<bool> {
    auto r = c.exec("SELECT etag, version FROM hayloft_sources WHERE idx = $1 AND bucket = $2 AND key = $3",
                        {param::text(src.index), param::text(src.bucket), param::text(src.key)});
    if (!r.ok()) return r.err();
    if (PQntuples(r->get()) == 0) return false;
    bool same = !PQgetisnull(r->get(), 0, 0) && value(r->get(), 0, 0) == src.etag;
    bool newer_stored = src.version > 0 && std::stoll(value(r->get(), 0, 1)) > src.version;
    return same || newer_stored;
  });
}

result<std::int64_t> pg_document_store::sequence() {
  return with_conn([&](pg::pg_conn& c) -> result<std::int64_t> {
    auto r = c.exec("SELECT seq FROM hayloft_docstore_counter WHERE id = 1");
    if (!r.ok()) return r.err();
    return std::stoll(value(r->get(), 0, 0));
  });
}

result<std::vector<indexed_file>> pg_document_store::files(const std::string& index) {
  return with_conn([&](pg::pg_conn& c) -> result<std::vector<indexed_file>> {
    auto r = c.exec(
        "SELECT s.bucket, s.key, s.etag, count(*), s.indexed_at FROM hayloft_sources s JOIN hayloft_chunks c "
        "ON c.idx = s.idx AND c.bucket = s.bucket AND c.key = s.key WHERE s.idx = $1 AND s.etag IS NOT NULL "
        "GROUP BY s.bucket, s.key, s.etag, s.indexed_at ORDER BY s.bucket COLLATE \"C\", s.key COLLATE \"C\"",
        {param::text(index)});
    if (!r.ok()) return r.err();
    std::vector<indexed_file> out;
    for (int i = 0; i < PQntuples(r->get()); ++i)
      out.push_back({value(r->get(), i, 0), value(r->get(), i, 1), value(r->get(), i, 2), std::stoll(value(r->get(), i, 3)),
                     core::iso8601(core::from_unix_ms(std::stoll(value(r->get(), i, 4))))});
    return out;
  });
}

result<std::vector<index_info>> pg_document_store::indexes() {
  return with_conn([&](pg::pg_conn& c) -> result<std::vector<index_info>> {
    auto r = c.exec(
        "SELECT idx, min(model), min(dim), count(DISTINCT (bucket, key)), count(*) FROM hayloft_chunks "
        "GROUP BY idx ORDER BY idx COLLATE \"C\"");
    if (!r.ok()) return r.err();
    std::vector<index_info> out;
    for (int i = 0; i < PQntuples(r->get()); ++i)
      out.push_back({value(r->get(), i, 0), value(r->get(), i, 1), static_cast<std::size_t>(std::stoll(value(r->get(), i, 2))),
                     std::stoll(value(r->get(), i, 3)), std::stoll(value(r->get(), i, 4))});
    return out;
  });
}

result<std::vector<search_hit>> pg_document_store::search(const query& q) {
  {
    std::lock_guard lock(health_mutex_);
    if (!reader_started_)
      return hayloft::error{make_error_code(docstore_errc::unavailable), "the document store's reader is not running"};
    if (!healthy_) return hayloft::error{make_error_code(docstore_errc::unavailable), reason_};
  }
  vector_index* m = nullptr;
  {
    std::lock_guard map_lock(mirrors_mutex_);
    auto it = mirrors_.find(q.index);
    if (it == mirrors_.end()) return std::vector<search_hit>{};
    m = it->second.get();
  }
  std::shared_lock lock(m->lock);
  auto hits = m->search(q.index, q);
  lock.unlock();
  if (!hits.ok() || hits->empty()) return hits;
  // Texts for the k hits only (the mirror keeps vectors, not texts).
  std::string ids = "{";
  for (const auto& h : *hits) ids += (ids.size() > 1 ? "," : "") + h.text;
  ids += "}";
  auto r = with_conn([&](pg::pg_conn& c) {
    return c.exec("SELECT id, text FROM hayloft_chunks WHERE id = ANY($1::bigint[])", {param::text(ids)});
  });
  if (!r.ok()) return r.err();
  std::map<std::string, std::string> texts;
  for (int i = 0; i < PQntuples(r->get()); ++i) texts[value(r->get(), i, 0)] = value(r->get(), i, 1);
  for (auto& h : *hits) {
    auto t = texts.find(h.text);
    h.text = t == texts.end() ? std::string() : std::move(t->second);
  }
  return hits;
}

// ---- the reader ----

result<void> pg_document_store::catch_up(pg::pg_conn& c) {
  const std::int64_t lo = applied_seq_.load();
  std::int64_t hi = lo;
  auto body = [&]() -> result<void> {
    auto top = c.exec("SELECT seq FROM hayloft_docstore_counter WHERE id = 1");
    if (!top.ok()) return top.err();
    hi = std::stoll(value(top->get(), 0, 0));
    if (hi == lo) return {};
    if (hi < lo) {
      // The database was recreated behind our back: reload everything. (Mirrors are emptied,
      // never erased: search() uses them after releasing the map's lock.)
      std::lock_guard map_lock(mirrors_mutex_);
      for (auto& [name, m] : mirrors_) {
        std::unique_lock lock(m->lock);
        m->clear();
      }
      applied_seq_ = 0;
      return hayloft::error{make_error_code(docstore_errc::unavailable), "the change sequence went backwards; reloading"};
    }
    std::vector<param> range{param::text(std::to_string(lo)), param::text(std::to_string(hi))};
    auto changed = c.exec("SELECT idx, bucket, key FROM hayloft_sources WHERE seq > $1::bigint AND seq <= $2::bigint", range);
    if (!changed.ok()) return changed.err();
    HAYLOFT_TRY(c.exec("DECLARE hayloft_load BINARY NO SCROLL CURSOR FOR SELECT id, idx, bucket, key, etag, member, chunk, "
                       "page, model, dim, vector FROM hayloft_chunks WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY id",
                       range));
    bool first = true;
    for (;;) {
      auto batch = c.exec("FETCH " + std::to_string(fetch_batch) + " FROM hayloft_load", {}, true);
      if (!batch.ok()) return batch.err();
      auto* r = batch->get();
      const int n = PQntuples(r);
      std::vector<loaded_row> rows;
      rows.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        loaded_row lr;
        lr.idx = value(r, i, 1);
        lr.row.id = pg::read_int8(PQgetvalue(r, i, 0));
        lr.row.bucket = value(r, i, 2);
        lr.row.key = value(r, i, 3);
        lr.row.etag = value(r, i, 4);
        lr.row.member = value(r, i, 5);
        lr.row.chunk = pg::read_int4(PQgetvalue(r, i, 6));
        if (!PQgetisnull(r, i, 7)) lr.row.page = pg::read_int4(PQgetvalue(r, i, 7));
        lr.model = value(r, i, 8);
        auto dim = static_cast<std::size_t>(pg::read_int4(PQgetvalue(r, i, 9)));
        if (static_cast<std::size_t>(PQgetlength(r, i, 10)) != dim * sizeof(float)) continue;
        lr.vector.resize(dim);
        std::memcpy(lr.vector.data(), PQgetvalue(r, i, 10), dim * sizeof(float));
        rows.push_back(std::move(lr));
      }
      // The first batch is applied together with the removals, so a small change (one file) is
      // seen by searches all at once.
      std::lock_guard map_lock(mirrors_mutex_);
      auto mirror = [&](const std::string& idx) -> vector_index& {
        auto& m = mirrors_[idx];
        if (!m) m = std::make_unique<vector_index>();
        return *m;
      };
      if (first) {
        for (int i = 0; i < PQntuples(changed->get()); ++i) {
          auto it = mirrors_.find(value(changed->get(), i, 0));
          if (it == mirrors_.end()) continue;
          std::unique_lock lock(it->second->lock);
          it->second->remove_source(value(changed->get(), i, 1), value(changed->get(), i, 2));
        }
        first = false;
      }
      for (auto& lr : rows) {
        auto& m = mirror(lr.idx);
        std::unique_lock lock(m.lock);
        m.add(std::move(lr.row), lr.model, lr.vector);
      }
      for (auto& [name, m] : mirrors_) {
        std::unique_lock lock(m->lock);
        m->maybe_compact();
      }
      if (n < fetch_batch) break;
    }
    return c.run("CLOSE hayloft_load");
  };
  HAYLOFT_TRY(c.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  auto r = body();
  if (!r.ok()) {
    if (c.ok()) (void)c.run("ROLLBACK");
    return r;
  }
  HAYLOFT_TRY(c.run("COMMIT"));
  applied_seq_ = hi;
  {
    std::lock_guard lock(health_mutex_);
    healthy_ = true;
  }
  applied_.notify_all();
  return {};
}

result<void> pg_document_store::start_reader() {
  auto c = pg::pg_conn::connect(opts_.conninfo);
  if (!c.ok()) return c.err();
  HAYLOFT_TRY((*c)->run(std::string("LISTEN ") + channel));
  {
    std::lock_guard lock(health_mutex_);
    reader_started_ = true;
  }
  HAYLOFT_TRY(catch_up(**c));
  migrated_ = true;  // the tables it loaded exist: a reader-only process may query them
  reader_conn_ = std::move(c).value();
  reader_ = std::thread([this] { reader_loop(); });
  return {};
}

void pg_document_store::start_when_reachable(std::string reason) {
  {
    std::lock_guard lock(health_mutex_);
    reader_started_ = true;
    healthy_ = false;
    reason_ = std::move(reason);
  }
  reader_ = std::thread([this] { reader_loop(); });
}

bool pg_document_store::wait_for_sequence(std::int64_t seq, std::chrono::milliseconds timeout) {
  std::unique_lock lock(health_mutex_);
  return applied_.wait_for(lock, timeout, [&] { return applied_seq_.load() >= seq; });
}

void pg_document_store::reader_loop() {
  auto backoff = std::chrono::milliseconds(100);
  auto last_catch_up = std::chrono::steady_clock::now();
  while (!stopping_) {
    if (!reader_conn_) {
      auto c = pg::pg_conn::connect(opts_.conninfo);
      result<void> ready = c.ok() ? result<void>() : result<void>(c.err());
      // Started while the server was down: the schema first (a lasting error, such as a schema
      // from a newer hayloft, keeps the store unavailable with that reason and is retried).
      if (ready.ok() && !migrated_.load()) {
        ready = pg::migrate(**c);
        if (ready.ok()) {
          migrated_ = true;
          spdlog::info("document store: {} reachable, schema current", (*c)->describe());
        } else if (!pg::is_unavailable(ready.err())) {
          spdlog::error("document store: {}", ready.err().message);
        }
      }
      if (ready.ok()) ready = (*c)->run(std::string("LISTEN ") + channel);
      if (ready.ok()) ready = catch_up(**c);
      if (!ready.ok()) {
        set_unhealthy(ready.err().message);
        for (auto slept = std::chrono::milliseconds(0); slept < backoff && !stopping_; slept += std::chrono::milliseconds(50))
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        backoff = std::min(backoff * 2, opts_.max_backoff);
        continue;
      }
      reader_conn_ = std::move(c).value();
      backoff = std::chrono::milliseconds(100);
      last_catch_up = std::chrono::steady_clock::now();
    }
    pollfd p{PQsocket(reader_conn_->raw()), POLLIN, 0};
    int ready = ::poll(&p, 1, 100);
    bool notified = false;
    if (ready > 0) {
      if (!PQconsumeInput(reader_conn_->raw())) {
        set_unhealthy(reader_conn_->describe() + ": " + PQerrorMessage(reader_conn_->raw()));
        reader_conn_.reset();
        continue;
      }
      while (PGnotify* n = PQnotifies(reader_conn_->raw())) {
        notified = true;
        PQfreemem(n);
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (!notified && now - last_catch_up < opts_.poll_interval) continue;
    last_catch_up = now;
    if (auto r = catch_up(*reader_conn_); !r.ok()) {
      set_unhealthy(r.err().message);
      reader_conn_.reset();
    }
  }
  reader_conn_.reset();
}

}  // namespace hayloft::consumer
