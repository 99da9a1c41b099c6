#include "consumer/docstore/sqlite_store.h"

#include <cstring>

namespace hayloft::consumer {
namespace {

const store::migration_set schema{
    "docstore",
    {R"sql(
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  idx TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  etag TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  page INTEGER,
  member TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  model TEXT NOT NULL,
  dim INTEGER NOT NULL,
  vector BLOB NOT NULL,
  indexed_at INTEGER NOT NULL
);
CREATE INDEX documents_source ON documents(idx, bucket, key);
)sql"}};

}  // namespace

sqlite_document_store::sqlite_document_store(store::state_store& store, core::clock& clock)
    : store_(store), clock_(clock) {}
sqlite_document_store::~sqlite_document_store() = default;

result<void> sqlite_document_store::migrate() { return store_.migrate(schema); }

void sqlite_document_store::replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
                                    std::function<void(result<void>)> done) {
  for (const auto& c : chunks)
    if (!chunks.empty() && c.vector.size() != chunks.front().vector.size())
      return done(hayloft::error{make_error_code(docstore_errc::dimension_mismatch), "chunks of one object differ in dimension"});
  auto ids = std::make_shared<std::vector<std::int64_t>>();
  auto shared_chunks = std::make_shared<std::vector<chunk_record>>(std::move(chunks));
  auto now_ms = core::to_unix_ms(clock_.now());
  store_.submit(
      [src, model, shared_chunks, ids, now_ms](store::database& db) -> result<void> {
        ids->clear();
        auto del = db.cached("DELETE FROM documents WHERE idx = ?1 AND bucket = ?2 AND key = ?3");
        if (!del.ok()) return del.err();
        (*del)->bind(1, src.index).bind(2, src.bucket).bind(3, src.key);
        HAYLOFT_TRY((*del)->run());
        auto ins = db.cached(
            "INSERT INTO documents(idx, bucket, key, etag, chunk, page, member, text, model, dim, vector, indexed_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
        if (!ins.ok()) return ins.err();
        for (const auto& c : *shared_chunks) {
          auto* st = *ins;
          st->reset();
          st->bind(1, src.index).bind(2, src.bucket).bind(3, src.key).bind(4, src.etag).bind(5, c.chunk_index);
          if (c.page) st->bind(6, *c.page);
          else st->bind_null(6);
          st->bind(7, c.member).bind(8, c.text).bind(9, model).bind(10, static_cast<std::int64_t>(c.vector.size()));
          st->bind_blob(11, std::string_view(reinterpret_cast<const char*>(c.vector.data()), c.vector.size() * sizeof(float)));
          st->bind(12, now_ms);
          HAYLOFT_TRY(st->run());
          ids->push_back(db.last_insert_rowid());
        }
        return {};
      },
      [this, src, model, shared_chunks, ids, done = std::move(done)](result<void> r) {
        if (r.ok()) apply_replace(src, model, *shared_chunks, *ids);
        done(std::move(r));
      });
}

void sqlite_document_store::apply_replace(const source_ref& src, const std::string& model,
                                          const std::vector<chunk_record>& chunks, const std::vector<std::int64_t>& ids) {
  std::lock_guard map_lock(mirrors_mutex_);
  auto it = mirrors_.find(src.index);
  if (it == mirrors_.end()) return;  // not loaded yet: the next load reads the committed rows
  auto& m = *it->second;
  std::unique_lock lock(m.lock);
  m.remove_source(src.bucket, src.key);
  for (std::size_t i = 0; i < chunks.size(); ++i)
    m.add({ids[i], src.bucket, src.key, src.etag, chunks[i].member, chunks[i].chunk_index, chunks[i].page, true}, model,
          chunks[i].vector);
  m.maybe_compact();
}

result<vector_index*> sqlite_document_store::load(const std::string& index) {
  std::lock_guard map_lock(mirrors_mutex_);
  if (auto it = mirrors_.find(index); it != mirrors_.end()) return it->second.get();
  auto m = std::make_unique<vector_index>();
  auto rd = store_.reader();
  auto st = rd->prepare("SELECT id, bucket, key, etag, member, chunk, page, model, dim, vector FROM documents "
                        "WHERE idx = ?1 ORDER BY id");
  if (!st.ok()) return st.err();
  st->bind(1, index);
  std::vector<float> v;
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    auto dim = static_cast<std::size_t>(st->int64(8));
    auto blob = st->blob_view(9);
    if (blob.size() != dim * sizeof(float)) continue;
    v.resize(dim);
    std::memcpy(v.data(), blob.data(), blob.size());
    std::optional<int> page;
    if (!st->is_null(6)) page = static_cast<int>(st->int64(6));
    m->add({st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4), static_cast<int>(st->int64(5)), page, true},
           st->text(7), v);
  }
  auto* raw = m.get();
  mirrors_.emplace(index, std::move(m));
  return raw;
}

