#include "consumer/embed/tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "consumer/embed/embedder.h"

namespace hayloft::embed {
namespace {

constexpr char32_t separator = U'\u2581';  // "▁", SentencePiece's word boundary

std::u32string to_code_points(const icu::UnicodeString& s) {
  std::u32string out;
  out.reserve(static_cast<std::size_t>(s.length()));
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

std::u32string utf8_code_points(std::string_view utf8) {
  return to_code_points(icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))));
}

std::uint32_t utf16_length(const std::u32string& s) {
  std::uint32_t n = 0;
  for (char32_t c : s) n += c > 0xFFFF ? 2 : 1;
  return n;
}

}  // namespace

std::u32string nfkc_code_points(std::string_view utf8, bool fold_case) {
  UErrorCode status = U_ZERO_ERROR;
  // The instance is owned by ICU, created once and immutable: safe to share across threads.
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out;
  if (U_SUCCESS(status)) {
    out = nfkc->normalize(in, status);
  }
  if (U_FAILURE(status)) {
    // ICU's data is missing or the text is too large for it: fall back to the raw text rather
    // than fail, the tokenizer then sees unnormalised but valid code points.
    out = in;
  }
  if (fold_case) out.foldCase();
  return to_code_points(out);
}

result<tokenizer> tokenizer::load(const std::filesystem::path& vocab_json) {
  std::ifstream in(vocab_json, std::ios::binary);
  if (!in) {
    return error{errc::model_not_found, "cannot open vocabulary " + vocab_json.string()};
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array()) {
    return error{errc::vocab_corrupt, vocab_json.string() + " is not a JSON array"};
  }
  std::vector<std::pair<std::string, double>> pieces;
  pieces.reserve(doc.size());
  for (const auto& entry : doc) {
    if (!entry.is_array() || entry.size() < 2 || !entry[0].is_string() ||
        !(entry[1].is_number() || entry[1].is_null())) {
      return error{errc::vocab_corrupt, vocab_json.string() + ": entry " +
                                            std::to_string(pieces.size()) +
                                            " is not [piece, score]"};
    }
    pieces.emplace_back(entry[0].get<std::string>(),
                        entry[1].is_null() ? 0.0 : entry[1].get<double>());
  }
  return from_pieces(std::move(pieces));
}

result<tokenizer> tokenizer::from_pieces(std::vector<std::pair<std::string, double>> pieces) {
  if (pieces.size() <= static_cast<std::size_t>(reserved_ids)) {
    return error{errc::vocab_corrupt, "vocabulary has no pieces beyond the reserved ids"};
  }
  if (pieces.size() > (1u << 30)) {
    return error{errc::vocab_corrupt, "vocabulary too large"};
  }
  tokenizer t;
  t.node_id_.push_back(-1);  // the root
  t.node_score_.push_back(0.0);
  t.lengths_.reserve(pieces.size());
  for (std::size_t id = 0; id < pieces.size(); ++id) {
    std::u32string cps = utf8_code_points(pieces[id].first);
    t.lengths_.push_back(utf16_length(cps));
    // Like TF.js, the reserved ids stay out of the trie and a later duplicate piece wins.
    if (id >= static_cast<std::size_t>(reserved_ids) && !cps.empty()) {
      t.insert(cps, static_cast<std::int32_t>(id), pieces[id].second);
    }
  }
  return t;
}

void tokenizer::insert(const std::u32string& piece, std::int32_t id, double score) {
  std::uint32_t node = 0;
  for (char32_t cp : piece) {
    auto [it, added] =
        children_.try_emplace(edge(node, cp), static_cast<std::uint32_t>(node_id_.size()));
    if (added) {
      node_id_.push_back(-1);
      node_score_.push_back(0.0);
    }
    node = it->second;
  }
  node_id_[node] = id;
  node_score_[node] = score;
}

void tokenizer::prefix_matches(const std::u32string& symbols, std::size_t start,
                               std::vector<match>& out) const {
  out.clear();
  std::uint32_t node = 0;
  for (std::size_t i = start; i < symbols.size(); ++i) {
    auto it = children_.find(edge(node, symbols[i]));
    if (it == children_.end()) break;
    node = it->second;
    if (node_id_[node] >= 0) {
      out.push_back({static_cast<std::uint32_t>(i - start + 1), node_id_[node], node_score_[node]});
    }
  }
  if (out.empty()) out.push_back({1, 0, 0.0});  // one unknown symbol
}

std::vector<std::int32_t> tokenizer::encode(std::string_view utf8) const {
  std::u32string symbols = nfkc_code_points(utf8);
  if (symbols.empty()) return {};
  std::replace(symbols.begin(), symbols.end(), U' ', separator);
  symbols.insert(symbols.begin(), separator);
  const std::size_t n = symbols.size();

  // Viterbi. TF.js visits the lattice by end position, then by start position, and the order
  // decides ties. Visiting by start position instead reaches the candidates of every end
  // position in the same order (each start adds at most one per end, starts ascending), and
  // best[start] is final by then, so no lattice needs to be stored.
  std::vector<double> best(n + 1, 0.0);
  std::vector<std::int32_t> words(n + 1, 0);
  std::vector<match> matches;
  for (std::size_t start = 0; start < n; ++start) {
    prefix_matches(symbols, start, matches);
    for (const match& m : matches) {
      const std::size_t end = start + m.length;
      const double score = m.score + best[start];
      if (best[end] == 0.0 || score >= best[end]) {
        best[end] = score;
        words[end] = m.id;
      }
    }
  }

  std::vector<std::int32_t> reversed;
  for (std::size_t pos = n; pos > 0;) {
    const std::int32_t id = words[pos];
    reversed.push_back(id);
    const std::size_t step = std::max<std::size_t>(1, lengths_[static_cast<std::size_t>(id)]);
    pos = step >= pos ? 0 : pos - step;
  }

  std::vector<std::int32_t> ids;
  ids.reserve(reversed.size());
  bool previous_unknown = false;
  for (std::int32_t id : reversed) {
    if (!(previous_unknown && id == 0)) ids.push_back(id);
    previous_unknown = id == 0;
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

}  // namespace hayloft::embed
