#include "consumer/preprocess/preprocessor.h"

#include <gtest/gtest.h>

#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer {
namespace {

// n sentences of `words` words each: "s0 word word. s1 word word. ".
std::string sentences(int n, int words, const std::string& tag = "s") {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += tag + std::to_string(i);
    for (int w = 1; w < words; ++w) out += " word";
    out += ". ";
  }
  return out;
}

preprocessor_config words(int length, int overlap, bool respect = true) {
  preprocessor_config c;
  c.split_length = length;
  c.split_overlap = overlap;
  c.split_respect_sentence_boundary = respect;
  return c;
}

std::vector<chunk> run(const std::vector<converted_doc>& docs, const preprocessor_config& c) {
  auto r = preprocess(docs, c);
  EXPECT_TRUE(r.ok()) << r.err().message;
  return r.ok() ? r->chunks : std::vector<chunk>{};
}

TEST(Preprocessor, DefaultsAreHayloftsAndHaystacks) {
  preprocessor_config c;
  EXPECT_EQ(c.split_by, split_unit::word);
  EXPECT_EQ(c.split_length, 250);
  EXPECT_EQ(c.split_overlap, 20);
  EXPECT_TRUE(c.split_respect_sentence_boundary);
  EXPECT_TRUE(c.clean_whitespace);
  EXPECT_TRUE(c.clean_empty_lines);
  EXPECT_FALSE(c.clean_header_footer);
  auto h = haystack_defaults();
  EXPECT_EQ(h.split_length, 200);
  EXPECT_EQ(h.split_overlap, 0);
}

// Table: sentence-respecting word splits of uniform sentences.
struct respect_case {
  const char* name;
  int n_sentences;
  int words_per_sentence;
  int length;
  int overlap;
  std::vector<std::size_t> words_per_chunk;
};

class RespectTable : public ::testing::TestWithParam<respect_case> {};

TEST_P(RespectTable, WordCountsPerChunk) {
  const auto& c = GetParam();
  auto chunks =
      run({{sentences(c.n_sentences, c.words_per_sentence), {}}}, words(c.length, c.overlap));
  std::vector<std::size_t> counts;
  for (const auto& ch : chunks) counts.push_back(text::count_words(ch.text));
  EXPECT_EQ(counts, c.words_per_chunk);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RespectTable,
    ::testing::Values(
        // 10 sentences x 6 words, 250/20: everything fits in one chunk.
        respect_case{"AllFit", 10, 6, 250, 20, {60}},
        // 20 words per chunk max: 3 sentences (18 words) per chunk, no overlap.
        respect_case{"NoOverlap", 10, 6, 20, 0, {18, 18, 18, 6}},
        // Overlap 5: one trailing sentence (6 words, crossing 5) starts the next chunk.
        respect_case{"OverlapCrossesByOneSentence", 10, 6, 20, 5, {18, 18, 18, 18, 12}},
        // Overlap 7: two trailing sentences are taken (6 < 7, then 12): chunks advance by one.
        respect_case{"OverlapTwoSentences", 10, 6, 20, 7, {18, 18, 18, 18, 18, 18, 18, 18}},
        // Exact fit: length 12 holds two 6-word sentences.
        respect_case{"ExactFit", 4, 6, 12, 0, {12, 12}},
        // A sentence longer than split_length is a chunk of its own.
        respect_case{"LongSentencesAlone", 3, 30, 20, 5, {30, 30, 30}},
        // The default 250/20 over 100 six-word sentences: 41 sentences, then 4 carried over
        // (24 words, crossing 20) plus 37 new ones, then 4 carried plus the last 22.
        respect_case{"DefaultSettings", 100, 6, 250, 20, {246, 246, 156}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Preprocessor, OverlapNeverRepeatsTheFirstSentenceOfAChunk) {
  // Two sentences per chunk at most; overlap would like 100 words but may not take a chunk's
  // first sentence, so chunks never fully contain their predecessor.
  auto chunks = run({{sentences(6, 5), {}}}, words(10, 100));
  ASSERT_GE(chunks.size(), 2u);
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].text.find(chunks[i - 1].text), std::string::npos)
        << chunks[i - 1].text << " | " << chunks[i].text;
  }
}

TEST(Preprocessor, ChunkTextIsExactlyTheSentences) {
  auto chunks = run({{"First one here. Second one here. Third one here.", {}}}, words(6, 3));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "First one here. Second one here. ");
  EXPECT_EQ(chunks[1].text, "Second one here. Third one here.");
}

