#include "consumer/docstore/document_store.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <future>
#include <unordered_map>

#include "emulator/core/logging.h"

namespace hayloft::consumer {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "docstore"; }
  std::string message(int c) const override {
    switch (static_cast<docstore_errc>(c)) {
      case docstore_errc::ok: return "ok";
      case docstore_errc::dimension_mismatch: return "vector dimension does not match the index";
      case docstore_errc::model_mismatch: return "the index holds vectors of another embedder";
      case docstore_errc::unknown_index: return "no such index";
    }
    return "docstore error";
  }
};

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

std::string source_key(std::string_view bucket, std::string_view key) {
  std::string k;
  k.reserve(bucket.size() + key.size() + 1);
  k.append(bucket).push_back('\0');
  k.append(key);
  return k;
}

}  // namespace

const std::error_category& docstore_category() {
  static const category c;
  return c;
}
std::error_code make_error_code(docstore_errc e) { return {static_cast<int>(e), docstore_category()}; }

struct document_store::mirror {
  struct row {
    std::int64_t id;
    std::string bucket, key, etag, member;
    int chunk;
    std::optional<int> page;
    bool alive;
  };
  std::shared_mutex lock;  // guards everything below
  std::string model;
  std::size_t dim = 0;
  std::vector<float> matrix;  // rows.size() x dim, row-major
  std::vector<row> rows;
  std::unordered_map<std::string, std::vector<std::size_t>> by_source;
  std::size_t dead = 0;

  void remove_source(const std::string& sk) {
    auto it = by_source.find(sk);
    if (it == by_source.end()) return;
    for (auto pos : it->second) {
      rows[pos].alive = false;
      ++dead;
    }
    by_source.erase(it);
  }
  void add(row r, std::span<const float> v) {
    by_source[source_key(r.bucket, r.key)].push_back(rows.size());
    rows.push_back(std::move(r));
    matrix.insert(matrix.end(), v.begin(), v.end());
  }
  // Drops dead rows once they are the majority, so removal stays O(1) amortised.
  void maybe_compact() {
    if (dead * 2 < rows.size() || rows.empty()) return;
    std::vector<row> kept;
    std::vector<float> m;
    kept.reserve(rows.size() - dead);
    m.reserve((rows.size() - dead) * dim);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].alive) continue;
      kept.push_back(std::move(rows[i]));
      m.insert(m.end(), matrix.begin() + static_cast<std::ptrdiff_t>(i * dim),
               matrix.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
    }
    rows = std::move(kept);
    matrix = std::move(m);
    dead = 0;
    by_source.clear();
    for (std::size_t i = 0; i < rows.size(); ++i) by_source[source_key(rows[i].bucket, rows[i].key)].push_back(i);
  }
};

document_store::document_store(store::state_store& store, core::clock& clock) : store_(store), clock_(clock) {}
document_store::~document_store() = default;

result<void> document_store::migrate() { return store_.migrate(schema); }

void document_store::replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
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

