#pragma once
// The document store: indexed chunks (text, metadata, vector) in state.db, and exact cosine
// search over them.
//
// Layout: one row per chunk in `documents`, grouped by index name and source object
// (bucket, key, etag). Writing an object's chunks replaces every chunk of the same
// (index, bucket, key) in one transaction, so re-delivery of the same object never duplicates
// documents and a new version (new ETag) replaces the old one.
//
// Search: each index's vectors are mirrored in memory as one contiguous row-major matrix
// (loaded lazily on first use, updated after each commit), and a query is one matrix-vector
// product plus a partial sort. Vectors are L2-normalised by the embedders, so the dot product is
// the cosine similarity.
//
// Threading: all methods are thread-safe. Writes are asynchronous through the store's group
// commit (their callbacks run on the writer thread); reads and searches take a per-index
// shared lock and run on the caller's thread (a pool thread, never an I/O thread for large
// indexes).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/result.h"
#include "emulator/store/state_store.h"

namespace hayloft::consumer {

enum class docstore_errc {
  ok = 0,
  dimension_mismatch,  // a vector's size differs from the index's dimension
  model_mismatch,      // the index holds vectors of another embedder
  unknown_index,
};
const std::error_category& docstore_category();
std::error_code make_error_code(docstore_errc e);

struct source_ref {
  std::string index = "default";
  std::string bucket;
  std::string key;
  std::string etag;
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
  document_store(store::state_store& store, core::clock& clock);
  ~document_store();
  // Creates the schema (blocking; call at start-up).
  result<void> migrate();

  // Replaces the chunks of (index, bucket, key) by `chunks`, embedded by `model`. done(result)
  // runs after the commit, on the writer thread.
  void replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
               std::function<void(result<void>)> done);
  result<void> replace_sync(const source_ref& src, std::string model, std::vector<chunk_record> chunks);
  // Removes every chunk of (index, bucket, key); an empty index name removes from all indexes.
  result<void> remove(const std::string& index, const std::string& bucket, const std::string& key);
  // True when (index, bucket, key) is indexed with exactly this ETag.
  result<bool> is_indexed(const source_ref& src);

  struct query {
    std::string index = "default";
    std::vector<float> vector;
    std::string model;
    std::size_t top_k = 3;
    std::string key_prefix;  // only chunks whose key starts with this
    std::string bucket;      // only chunks of this bucket, if set
  };
  result<std::vector<search_hit>> search(const query& q);

  result<std::vector<indexed_file>> files(const std::string& index);
  result<std::vector<index_info>> indexes();
  // Empties every index (POST /_hayloft/reset).
  result<void> reset();

 private:
  struct mirror;  // in-memory copy of one index's vectors
  result<mirror*> load(const std::string& index);
  void apply_replace(const source_ref& src, const std::string& model, const std::vector<chunk_record>& chunks,
                     const std::vector<std::int64_t>& ids);

  store::state_store& store_;
  core::clock& clock_;
  std::mutex mirrors_mutex_;  // guards mirrors_ (the map itself; each mirror has its own lock)
  std::map<std::string, std::unique_ptr<mirror>> mirrors_;
};

}  // namespace hayloft::consumer

template <>
struct std::is_error_code_enum<hayloft::consumer::docstore_errc> : std::true_type {};
