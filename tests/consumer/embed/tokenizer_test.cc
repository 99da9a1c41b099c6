#include "consumer/embed/tokenizer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "consumer/embed/embedder.h"
#include "tests/consumer/embed/test_support.h"

namespace hayloft::embed {
namespace {

using ids = std::vector<std::int32_t>;

// Six reserved entries, the pieces under test (ids 6, 7, ...), then every single symbol the
// tests use at a low score, so that no position is unreachable (see UnreachablePositions...).
tokenizer small(std::vector<std::pair<std::string, double>> pieces) {
  std::vector<std::pair<std::string, double>> all = {{"\xEF\xBF\xBD", 0}, {"<s>", 0}, {"</s>", 0},
                                                     {"x1", 0},           {"x2", 0},  {"x3", 0}};
  all.insert(all.end(), pieces.begin(), pieces.end());
  for (const char* single : {"\xE2\x96\x81", "a", "b", "f", "i"}) {
    const bool listed =
        std::any_of(pieces.begin(), pieces.end(), [&](const auto& p) { return p.first == single; });
    if (!listed) all.emplace_back(single, -10);
  }
  auto t = tokenizer::from_pieces(std::move(all));
  EXPECT_TRUE(t.ok());
  return std::move(t).value();
}

TEST(EmbedTokenizerTest, MatchesTheTfjsTokenizerOnEveryGoldenCase) {
  auto t = tokenizer::load(testing::model_dir() / "vocab.json");
  ASSERT_TRUE(t.ok()) << testing::missing_model_message() << " (" << t.err().message << ")";
  const nlohmann::json cases = testing::golden("tok_golden.json");
  ASSERT_TRUE(cases.is_array() && !cases.empty())
      << "tok_golden.json missing from tests/testdata/embedder";
  for (const auto& c : cases) {
    const std::string s = c["s"].get<std::string>();
    EXPECT_EQ(t->encode(s), c["ids"].get<ids>()) << "text: " << s;
  }
}

TEST(EmbedTokenizerTest, MatchesTheTokensOfTheModelGoldens) {
  auto t = tokenizer::load(testing::model_dir() / "vocab.json");
  ASSERT_TRUE(t.ok()) << testing::missing_model_message();
  const nlohmann::json g = testing::golden("use_golden.json");
  ASSERT_TRUE(g.is_object()) << "use_golden.json missing from tests/testdata/embedder";
  for (std::size_t i = 0; i < g["sents"].size(); ++i) {
    EXPECT_EQ(t->encode(g["sents"][i].get<std::string>()), g["tokens"][i].get<ids>());
  }
}

TEST(EmbedTokenizerTest, EmptyTextHasNoTokens) {
  tokenizer t = small({{"\xE2\x96\x81", -1}, {"a", -1}});
  EXPECT_EQ(t.encode(""), ids{});
}

TEST(EmbedTokenizerTest, PrefixesTheSeparatorAndReplacesSpaces) {
  // 6 = "▁a", 7 = "▁b"
  tokenizer t = small({{"\xE2\x96\x81"
                        "a",
                        -1},
                       {"\xE2\x96\x81"
                        "b",
                        -1}});
  EXPECT_EQ(t.encode("a b"), (ids{6, 7}));
}

TEST(EmbedTokenizerTest, PrefersTheMostLikelySegmentation) {
  // "▁ab" as one piece (-3) beats "▁a" + "b" (-1 + -5) and loses to nothing else.
  tokenizer t = small({{"\xE2\x96\x81"
                        "a",
                        -1},
                       {"b", -5},
                       {"\xE2\x96\x81"
                        "ab",
                        -3}});
  EXPECT_EQ(t.encode("ab"), (ids{8}));
  tokenizer u = small({{"\xE2\x96\x81"
                        "a",
                        -1},
                       {"b", -1},
                       {"\xE2\x96\x81"
                        "ab",
                        -3}});
  EXPECT_EQ(u.encode("ab"), (ids{6, 7}));
}

TEST(EmbedTokenizerTest, TiesGoToTheShorterLastPieceLikeTfjs) {
  // Both segmentations score -2: candidates ending at the same position are tried longest
  // first and a tie replaces, so "▁a" + "b" wins.
  tokenizer t = small({{"\xE2\x96\x81"
                        "a",
                        -1},
                       {"b", -1},
                       {"\xE2\x96\x81"
                        "ab",
                        -2}});
  EXPECT_EQ(t.encode("ab"), (ids{6, 7}));
}

TEST(EmbedTokenizerTest, UnknownSymbolsBecomeOneUnknownId) {
  tokenizer t = small({{"\xE2\x96\x81", -1}, {"a", -1}});  // 6, 7
  EXPECT_EQ(t.encode("a\xE6\x97\xA5\xE6\x9C\xAC"
                     "a"),
            (ids{6, 7, 0, 7}));  // "a日本a"
}

TEST(EmbedTokenizerTest, ReservedIdsNeverMatch) {
  tokenizer t = small({{"\xE2\x96\x81", -1}, {"s", -1}});
  EXPECT_EQ(t.encode("<s>"), (ids{6, 0, 7, 0}));
}

TEST(EmbedTokenizerTest, NormalisesNfkc) {
  tokenizer t = small({{"\xE2\x96\x81"
                        "fi",
                        -1},
                       {"\xE2\x96\x81", -9},
                       {"f", -9},
                       {"i", -9}});
  EXPECT_EQ(t.encode("\xEF\xAC\x81"), (ids{6}));  // the ligature "ﬁ" becomes "fi"
}

TEST(EmbedTokenizerTest, DoesNotTruncate) {
  tokenizer t = small({{"\xE2\x96\x81"
                        "a",
                        -1},
                       {"\xE2\x96\x81", -1}});
  std::string text;
  for (int i = 0; i < 300; ++i) text += "a ";
  text.pop_back();
  EXPECT_EQ(t.encode(text).size(), 300u);
}

TEST(EmbedTokenizerTest, UnreachablePositionsAndZeroScoresBehaveLikeTfjs) {
  // Only "▁a" and "▁b", no single symbols: TF.js scores an unknown symbol 0 and treats a best
  // score of exactly 0 as unset, so the unknown path wins everywhere and collapses to one id.
  std::vector<std::pair<std::string, double>> pieces = {{"\xEF\xBF\xBD", 0},
                                                        {"<s>", 0},
                                                        {"</s>", 0},
                                                        {"x1", 0},
                                                        {"x2", 0},
                                                        {"x3", 0},
                                                        {"\xE2\x96\x81"
                                                         "a",
                                                         -1},
                                                        {"\xE2\x96\x81"
                                                         "b",
                                                         -1}};
  auto t = tokenizer::from_pieces(std::move(pieces));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->encode("a b"), (ids{0}));
}

TEST(EmbedTokenizerTest, InvalidUtf8IsReplacedNotRejected) {
  tokenizer t = small({{"\xE2\x96\x81", -1}, {"a", -1}});
  EXPECT_EQ(t.encode("a\xFF"
                     "a"),
            (ids{6, 7, 0, 7}));
}

TEST(EmbedTokenizerTest, LoadReportsMissingAndMalformedVocabularies) {
  auto missing = tokenizer::load("/nonexistent/vocab.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), errc::model_not_found);

  const auto dir =
      std::filesystem::temp_directory_path() / ("embed_vocab_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* body : {"not json", "{\"a\": 1}", "[[\"a\", \"b\"]]", "[[1, 2]]", "[]"}) {
    std::ofstream(dir / "vocab.json") << body;
    auto bad = tokenizer::load(dir / "vocab.json");
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.code(), errc::vocab_corrupt) << body;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hayloft::embed
