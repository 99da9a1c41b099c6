#pragma once
// The document store: indexed chunks (text, metadata, vector) and exact cosine search over them.
// An interface with two implementations:
//   - sqlite_document_store (sqlite_store.h): state.db of one process, the embedded default;
//   - pg_document_store (pg_store.h): one PostgreSQL database shared by many consumer
//     processes and searchers.
//
// Contract shared by both: writing an object's chunks replaces every chunk of the same
// (index, bucket, key) in one transaction, so re-delivery of the same object never duplicates
// documents and a new version (new ETag) replaces the old one. Search is exact: each searching
// process keeps the index's vectors in memory (vector_index.h).
//
// Threading: all methods are thread-safe. replace()'s callback may run on a store thread;
// the other methods block and run on the caller's thread (a pool thread, never an I/O thread).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::consumer {

enum class docstore_errc {
  ok = 0,
  dimension_mismatch,  // a vector's size differs from the index's dimension
  model_mismatch,      // the index holds vectors of another embedder
  unknown_index,
  unavailable,         // the database cannot be reached now (retry later)
  schema_too_new,      // the database's schema was written by a newer hayloft
  superseded,          // a newer version of the object is already stored (nothing written)
};
const std::error_category& docstore_category();
std::error_code make_error_code(docstore_errc e);

struct source_ref {
  std::string index = "default";
  std::string bucket;
  std::string key;
  std::string etag;
  // The object's LastModified (Unix ms; 0 = unknown). A shared store keeps the newest version
  // when consumers race on one key: an older version never replaces a newer one.
  std::int64_t version = 0;
};

struct chunk_record {
  std::string text;
  int chunk_index = 0;
  std::optional<int> page;
  std::string member;  // path inside an archive, empty otherwise
  std::vector<float> vector;
};

struct search_hit {
  float score = 0;
  std::string text;
  std::string bucket, key, etag, member;
  int chunk_index = 0;
  std::optional<int> page;
};

struct indexed_file {
  std::string bucket, key, etag;
  std::int64_t chunks = 0;
  std::string indexed_at;  // ISO 8601
};

struct index_info {
  std::string name;
  std::string model;
  std::size_t dimension = 0;
  std::int64_t files = 0;
  std::int64_t chunks = 0;
};

class document_store {
 public:
  virtual ~document_store() = default;
  // Brings the schema up to date (blocking; call at start-up). Fails with schema_too_new when
  // the database was migrated by a newer hayloft.
  virtual result<void> migrate() = 0;

  // Replaces the chunks of (index, bucket, key) by `chunks`, embedded by `model`. done(result)
  // runs after the commit (on a store thread, or the caller's).
  virtual void replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
                       std::function<void(result<void>)> done) = 0;
  result<void> replace_sync(const source_ref& src, std::string model, std::vector<chunk_record> chunks);
  // Removes every chunk of (index, bucket, key); an empty index name removes from all indexes.
  virtual result<void> remove(const std::string& index, const std::string& bucket, const std::string& key) = 0;
  // True when (index, bucket, key) is indexed with exactly this ETag.
  virtual result<bool> is_indexed(const source_ref& src) = 0;

  struct query {
    std::string index = "default";
    std::vector<float> vector;
    std::string model;
    std::size_t top_k = 3;
    std::string key_prefix;  // only chunks whose key starts with this
    std::string bucket;      // only chunks of this bucket, if set
  };
  virtual result<std::vector<search_hit>> search(const query& q) = 0;

  virtual result<std::vector<indexed_file>> files(const std::string& index) = 0;
  virtual result<std::vector<index_info>> indexes() = 0;
  // Empties every index (POST /_hayloft/reset).
  virtual result<void> reset() = 0;
  // After state.db was replaced by a restore (emulator/app/snapshots.h): forgets what this
  // process keeps in memory of the stored chunks. A store outside state.db (PostgreSQL) is not
  // part of a snapshot and keeps its state.
  virtual void reload() {}

  // Ok when the store can take writes and answer searches now; else `unavailable` with the
  // reason (the database is down or restarting). Cheap: no round trip.
  virtual result<void> available() { return {}; }
  // Like available(), but asks the database (one round trip): what a consumer checks before it
  // takes more messages after a write failed with `unavailable`.
  virtual result<void> ping() { return available(); }
  // "sqlite" or "postgresql" with host, port and database (never the password).
  virtual std::string describe() const = 0;
};

}  // namespace hayloft::consumer

template <>
struct std::is_error_code_enum<hayloft::consumer::docstore_errc> : std::true_type {};
