#pragma once
// The in-memory copy of one index's vectors that every document_store searches: one contiguous
// row-major matrix (rows x dim), a row per chunk with its source, and a map from source
// (bucket, key) to its rows. A query is one matrix-vector product plus a partial sort. Vectors
// are L2-normalised by the embedders, so the dot product is the cosine similarity.
//
// Removal marks rows dead; dead rows are dropped once they are the majority, so removal stays
// O(1) amortised.
//
// Threading: not synchronised; the owning store guards each vector_index with `lock`.
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "consumer/docstore/document_store.h"

namespace hayloft::consumer {

class vector_index {
 public:
  struct row {
    std::int64_t id;  // the store's row id: search hits carry it to fetch their texts
    std::string bucket, key, etag, member;
    int chunk;
    std::optional<int> page;
    bool alive = true;
  };

  std::shared_mutex lock;  // guards everything below (the stores hold it, not the methods)

  const std::string& model() const { return model_; }
  std::size_t dim() const { return dim_; }
  std::size_t live() const { return rows_.size() - dead_; }
  bool empty() const { return live() == 0; }

  // Drops every row of (bucket, key).
  void remove_source(const std::string& bucket, const std::string& key);
  // Appends a row. The first row of an empty index sets its model and dimension; a row of
  // another dimension is ignored (rows of an older model). Returns false when ignored.
  bool add(row r, const std::string& model, std::span<const float> v);
  void clear();
  void maybe_compact();

  // The top_k live rows by score that pass the query's filters; the hit's `text` holds the row
  // id (decimal) for the caller to replace by the chunk's text. Errors: model or dimension
  // mismatch.
  result<std::vector<search_hit>> search(const std::string& index, const document_store::query& q) const;

 private:
  std::string model_;
  std::size_t dim_ = 0;
  std::vector<float> matrix_;  // rows_.size() x dim_, row-major
  std::vector<row> rows_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_source_;
  std::size_t dead_ = 0;
};

}  // namespace hayloft::consumer