result<void> document_store::replace_sync(const source_ref& src, std::string model, std::vector<chunk_record> chunks) {
  std::promise<result<void>> p;
  replace(src, std::move(model), std::move(chunks), [&p](result<void> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

void document_store::apply_replace(const source_ref& src, const std::string& model,
                                   const std::vector<chunk_record>& chunks, const std::vector<std::int64_t>& ids) {
  std::lock_guard map_lock(mirrors_mutex_);
  auto it = mirrors_.find(src.index);
  if (it == mirrors_.end()) return;  // not loaded yet: the next load reads the committed rows
  auto& m = *it->second;
  std::unique_lock lock(m.lock);
  m.remove_source(source_key(src.bucket, src.key));
  if (!chunks.empty()) {
    if (m.dim == 0 || m.rows.size() == m.dead) {
      m.dim = chunks.front().vector.size();
      m.model = model;
    }
    if (chunks.front().vector.size() == m.dim) {
      for (std::size_t i = 0; i < chunks.size(); ++i)
        m.add({ids[i], src.bucket, src.key, src.etag, chunks[i].member, chunks[i].chunk_index, chunks[i].page, true},
              chunks[i].vector);
    }
  }
  m.maybe_compact();
}

result<document_store::mirror*> document_store::load(const std::string& index) {
  std::lock_guard map_lock(mirrors_mutex_);
  if (auto it = mirrors_.find(index); it != mirrors_.end()) return it->second.get();
  auto m = std::make_unique<mirror>();
  auto rd = store_.reader();
  auto st = rd->prepare("SELECT id, bucket, key, etag, member, chunk, page, model, dim, vector FROM documents "
                        "WHERE idx = ?1 ORDER BY id");
  if (!st.ok()) return st.err();
  st->bind(1, index);
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    auto dim = static_cast<std::size_t>(st->int64(8));
    if (m->dim == 0) {
      m->dim = dim;
      m->model = st->text(7);
    }
    auto blob = st->blob_view(9);
    if (dim != m->dim || blob.size() != dim * sizeof(float)) continue;  // rows of an older model
    std::vector<float> v(dim);
    std::memcpy(v.data(), blob.data(), blob.size());
    std::optional<int> page;
    if (!st->is_null(6)) page = static_cast<int>(st->int64(6));
    m->add({st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4), static_cast<int>(st->int64(5)), page, true}, v);
  }
  auto* raw = m.get();
  mirrors_.emplace(index, std::move(m));
  return raw;
}

result<std::vector<search_hit>> document_store::search(const query& q) {
  auto loaded = load(q.index);
  if (!loaded.ok()) return loaded.err();
  auto& m = **loaded;
  std::vector<std::pair<float, std::size_t>> best;
  {
    std::shared_lock lock(m.lock);
    if (m.rows.size() == m.dead) return std::vector<search_hit>{};
    if (!q.model.empty() && q.model != m.model)
      return hayloft::error{make_error_code(docstore_errc::model_mismatch),
                            "index '" + q.index + "' holds vectors of " + m.model + ", the query was embedded by " + q.model};
    if (q.vector.size() != m.dim)
      return hayloft::error{make_error_code(docstore_errc::dimension_mismatch), "query dimension differs from the index"};
    const auto n = static_cast<Eigen::Index>(m.rows.size());
    Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> mat(
        m.matrix.data(), n, static_cast<Eigen::Index>(m.dim));
    Eigen::Map<const Eigen::VectorXf> v(q.vector.data(), static_cast<Eigen::Index>(m.dim));
    Eigen::VectorXf scores = mat * v;
    best.reserve(m.rows.size() - m.dead);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto& r = m.rows[static_cast<std::size_t>(i)];
      if (!r.alive) continue;
      if (!q.bucket.empty() && r.bucket != q.bucket) continue;
      if (!q.key_prefix.empty() && !r.key.starts_with(q.key_prefix)) continue;
      best.emplace_back(scores[i], static_cast<std::size_t>(i));
    }
    auto k = std::min(q.top_k, best.size());
    std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(k), best.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    best.resize(k);
    std::vector<search_hit> hits;
    hits.reserve(k);
    for (auto& [score, pos] : best) {
      const auto& r = m.rows[pos];
      hits.push_back({score, std::to_string(r.id), r.bucket, r.key, r.etag, r.member, r.chunk, r.page});
    }
    lock.unlock();
    // Texts come from SQLite for the k hits only (the mirror keeps vectors, not texts).
    auto rd = store_.reader();
    auto st = rd->cached("SELECT text FROM documents WHERE id = ?1");
    if (!st.ok()) return st.err();
    for (auto& h : hits) {
      (*st)->reset();
      (*st)->bind(1, static_cast<std::int64_t>(std::stoll(h.text)));
      auto row = (*st)->step();
      if (!row.ok()) return row.err();
      h.text = *row ? (*st)->text(0) : std::string();
    }
    (*st)->reset();
    return hits;
  }
}

result<bool> document_store::is_indexed(const source_ref& src) {
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

result<void> document_store::remove(const std::string& index, const std::string& bucket, const std::string& key) {
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
    m->remove_source(source_key(bucket, key));
    m->maybe_compact();
  }
  return {};
}

result<std::vector<indexed_file>> document_store::files(const std::string& index) {
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

result<std::vector<index_info>> document_store::indexes() {
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

result<void> document_store::reset() {
  auto r = store_.write([](store::database& db) { return db.exec("DELETE FROM documents"); });
  std::lock_guard map_lock(mirrors_mutex_);
  mirrors_.clear();
  return r;
}

}  // namespace hayloft::consumer
