#pragma once
// The sentence-embedder interface the consumer and search use, its error codes, and the factory
// that binds `--embedder <kind>` to an implementation.
//
// Threading: every embedder is immutable after construction and `embed()` is safe to call from
// any number of threads at once. The app creates one embedder per process (the model is loaded
// once) and hands a reference to every consumer pod and to search. The embedder must outlive
// every call in progress.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::embed {

enum class errc {
  ok = 0,
  model_not_found,   // no model directory, or a file of the model is missing
  model_corrupt,     // model.json / weight shards unreadable or not the expected graph
  vocab_corrupt,     // vocab.json unreadable or malformed
  unknown_embedder,  // `--embedder` names no implementation
  input_too_large,   // one text is larger than embedder::max_text_bytes
  invalid_token,     // a pre-tokenised input holds an id outside the vocabulary
  internal,          // a failure inside the forward pass (allocation)
  blas_unavailable,  // libopenblas.so.0 cannot be loaded (consumer/embed/blas.h)
};
const std::error_category& embed_category();
std::error_code make_error_code(errc e);

// One L2-normalised vector per input text.
using embedding = std::vector<float>;

class embedder {
 public:
  // Texts larger than this are refused with errc::input_too_large rather than tokenised.
  static constexpr std::size_t max_text_bytes = 4 << 20;

  virtual ~embedder() = default;

  // A stable identifier of the vector space ("use-lite-512", "hash-lexical-512"). Vectors from
  // embedders with different names are not comparable; the document store records it.
  virtual std::string_view name() const = 0;
  virtual std::size_t dimension() const = 0;

  // Embeds every text; result[i] belongs to texts[i] and has dimension() entries with unit L2
  // norm (or all zeros where a lexical embedder finds no feature). Deterministic: the same
  // text gives the same vector whatever else is in the batch. Blocking (CPU-bound): call it from
  // a worker thread, never from an I/O thread.
  virtual result<std::vector<embedding>> embed(std::span<const std::string> texts) const = 0;

  // Convenience for one text (a search query).
  result<embedding> embed_one(std::string text) const;
};

// Cosine similarity of two vectors of equal size (dot product over the product of norms; 0 when
// either is all zeros).
float cosine(std::span<const float> a, std::span<const float> b);

// `--embedder` values: "use-lite" (default; also "use") and "hash".
inline constexpr std::string_view default_embedder_kind = "use-lite";

// Builds the embedder named by `kind`. For "use-lite", `model_dir` holds model.json, the weight
// shards and vocab.json (an empty path means find_model_dir()) and `threads` is the number of
// compute threads (0 = one per core). "hash" ignores both. Loading the model takes well under
// a second; do it once at start-up.
result<std::unique_ptr<embedder>> make_embedder(std::string_view kind,
                                                const std::filesystem::path& model_dir = {},
                                                std::size_t threads = 0);

// Where the model is looked for, in order: $HAYLOFT_MODEL_DIR, <dir of the running
// executable>/../models/use-lite, <source tree>/models/use-lite (where scripts/fetch-model puts
// it).
std::vector<std::filesystem::path> model_dir_candidates();
// The first candidate holding model.json, or errc::model_not_found naming every path tried.
result<std::filesystem::path> find_model_dir();

}  // namespace hayloft::embed

namespace std {
template <>
struct is_error_code_enum<hayloft::embed::errc> : true_type {};
}  // namespace std
