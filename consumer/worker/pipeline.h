#pragma once
// The indexing pipeline for one object, as the reference Haystack consumer runs it:
// classify -> convert -> PreProcessor -> embed -> write to the document store.
//
// Threading: index() is blocking and CPU-bound; call it from a pipeline pool thread. One
// pipeline may be used by many threads at once (it holds only shared, thread-safe parts).
#include <functional>
#include <string>

#include "consumer/convert/document.h"
#include "consumer/docstore/document_store.h"
#include "consumer/embed/embedder.h"
#include "consumer/preprocess/preprocessor.h"

namespace hayloft::consumer {

struct pipeline_settings {
  convert_limits limits;
  preprocessor_config preprocess;
  // Texts per embedder call (the batch of the forward pass).
  std::size_t embed_batch = 32;
};

struct index_stats {
  std::size_t docs = 0;     // converted documents (pages, archive members)
  std::size_t chunks = 0;   // chunks written
  std::size_t skipped = 0;  // archive members that could not be converted
  bool unchanged = false;   // already indexed with this ETag: nothing was done
};

class indexing_pipeline {
 public:
  using log_fn = std::function<void(const std::string&)>;
  indexing_pipeline(pipeline_settings settings, const embed::embedder& embedder, document_store& docs);

  // Indexes `bytes` as (index, bucket, key, etag), replacing older documents of the object.
  // Logs skipped archive members through `log`.
  // An object already indexed with the same ETag is left as it is (stats.unchanged).
  result<index_stats> index(const source_ref& src, const std::string& bytes, const log_fn& log);
  // Drops every document of (index, bucket, key) (an ObjectRemoved event).
  result<void> remove(const source_ref& src) { return docs_.remove(src.index, src.bucket, src.key); }
  // Whether the document store answers now (a round trip); see document_store::ping().
  result<void> ping_store() { return docs_.ping(); }
  const embed::embedder& embedder() const { return embedder_; }
  const pipeline_settings& settings() const { return settings_; }

 private:
  pipeline_settings settings_;
  const embed::embedder& embedder_;
  document_store& docs_;
};

}  // namespace hayloft::consumer
