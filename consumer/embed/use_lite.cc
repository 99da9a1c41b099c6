#include "consumer/embed/use_lite.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <thread>

#include "consumer/embed/blas.h"

namespace hayloft::embed {

std::vector<token_window> split_windows(std::size_t count, std::size_t max_tokens,
                                        std::size_t min_overlap) {
  if (count <= max_tokens) return {{0, count}};
  // The fewest windows that cover the text with at least min_overlap shared tokens between
  // neighbours, spread evenly from the first token to the last.
  const std::size_t step = max_tokens - min_overlap;
  const std::size_t windows = (count - min_overlap + step - 1) / step;
  const std::size_t span = count - max_tokens;  // the last window's start
  std::vector<token_window> out;
  out.reserve(windows);
  for (std::size_t i = 0; i < windows; ++i) out.push_back({i * span / (windows - 1), max_tokens});
  return out;
}

use_lite::use_lite(tokenizer t, encoder e, use_lite_options options)
    : tokenizer_(std::move(t)), encoder_(std::move(e)), options_(options) {
  std::size_t threads = options_.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workspaces_ = std::make_unique<encoder_workspace[]>(threads);
  pool_ = std::make_unique<compute_pool>(threads);
}

use_lite::~use_lite() = default;

result<std::unique_ptr<use_lite>> use_lite::load(const std::filesystem::path& model_dir,
                                                 use_lite_options options) {
  if (!std::filesystem::is_directory(model_dir)) {
    return error{errc::model_not_found, "model directory " + model_dir.string() +
                                            " does not exist (run scripts/fetch-model)"};
  }
  auto weights = tfjs_weights::load(model_dir);
  if (!weights) return weights.err();
  auto enc = encoder::create(std::move(*weights));
  if (!enc) return enc.err();
  auto tok = tokenizer::load(model_dir / "vocab.json");
  if (!tok) return tok.err();
  if (tok->vocab_size() > enc->vocab_size()) {
    return error{errc::model_corrupt, "vocab.json has more pieces than the model has embeddings"};
  }
  if (options.min_window_overlap >= enc->max_tokens()) {
    return error{errc::model_corrupt,
                 "window overlap must be smaller than the model's maximum length"};
  }
  options.max_batch_tokens = std::max(options.max_batch_tokens, enc->max_tokens());
  // Parallelism comes from the compute pool; a multi-threaded BLAS under it would oversubscribe.
  blas::set_num_threads(1);  // loaded by encoder::create()
  return std::unique_ptr<use_lite>(new use_lite(std::move(*tok), std::move(*enc), options));
}

std::vector<token_window> use_lite::windows(std::size_t count) const {
  return split_windows(count, encoder_.max_tokens(), options_.min_window_overlap);
}

result<std::vector<embedding>> use_lite::embed(std::span<const std::string> texts) const {
  std::vector<std::vector<std::int32_t>> ids;
  ids.reserve(texts.size());
  for (const auto& text : texts) {
    if (text.size() > max_text_bytes) {
      return error{errc::input_too_large, "text of " + std::to_string(text.size()) +
                                              " bytes exceeds the embedder's limit"};
    }
    ids.push_back(tokenizer_.encode(text));
  }
  return embed_ids(ids);
}

result<std::vector<embedding>> use_lite::embed_ids(
    std::span<const std::vector<std::int32_t>> texts) const {
  std::vector<std::span<const std::int32_t>> pieces;  // every window of every text, in order
  std::vector<std::size_t>
      first_window;  // texts[i] owns pieces [first_window[i], first_window[i+1])
  first_window.reserve(texts.size() + 1);
  for (const auto& ids : texts) {
    for (std::int32_t id : ids) {
      if (id < 0 || static_cast<std::size_t>(id) >= encoder_.vocab_size()) {
        return error{errc::invalid_token,
                     "token id " + std::to_string(id) + " is outside the vocabulary"};
      }
    }
    first_window.push_back(pieces.size());
    for (const token_window& w : windows(ids.size())) {
      pieces.push_back(std::span<const std::int32_t>(ids).subspan(w.begin, w.length));
    }
  }
  first_window.push_back(pieces.size());

  const std::size_t dim = encoder::output_dim;
  std::vector<float> rows(pieces.size() * dim);
  auto ran = run_windows(pieces, rows.data());
  if (!ran) return ran.err();

  std::vector<embedding> out(texts.size(), embedding(dim, 0.0f));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    embedding& v = out[i];
    for (std::size_t w = first_window[i]; w < first_window[i + 1]; ++w) {
      const float* row = rows.data() + w * dim;
      for (std::size_t j = 0; j < dim; ++j) v[j] += row[j];
    }
    if (first_window[i + 1] - first_window[i] > 1) {
      float sq = 0;
      for (float x : v) sq += x * x;
      // Unit vectors of windows of one text never cancel out in practice; guard anyway.
      const float rs = sq > 0 ? 1.0f / std::sqrt(sq) : 0.0f;
      for (float& x : v) x *= rs;
    }
  }
  return out;
}

result<void> use_lite::run_windows(std::span<const std::span<const std::int32_t>> windows,
                                   float* out) const {
  if (windows.empty()) return {};
  // Batches of consecutive windows, at most max_batch_tokens each and small enough that every
  // worker gets a share of a large call.
  std::size_t total = 0;
  for (const auto& w : windows) total += std::max<std::size_t>(w.size(), 1);
  // As many batches as max_batch_tokens needs, rounded up to a multiple of the workers so
  // that they finish together, each of about the same number of tokens.
  const std::size_t workers = pool_->size();
  std::size_t batches = (total + options_.max_batch_tokens - 1) / options_.max_batch_tokens;
  batches = (batches + workers - 1) / workers * workers;
  const std::size_t budget = std::max(encoder_.max_tokens(), (total + batches - 1) / batches);

  std::vector<compute_pool::task> tasks;
  std::atomic<bool> failed{false};
  for (std::size_t first = 0; first < windows.size();) {
    std::size_t last = first, tokens = 0;
    while (last < windows.size() && (last == first || tokens + windows[last].size() <= budget)) {
      tokens += std::max<std::size_t>(windows[last].size(), 1);
      ++last;
    }
    tasks.push_back([this, batch = windows.subspan(first, last - first),
                     dest = out + first * encoder::output_dim, &failed](std::size_t worker) {
      try {
        encoder_.forward(batch, dest, workspaces_[worker]);
      } catch (const std::exception&) {  // allocation failure of a scratch buffer
        failed = true;
      }
    });
    first = last;
  }
  // A call that fits one window (a search query) jumps the queue of indexing batches.
  pool_->run(std::move(tasks), /*urgent=*/total <= encoder_.max_tokens());
  if (failed) return error{errc::internal, "out of memory in the embedder's forward pass"};
  return {};
}

}  // namespace hayloft::embed
