#include "consumer/embed/hash_embedder.h"

#include <unicode/uchar.h>

#include <cmath>
#include <cstdint>

#include "consumer/embed/tokenizer.h"

namespace hayloft::embed {
namespace {

enum class feature_kind : std::uint8_t { word = 'w', bigram = 'b', trigram = 't' };

class feature_hash {
 public:
  explicit feature_hash(feature_kind kind) { byte(static_cast<std::uint8_t>(kind)); }
  void code_point(char32_t c) {
    for (int i = 0; i < 4; ++i) byte(static_cast<std::uint8_t>(c >> (8 * i)));
  }
  void code_points(std::u32string_view s) {
    for (char32_t c : s) code_point(c);
  }
  std::uint64_t value() const {
    // splitmix64 finaliser: FNV's low bits are weak on short inputs.
    std::uint64_t z = h_ + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  void byte(std::uint8_t b) {
    h_ ^= b;
    h_ *= 1099511628211ull;
  }
  std::uint64_t h_ = 14695981039346656037ull;
};

void add(embedding& v, const feature_hash& f, float weight) {
  const std::uint64_t h = f.value();
  const float sign = (h >> 63) ? -1.0f : 1.0f;
  v[h % v.size()] += sign * weight;
}

}  // namespace

hash_embedder::hash_embedder(std::size_t dimension)
    : dimension_(dimension == 0 ? 1 : dimension),
      name_("hash-lexical-" + std::to_string(dimension_)) {}

embedding hash_embedder::embed_text(std::string_view text) const {
  const std::u32string cps = nfkc_code_points(text, /*fold_case=*/true);
  std::vector<std::u32string_view> words;
  for (std::size_t i = 0; i < cps.size();) {
    if (!u_isalnum(static_cast<UChar32>(cps[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < cps.size() && u_isalnum(static_cast<UChar32>(cps[j]))) ++j;
    words.emplace_back(cps.data() + i, j - i);
    i = j;
  }

  embedding v(dimension_, 0.0f);
  for (std::size_t i = 0; i < words.size(); ++i) {
    feature_hash w(feature_kind::word);
    w.code_points(words[i]);
    add(v, w, 1.0f);
    if (i + 1 < words.size()) {
      feature_hash b(feature_kind::bigram);
      b.code_points(words[i]);
      b.code_point(U' ');
      b.code_points(words[i + 1]);
      add(v, b, 0.5f);
    }
    std::u32string padded = U"<" + std::u32string(words[i]) + U">";
    for (std::size_t k = 0; k + 3 <= padded.size(); ++k) {
      feature_hash t(feature_kind::trigram);
      t.code_points(std::u32string_view(padded).substr(k, 3));
      add(v, t, 0.25f);
    }
  }
  double sq = 0;
  for (float x : v) sq += static_cast<double>(x) * x;
  if (sq > 0) {
    const auto rs = static_cast<float>(1.0 / std::sqrt(sq));
    for (float& x : v) x *= rs;
  }
  return v;
}

result<std::vector<embedding>> hash_embedder::embed(std::span<const std::string> texts) const {
  std::vector<embedding> out;
  out.reserve(texts.size());
  for (const auto& text : texts) {
    if (text.size() > max_text_bytes) {
      return error{errc::input_too_large, "text of " + std::to_string(text.size()) +
                                              " bytes exceeds the embedder's limit"};
    }
    out.push_back(embed_text(text));
  }
  return out;
}

}  // namespace hayloft::embed
