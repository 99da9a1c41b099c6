#pragma once
// A deterministic lexical embedder (`--embedder hash`): feature hashing of words, word
// bigrams and character trigrams into 512 signed buckets, L2-normalised. It needs no model,
// so tests and model-less runs use it; it matches words, not meanings (its name says
// "lexical" so that nobody mistakes its scores for semantic ones).
//
// Features of a text, after NFKC and Unicode case folding, where a word is a maximal run of
// letters and digits:
//   each word w                        weight 1.0
//   each pair of adjacent words        weight 0.5
//   each trigram of "<" w ">"          weight 0.25 (so "password" and "passwords" overlap)
// A feature's 64-bit FNV-1a hash over (tag, code points), mixed with splitmix64, picks the
// bucket (hash % dim) and the sign (top bit). A text with no word gets the zero vector.
//
// Threading: stateless; embed() is safe from any number of threads.
#include <cstddef>
#include <string>

#include "consumer/embed/embedder.h"

namespace hayloft::embed {

class hash_embedder final : public embedder {
 public:
  explicit hash_embedder(std::size_t dimension = 512);

  std::string_view name() const override { return name_; }
  std::size_t dimension() const override { return dimension_; }
  result<std::vector<embedding>> embed(std::span<const std::string> texts) const override;

  // One text's vector (never fails).
  embedding embed_text(std::string_view text) const;

 private:
  std::size_t dimension_;
  std::string name_;
};

}  // namespace hayloft::embed