result<std::vector<search_hit>> sqlite_document_store::search(const query& q) {
  auto loaded = load(q.index);
  if (!loaded.ok()) return loaded.err();
  auto& m = **loaded;
  std::shared_lock lock(m.lock);
  auto hits = m.search(q.index, q);
  lock.unlock();
  if (!hits.ok()) return hits;
  // Texts come from SQLite for the k hits only (the mirror keeps vectors, not texts).
  auto rd = store_.reader();
  auto st = rd->cached("SELECT text FROM documents WHERE id = ?1");
  if (!st.ok()) return st.err();
  for (auto& h : *hits) {
    (*st)->reset();
    (*st)->bind(1, static_cast<std::int64_t>(std::stoll(h.text)));
    auto row = (*st)->step();
    if (!row.ok()) return row.err();
    h.text = *row ? (*st)->text(0) : std::string();
  }
  (*st)->reset();
  return hits;
}

result<bool> sqlite_document_store::is_indexed(const source_ref& src) {
  auto rd = store_.reader();
  auto st = rd->cached("SELECT 1 FROM documents WHERE idx = ?1 AND bucket = ?2 AND key = ?3 AND etag = ?4 LIMIT 1");
  if (!st.ok()) return st.err();
  (*st)->bind(1, src.index).bind(2, src.bucket).bind(3, src.key).bind(4, src.etag);
  auto row = (*st)->step();
  if (!row.ok()) return row.err();
  bool found = *row;
  (*st)->reset();
  return found;
}

result<void> sqlite_document_store::remove(const std::string& index, const std::string& bucket, const std::string& key) {
  auto r = store_.write([&](store::database& db) -> result<void> {
    auto st = db.cached("DELETE FROM documents WHERE (?1 = '' OR idx = ?1) AND bucket = ?2 AND key = ?3");
    if (!st.ok()) return st.err();
    (*st)->bind(1, index).bind(2, bucket).bind(3, key);
    return (*st)->run();
  });
  if (!r.ok()) return r;
  std::lock_guard map_lock(mirrors_mutex_);
  for (auto& [name, m] : mirrors_) {
    if (!index.empty() && name != index) continue;
    std::unique_lock lock(m->lock);
    m->remove_source(bucket, key);
    m->maybe_compact();
  }
  return {};
}

result<std::vector<indexed_file>> sqlite_document_store::files(const std::string& index) {
  auto rd = store_.reader();
  auto st = rd->prepare("SELECT bucket, key, etag, count(*), max(indexed_at) FROM documents WHERE idx = ?1 "
                        "GROUP BY bucket, key ORDER BY bucket, key");
  if (!st.ok()) return st.err();
  st->bind(1, index);
  std::vector<indexed_file> out;
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({st->text(0), st->text(1), st->text(2), st->int64(3), core::iso8601(core::from_unix_ms(st->int64(4)))});
  }
  return out;
}

result<std::vector<index_info>> sqlite_document_store::indexes() {
  auto rd = store_.reader();
  auto st = rd->prepare("SELECT idx, model, dim, count(DISTINCT bucket || char(0) || key), count(*) FROM documents "
                        "GROUP BY idx ORDER BY idx");
  if (!st.ok()) return st.err();
  std::vector<index_info> out;
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({st->text(0), st->text(1), static_cast<std::size_t>(st->int64(2)), st->int64(3), st->int64(4)});
  }
  return out;
}

result<void> sqlite_document_store::reset() {
  auto r = store_.write([](store::database& db) { return db.exec("DELETE FROM documents"); });
  std::lock_guard map_lock(mirrors_mutex_);
  mirrors_.clear();
  return r;
}

void sqlite_document_store::reload() {
  std::lock_guard map_lock(mirrors_mutex_);
  mirrors_.clear();
}

}  // namespace hayloft::consumer
