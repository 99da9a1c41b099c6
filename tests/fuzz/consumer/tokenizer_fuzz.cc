// The embedder's SentencePiece tokenizer over chunk text from client documents: with the real
// USE-lite vocabulary when models/use-lite is there, and always with a small built-in one (so
// the replay runs anywhere). Properties: every id is in the vocabulary, ids 1..5 (control
// symbols) never appear, unknown ids never follow each other (runs merge), text that NFKC leaves
// non-empty gives at least one id, and encoding is deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/embed/tokenizer.h"

namespace {

using hayloft::embed::tokenizer;

const tokenizer& small() {
  static const tokenizer t = [] {
    std::vector<std::pair<std::string, double>> pieces{
        {"<unk>", 0}, {"<s>", 0}, {"</s>", 0}, {"<extra1>", 0}, {"<extra2>", 0}, {"<extra3>", 0},
        {"\xe2\x96\x81", -2}, {"\xe2\x96\x81" "the", -3}, {"a", -4}, {"b", -4.5}, {"ab", -5}, {"abc", -9},
        {"\xe2\x96\x81" "a", -3.5}, {"e", -4}, {"th", -6}, {"\xc3\xa9", -7}, {"\xe4\xb8\xad", -8}, {"1", -5},
        {"\xf0\x9f\x98\x80", -9}, {"-", 0}, {".", -1}};
    return *tokenizer::from_pieces(std::move(pieces));
  }();
  return t;
}

const tokenizer* real() {
  static const std::optional<tokenizer> t = []() -> std::optional<tokenizer> {
    auto path = std::filesystem::path(HAYLOFT_FUZZ_SOURCE_DIR) / "models" / "use-lite" / "vocab.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    auto loaded = tokenizer::load(path);
    if (!loaded) return std::nullopt;
    return std::move(*loaded);
  }();
  return t ? &*t : nullptr;
}

void check(const tokenizer& t, std::string_view text, bool nonempty) {
  const auto ids = t.encode(text);
  bool prev_unknown = false;
  for (auto id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= t.vocab_size()) std::abort();
    if (id > 0 && id < tokenizer::reserved_ids) std::abort();
    if (id == 0 && prev_unknown) std::abort();
    prev_unknown = id == 0;
  }
  if (nonempty && ids.empty()) std::abort();
  if (t.encode(text) != ids) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  small();
  real();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool nonempty = !hayloft::embed::nfkc_code_points(text).empty();
  check(small(), text, nonempty);
  if (const tokenizer* t = real()) check(*t, text, nonempty);
  return 0;
}
