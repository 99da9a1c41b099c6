#include "consumer/worker/pipeline.h"

#include "consumer/convert/convert.h"

namespace hayloft::consumer {

indexing_pipeline::indexing_pipeline(pipeline_settings settings, const embed::embedder& embedder, document_store& docs)
    : settings_(std::move(settings)), embedder_(embedder), docs_(docs) {}

result<index_stats> indexing_pipeline::index(const source_ref& src, const std::string& bytes, const log_fn& log) {
  index_stats stats;
  auto indexed = docs_.is_indexed(src);
  if (!indexed.ok()) return indexed.err();
  if (*indexed) {
    stats.unchanged = true;
    return stats;
  }
  auto converted = convert(src.key, bytes, settings_.limits);
  if (!converted.ok()) return converted.err();
  stats.docs = converted->docs.size();
  stats.skipped = converted->skipped.size();
  for (const auto& s : converted->skipped)
    if (log) log("skipped " + src.key + (s.member.empty() ? "" : ":" + s.member) + ": " + s.reason);
  auto pre = preprocess(converted->docs, settings_.preprocess);
  if (!pre.ok()) return pre.err();
  std::vector<chunk_record> records;
  records.reserve(pre->chunks.size());
  std::vector<std::string> texts;
  for (auto& c : pre->chunks) {
    // Whitespace-only chunks carry nothing to retrieve; Haystack keeps them, we do not embed them.
    if (c.text.find_first_not_of(" \t\r\n\f") == std::string::npos) continue;
    texts.push_back(c.text);
    records.push_back({std::move(c.text), c.chunk_index, c.meta.page, std::move(c.meta.member), {}});
  }
  for (std::size_t start = 0; start < texts.size(); start += settings_.embed_batch) {
    auto end = std::min(texts.size(), start + settings_.embed_batch);
    auto vectors = embedder_.embed(std::span<const std::string>(texts.data() + start, end - start));
    if (!vectors.ok()) return vectors.err();
    for (std::size_t i = start; i < end; ++i) records[i].vector = std::move((*vectors)[i - start]);
  }
  stats.chunks = records.size();
  HAYLOFT_TRY(docs_.replace_sync(src, std::string(embedder_.name()), std::move(records)));
  return stats;
}

}  // namespace hayloft::consumer
