#include "consumer/preprocess/cleaner.h"

#include <gtest/gtest.h>

namespace hayloft::consumer {
namespace {

struct clean_case {
  const char* name;
  const char* in;
  const char* out;
};

class WhitespaceTable : public ::testing::TestWithParam<clean_case> {};
TEST_P(WhitespaceTable, StripsEachLine) {
  EXPECT_EQ(clean_whitespace(GetParam().in), GetParam().out);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, WhitespaceTable,
    ::testing::Values(clean_case{"NothingToClean", "a\fb\nc", "a\fb\nc"},
                      clean_case{"SinglePage", " a \nb c\nd    \n   e ", "a\nb c\nd\ne"},
                      clean_case{"MultiplePages", " a \f  b\nc     \f", "a\fb\nc\f"},
                      clean_case{"EmptyPagesKept", "   #Title \f\f\f#Title2   ",
                                 "#Title\f\f\f#Title2"},
                      // Python's splitlines drops a page's final line break, as Haystack 1.15 does.
                      clean_case{"TrailingNewlineOfAPageGoes", "a\n\fb\n", "a\fb"},
                      clean_case{"CrLfAndTabs", "\ta\r\n  b\t\r\n", "a\nb"},
                      clean_case{"UnicodeSpaces", "\xc2\xa0x\xe3\x80\x80\ny", "x\ny"}),
    [](const auto& info) { return std::string(info.param.name); });

class EmptyLinesTable : public ::testing::TestWithParam<clean_case> {};
TEST_P(EmptyLinesTable, CollapsesThreeOrMoreNewlines) {
  EXPECT_EQ(clean_empty_lines(GetParam().in), GetParam().out);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, EmptyLinesTable,
    ::testing::Values(clean_case{"NothingToClean", "a\fb\nc\f", "a\fb\nc\f"},
                      clean_case{"TwoKept", "a\n\nb", "a\n\nb"},
                      clean_case{"ThreeBecomeTwo", "\n\na\n\n\nb\n", "\n\na\n\nb\n"},
                      clean_case{"ManyBecomeTwo", "a\n\n\n\n\n\fb\n\n\n\nc", "a\n\n\fb\n\nc"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Cleaner, RemoveSubstrings) {
  // From Haystack's test_remove_substrings.
  auto out = remove_substrings(
      "This is a header. Some additional text. wiki. Some emoji \xe2\x9c\xa8 \xf0\x9f\xaa\xb2 "
      "Weird "
      "whitespace\b\b\b.",
      {"This is a header.", "wiki", "\xf0\x9f\xaa\xb2", ""});
  EXPECT_EQ(out.find("This is a header."), std::string::npos);
  EXPECT_EQ(out.find("wiki"), std::string::npos);
  EXPECT_EQ(out.find("\xf0\x9f\xaa\xb2"), std::string::npos);
  EXPECT_NE(out.find("whitespace"), std::string::npos);
  EXPECT_NE(out.find("\xe2\x9c\xa8"), std::string::npos);
}

TEST(Cleaner, LongestCommonNgram) {
  EXPECT_EQ(longest_common_ngram({"the quick brown fox jumps", "a quick brown fox sleeps"}),
            "quick brown fox");
  EXPECT_EQ(longest_common_ngram({"one two", "one two"}), std::nullopt);  // fewer than 3 words
  EXPECT_EQ(longest_common_ngram({"a b c", "d e f"}), std::nullopt);
  EXPECT_EQ(longest_common_ngram({}), std::nullopt);
}

TEST(Cleaner, HeaderAndFooterRemovedAcrossPages) {
  std::vector<std::string> pages;
  for (int i = 1; i <= 5; ++i) {
    // Bodies longer than the 300-character windows, each word unique to its page.
    std::string body = "p" + std::to_string(i) + "start";
    for (int w = 0; w < 80; ++w) body += " w" + std::to_string(i) + "x" + std::to_string(w);
    pages.push_back("ACME Corp quarterly report 2024\n" + body + " p" + std::to_string(i) +
                    "end\nCopyright 2024 by ACME Corp, all rights reserved");
  }
  auto cleaned = remove_header_footer(pages);
  ASSERT_EQ(cleaned.size(), 5u);
  for (int i = 1; i <= 5; ++i) {
    const auto& p = cleaned[static_cast<std::size_t>(i - 1)];
    EXPECT_EQ(p.find("quarterly report"), std::string::npos) << p;
    EXPECT_EQ(p.find("all rights reserved"), std::string::npos) << p;
    EXPECT_NE(p.find("p" + std::to_string(i) + "start w"), std::string::npos) << p;
    EXPECT_NE(p.find("x79 p" + std::to_string(i) + "end"), std::string::npos) << p;
  }
}

TEST(Cleaner, HeaderFooterNeedsThreePages) {
  std::vector<std::string> pages{"Same header here\nA", "Same header here\nB"};
  EXPECT_EQ(remove_header_footer(pages), pages);
}

}  // namespace
}  // namespace hayloft::consumer
