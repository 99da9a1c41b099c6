// Expected values from Haystack 1.x's own tests (test/nodes/test_preprocessor.py in
// deepset-ai/haystack, the v1.x series that carries test_split_overlap_information), run here
// against hayloft's PreProcessor with the same text and parameters.
#include <gtest/gtest.h>

#include "consumer/preprocess/preprocessor.h"
#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer {
namespace {

// Haystack's TEXT fixture, byte for byte (note the '\f' page breaks and the "Dr." trap).
const std::string kText =
    "\n"
    "This is a sample sentence in paragraph_1. This is a sample sentence in paragraph_1. This is "
    "a sample sentence in\n"
    "paragraph_1. This is a sample sentence in paragraph_1. This is a sample sentence in "
    "paragraph_1.\f\n"
    "\n"
    "This is a sample sentence in paragraph_2. This is a sample sentence in paragraph_2. This is "
    "a sample sentence in\n"
    "paragraph_2. This is a sample sentence in paragraph_2. This is a sample sentence in "
    "paragraph_2.\n"
    "\n"
    "This is a sample sentence in paragraph_3. This is a sample sentence in paragraph_3. This is "
    "a sample sentence in\n"
    "paragraph_3. This is a sample sentence in paragraph_3. This is to trick the test with using "
    "an abbreviation\f like Dr.\n"
    "in the sentence.\n";

std::vector<chunk> run(const std::string& text, split_unit by, int length, int overlap,
                       bool respect) {
  preprocessor_config cfg = haystack_defaults();
  cfg.split_by = by;
  cfg.split_length = length;
  cfg.split_overlap = overlap;
  cfg.split_respect_sentence_boundary = respect;
  cfg.add_page_number = true;
  std::vector<converted_doc> docs{{text, {}}};
  auto r = preprocess(docs, cfg);
  EXPECT_TRUE(r.ok()) << r.err().message;
  return r.ok() ? r->chunks : std::vector<chunk>{};
}

struct count_case {
  const char* name;
  split_unit by;
  int length;
  int overlap;
  bool respect;
  std::size_t expected;
};

class HaystackCounts : public ::testing::TestWithParam<count_case> {};

TEST_P(HaystackCounts, SameNumberOfDocuments) {
  const auto& c = GetParam();
  EXPECT_EQ(run(kText, c.by, c.length, c.overlap, c.respect).size(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(PreprocessorTests, HaystackCounts,
                         ::testing::Values(
                             // test_preprocess_sentence_split
                             count_case{"SentenceLength1", split_unit::sentence, 1, 0, false, 15},
                             count_case{"SentenceLength10", split_unit::sentence, 10, 0, false, 2},
                             // test_preprocess_word_split
                             count_case{"WordLength10", split_unit::word, 10, 0, false, 11},
                             count_case{"WordRespectLength15", split_unit::word, 15, 0, true, 8},
                             count_case{"WordRespectLength40Overlap10", split_unit::word, 40, 10,
                                        true, 5},
                             count_case{"WordRespectLength5", split_unit::word, 5, 0, true, 15},
                             // test_preprocess_passage_split
                             count_case{"PassageLength1", split_unit::passage, 1, 0, false, 3},
                             count_case{"PassageLength2", split_unit::passage, 2, 0, false, 2}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HaystackPreprocessor, WordSplitRespectingSentencesKeepsChunksWithinLength) {
  auto chunks = run(kText, split_unit::word, 15, 0, true);
  ASSERT_EQ(chunks.size(), 8u);
  EXPECT_EQ(text::count_words(chunks[0].text), 14u);
  for (const auto& c : chunks) {
    EXPECT_TRUE(text::count_words(c.text) <= 15 || c.text.starts_with("This is to trick"))
        << c.text;
  }
  for (std::size_t i = 0; i < chunks.size(); ++i)
    EXPECT_EQ(chunks[i].split_id, static_cast<int>(i));
}

// test_page_number_extraction: (split_length, overlap, respect, first index on page 2).
struct page_case {
  int length;
  int overlap;
  bool respect;
  std::size_t first_on_page_two;
};

class HaystackPages : public ::testing::TestWithParam<page_case> {};

TEST_P(HaystackPages, PageChangesAtTheSameDocument) {
  const auto& c = GetParam();
  auto chunks = run(kText, split_unit::word, c.length, c.overlap, c.respect);
  ASSERT_GT(chunks.size(), c.first_on_page_two);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i < c.first_on_page_two) {
      EXPECT_EQ(chunks[i].meta.page, 1) << "chunk " << i << ": " << chunks[i].text;
    } else {
      EXPECT_EQ(chunks[i].meta.page, 2) << "chunk " << i << ": " << chunks[i].text;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(PreprocessorTests, HaystackPages,
                         ::testing::Values(page_case{10, 0, true, 5}, page_case{10, 0, false, 4},
                                           page_case{10, 5, true, 5}, page_case{10, 5, false, 7}));

TEST(HaystackPreprocessor, PageNumbersCountEmptyPages) {
  // test_page_number_extraction_on_empty_pages
  const std::string one = "This is a text on page one.";
  const std::string three = "This is a text on page three.";
  auto chunks = run(one + "\f\f" + three, split_unit::word, 7, 0, true);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].meta.page, 1);
  EXPECT_EQ(chunks[1].meta.page, 3);
  EXPECT_EQ(text::strip(chunks[0].text), one);
  EXPECT_EQ(text::strip(chunks[1].text), three);
}

TEST(HaystackPreprocessor, SentenceLongerThanSplitLengthIsNotRepeated) {
  // test_split_respect_sentence_boundary_exceeding_split_len_not_repeated
  const std::string long_sentence =
      "This is a test sentence with many many words that exceeds the split length and should "
      "not be repeated. ";
  auto chunks = run(long_sentence +
                        "This is another test sentence. (This is a third test "
                        "sentence.) This is the last test sentence.",
                    split_unit::word, 13, 3, true);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].text, long_sentence);
  EXPECT_EQ(chunks[1].text.find("many many words"), std::string::npos);
  EXPECT_EQ(chunks[2].text.find("many many words"), std::string::npos);
}

TEST(HaystackPreprocessor, OverlapCarriesTrailingSentences) {
  // test_split_overlap_information: 4 documents; 2nd/3rd and 3rd/4th share a sentence.
  auto chunks = run(
      "This is a test sentence with many many words that exceeds the split length and should not "
      "be repeated. This is another test sentence. (This is a third test sentence.) This is the "
      "fourth sentence. This is the last test sentence.",
      split_unit::word, 13, 3, true);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[1].text, "This is another test sentence. (This is a third test sentence.) ");
  EXPECT_EQ(chunks[2].text, "(This is a third test sentence.) This is the fourth sentence. ");
  EXPECT_EQ(chunks[3].text, "This is the fourth sentence. This is the last test sentence.");
}

}  // namespace
}  // namespace hayloft::consumer
