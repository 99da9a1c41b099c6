#pragma once
// The embedded document store: chunks in `documents` of state.db (one process), the default.
//
// Layout: one row per chunk in `documents`, grouped by index name and source object
// (bucket, key, etag). Each index's vectors are mirrored in a vector_index, loaded lazily on
// first search and updated after each commit.
//
// Threading: writes are asynchronous through the state store's group commit (their callbacks
// run on the writer thread); reads and searches take a per-index shared lock and run on the
// caller's thread.
#include <map>
#include <memory>
#include <mutex>

#include "consumer/docstore/document_store.h"
#include "consumer/docstore/vector_index.h"
#include "emulator/core/clock.h"
#include "emulator/store/state_store.h"

namespace hayloft::consumer {

class sqlite_document_store final : public document_store {
 public:
  sqlite_document_store(store::state_store& store, core::clock& clock);
  ~sqlite_document_store() override;

  result<void> migrate() override;
  void replace(const source_ref& src, std::string model, std::vector<chunk_record> chunks,
               std::function<void(result<void>)> done) override;
  result<void> remove(const std::string& index, const std::string& bucket, const std::string& key) override;
  result<bool> is_indexed(const source_ref& src) override;
  result<std::vector<search_hit>> search(const query& q) override;
  result<std::vector<indexed_file>> files(const std::string& index) override;
  result<std::vector<index_info>> indexes() override;
  result<void> reset() override;
  void reload() override;
  std::string describe() const override { return "sqlite"; }

 private:
  result<vector_index*> load(const std::string& index);
  void apply_replace(const source_ref& src, const std::string& model, const std::vector<chunk_record>& chunks,
                     const std::vector<std::int64_t>& ids);

  store::state_store& store_;
  core::clock& clock_;
  std::mutex mirrors_mutex_;  // guards mirrors_ (the map itself; each vector_index has its own lock)
  std::map<std::string, std::unique_ptr<vector_index>> mirrors_;
};

}  // namespace hayloft::consumer
