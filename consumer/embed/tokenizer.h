#pragma once
// SentencePiece unigram tokenizer for Universal Sentence Encoder lite, reading the pieces and
// scores of vocab.json (`[["piece", score|null], ...]`, the index is the id).
//
// encode() reproduces the TF.js tokenizer the model shipped with, id for id:
//   - NFKC (ICU), then "▁" + text with every U+0020 turned into "▁" (empty text -> no ids);
//   - the text is a sequence of code points; ids 0..5 (unk and control symbols) never match;
//     a start position where no piece matches contributes one unknown symbol (id 0);
//   - Viterbi over end positions: candidate pieces ending at a position are tried from the
//     longest to the shortest, a candidate replaces the best so far when its path score is >=
//     it or when the best so far is exactly 0 (TF.js's "unset" marker); a null score counts 0;
//   - backtracking steps back by each chosen piece's length, then runs of unknown ids merge.
// The tokenizer does not truncate; the model reads at most its own maximum (128 ids).
//
// Threading: immutable after load; encode() is const and safe from any number of threads.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::embed {

class tokenizer {
 public:
  // Ids below this are reserved (unknown, <s>, </s>, extra tokens) and never produced by a match.
  static constexpr int reserved_ids = 6;

  // Reads vocab.json. errc::model_not_found when the file is missing, errc::vocab_corrupt when
  // it is not a list of [string, number|null] pairs.
  static result<tokenizer> load(const std::filesystem::path& vocab_json);
  // Builds from (piece, score) pairs in id order, a JSON null score already turned into 0. Used
  // by load() and by tests.
  static result<tokenizer> from_pieces(std::vector<std::pair<std::string, double>> pieces);

  std::vector<std::int32_t> encode(std::string_view utf8) const;

  std::size_t vocab_size() const { return lengths_.size(); }

 private:
  struct match {
    std::uint32_t length;  // in code points
    std::int32_t id;
    double score;
  };
  // A trie over code points in one hash map: (node << 21 | code point) -> child node.
  static std::uint64_t edge(std::uint32_t node, char32_t cp) {
    return (static_cast<std::uint64_t>(node) << 21) | static_cast<std::uint64_t>(cp);
  }
  void insert(const std::u32string& piece, std::int32_t id, double score);
  void prefix_matches(const std::u32string& symbols, std::size_t start,
                      std::vector<match>& out) const;

  std::unordered_map<std::uint64_t, std::uint32_t> children_;
  // Per trie node: the id and score of the piece ending there, id -1 when none.
  std::vector<std::int32_t> node_id_;
  std::vector<double> node_score_;
  // Per id: the piece's length in UTF-16 units (what TF.js steps back by when backtracking).
  std::vector<std::uint32_t> lengths_;
};

// NFKC-normalises UTF-8 text into code points (invalid UTF-8 becomes U+FFFD). Shared with the
// lexical embedder.
std::u32string nfkc_code_points(std::string_view utf8, bool fold_case = false);

}  // namespace hayloft::embed
