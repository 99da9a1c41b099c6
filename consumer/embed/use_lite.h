#pragma once
// The default embedder: Universal Sentence Encoder lite (512-d, Apache-2.0) from the model
// directory that scripts/fetch-model fills (model.json, group1-shard*of7, vocab.json).
//
// Long texts: the model reads at most 128 tokens. A text with more is cut into the fewest
// windows of 128 tokens that cover it with at least `min_window_overlap` tokens shared by
// neighbours (spread evenly, the first starting at the first token and the last ending at the
// last), each window is embedded, and the text's vector is the renormalised mean of its
// windows' vectors, so no part of a chunk is silently dropped (see README.md for why).
//
// Threading: load() once per process; embed() is const and safe from any number of threads.
// The forward passes of all callers run on one internal compute_pool (`threads` workers, one
// core each): a call tokenises on the caller's thread, splits its windows into batches of at
// most `max_batch_tokens` tokens, queues them on the pool and blocks until they are done (a
// call of at most one window, such as a search query, goes to the front of the queue). To
// keep that pool the only source of parallelism, load() sets OpenBLAS to one thread
// (openblas_set_num_threads(1)) for the whole process.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "consumer/embed/compute_pool.h"
#include "consumer/embed/embedder.h"
#include "consumer/embed/encoder.h"
#include "consumer/embed/tokenizer.h"

namespace hayloft::embed {

struct use_lite_options {
  std::size_t threads = 0;              // compute workers; 0 = std::thread::hardware_concurrency()
  std::size_t min_window_overlap = 8;   // tokens at least shared by neighbouring windows
  std::size_t max_batch_tokens = 1024;  // tokens per forward pass: bounds scratch memory
};

// A window [begin, begin + length) over a text's token ids.
struct token_window {
  std::size_t begin = 0;
  std::size_t length = 0;
  bool operator==(const token_window&) const = default;
};
// The windows the model reads for a text of `count` tokens: one window (possibly empty) when
// count <= max_tokens; otherwise the fewest windows of max_tokens such that neighbours share at
// least min_overlap tokens, their starts spread evenly from 0 to count - max_tokens. Requires
// min_overlap < max_tokens.
std::vector<token_window> split_windows(std::size_t count, std::size_t max_tokens,
                                        std::size_t min_overlap);

class use_lite final : public embedder {
 public:
  // errc::model_not_found / model_corrupt / vocab_corrupt naming the file at fault.
  static result<std::unique_ptr<use_lite>> load(const std::filesystem::path& model_dir,
                                                use_lite_options options = {});
  ~use_lite() override;

  std::string_view name() const override { return "use-lite-512"; }
  std::size_t dimension() const override { return encoder::output_dim; }
  result<std::vector<embedding>> embed(std::span<const std::string> texts) const override;

  // The same for texts already tokenised with vocabulary() (ids in [0, vocab)); embed(texts)
  // is embed_ids of the texts' encodings. errc::invalid_token for an id out of range.
  result<std::vector<embedding>> embed_ids(std::span<const std::vector<std::int32_t>> texts) const;

  // The windows this model reads for a text of `count` tokens (split_windows with its options).
  std::vector<token_window> windows(std::size_t count) const;

  const tokenizer& vocabulary() const { return tokenizer_; }
  std::size_t max_tokens() const { return encoder_.max_tokens(); }
  std::size_t threads() const { return pool_->size(); }

 private:
  use_lite(tokenizer t, encoder e, use_lite_options options);
  // Embeds every window (each at most max_tokens) into rows of `out` on the pool.
  result<void> run_windows(std::span<const std::span<const std::int32_t>> windows,
                           float* out) const;

  tokenizer tokenizer_;
  encoder encoder_;
  use_lite_options options_;
  // workspaces_[i] is touched only by pool worker i; the pool synchronises itself and is
  // declared last so that its workers are joined before the workspaces go.
  std::unique_ptr<encoder_workspace[]> workspaces_;
  std::unique_ptr<compute_pool> pool_;
};

}  // namespace hayloft::embed