TEST(Preprocessor, LongSentencesAreCounted) {
  auto r = preprocess(std::vector<converted_doc>{{sentences(2, 30), {}}}, words(20, 0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->long_sentences, 2);
  EXPECT_EQ(r->chunks.size(), 2u);
}

TEST(Preprocessor, WordWindowsWithoutSentenceBoundaries) {
  auto chunks = run({{"a b c d e f g h i j", {}}}, words(4, 1, false));
  std::vector<std::string> texts;
  for (const auto& c : chunks) texts.push_back(c.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"a b c d", "d e f g", "g h i j"}));
  chunks = run({{"a b c d e", {}}}, words(4, 1, false));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].text, "d e");
}

TEST(Preprocessor, PassageAndSentenceWindows) {
  preprocessor_config c;
  c.split_by = split_unit::passage;
  c.split_length = 2;
  c.split_overlap = 1;
  c.split_respect_sentence_boundary = false;
  auto chunks = run({{"p1\n\np2\n\np3", {}}}, c);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "p1\n\np2");
  EXPECT_EQ(chunks[1].text, "p2\n\np3");
  c.split_by = split_unit::sentence;
  c.split_overlap = 0;
  chunks = run({{"One. Two. Three.", {}}}, c);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "One. Two. ");
  EXPECT_EQ(chunks[1].text, "Three.");
}

TEST(Preprocessor, NoSplittingKeepsTheCleanedDocument) {
  preprocessor_config c;
  c.split_by = split_unit::none;
  auto chunks = run({{"  a  \n\n\n\n b ", {}}}, c);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "a\n\nb");
}

TEST(Preprocessor, MetadataFollowsTheSourceDocs) {
  std::vector<converted_doc> docs{
      {sentences(4, 6, "a"), {"bundle/x.pdf", 1, "application/pdf"}},
      {sentences(4, 6, "b"), {"bundle/x.pdf", 2, "application/pdf"}},
      {"", {"bundle/x.pdf", 3, "application/pdf"}},
      {sentences(1, 6, "c"), {"bundle/y.txt", std::nullopt, "text/plain"}},
  };
  auto chunks = run(docs, words(12, 0));
  ASSERT_EQ(chunks.size(), 5u);
  EXPECT_EQ(chunks[0].meta.page, 1);
  EXPECT_EQ(chunks[1].meta.page, 1);
  EXPECT_EQ(chunks[1].split_id, 1);
  EXPECT_EQ(chunks[2].meta.page, 2);
  EXPECT_EQ(chunks[2].split_id, 0);
  EXPECT_EQ(chunks[2].chunk_index, 2);
  EXPECT_EQ(chunks[4].meta.member, "bundle/y.txt");
  EXPECT_EQ(chunks[4].meta.content_type, "text/plain");
  EXPECT_FALSE(chunks[4].meta.page.has_value());
  EXPECT_EQ(chunks[4].chunk_index, 4);
}

TEST(Preprocessor, HeaderFooterAcrossPdfPages) {
  std::vector<converted_doc> docs;
  for (int p = 1; p <= 4; ++p) {
    std::string body = "Intro" + std::to_string(p) + ".";
    for (int w = 0; w < 70; ++w) body += " x" + std::to_string(p) + "y" + std::to_string(w);
    docs.push_back({"Globex internal memo do not share\n" + body +
                        ".\nPrinted by the Globex "
                        "document system",
                    {"", p, "application/pdf"}});
  }
  preprocessor_config c = words(500, 0);
  c.clean_header_footer = true;
  auto chunks = run(docs, c);
  ASSERT_EQ(chunks.size(), 4u);
  for (const auto& ch : chunks) {
    EXPECT_EQ(ch.text.find("Globex"), std::string::npos) << ch.text;
    EXPECT_NE(ch.text.find("Intro"), std::string::npos) << ch.text;
  }
}

struct invalid_case {
  const char* name;
  split_unit by;
  int length;
  int overlap;
  bool respect;
};

class InvalidConfig : public ::testing::TestWithParam<invalid_case> {};

TEST_P(InvalidConfig, IsRejected) {
  const auto& p = GetParam();
  preprocessor_config c;
  c.split_by = p.by;
  c.split_length = p.length;
  c.split_overlap = p.overlap;
  c.split_respect_sentence_boundary = p.respect;
  auto r = preprocess(std::vector<converted_doc>{{"text", {}}}, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), preprocess_errc::invalid_config);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidConfig,
    ::testing::Values(invalid_case{"ZeroLength", split_unit::word, 0, 0, true},
                      invalid_case{"NegativeOverlap", split_unit::word, 10, -1, true},
                      invalid_case{"RespectWithPassage", split_unit::passage, 10, 0, true},
                      invalid_case{"RespectWithSentence", split_unit::sentence, 10, 0, true},
                      invalid_case{"OverlapNotSmaller", split_unit::word, 10, 10, false}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hayloft::consumer
