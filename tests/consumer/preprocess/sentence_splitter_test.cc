#include "consumer/preprocess/sentence_splitter.h"

#include <gtest/gtest.h>

#include <numeric>

namespace hayloft::consumer {
namespace {

struct sentence_case {
  const char* name;
  const char* text;
  std::vector<std::string> sentences;
};

class SentenceTable : public ::testing::TestWithParam<sentence_case> {};

TEST_P(SentenceTable, Splits) {
  const auto& c = GetParam();
  auto got = split_sentences(c.text);
  std::vector<std::string> as_strings(got.begin(), got.end());
  EXPECT_EQ(as_strings, c.sentences);
  // Sentences always concatenate back to the input.
  EXPECT_EQ(std::accumulate(as_strings.begin(), as_strings.end(), std::string()), c.text);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SentenceTable,
    ::testing::Values(
        sentence_case{"Simple", "One. Two! Three? Four", {"One. ", "Two! ", "Three? ", "Four"}},
        sentence_case{
            "WhitespaceStaysWithSentence", "A bc.\n\n  Cd ef.  ", {"A bc.\n\n  ", "Cd ef.  "}},
        sentence_case{"LeadingWhitespaceInFirst", "\n  First. Second.", {"\n  First. ", "Second."}},
        sentence_case{"TitleAbbreviations",
                      "Dr. Smith met Mr. Jones and Prof. Lee. They talked.",
                      {"Dr. Smith met Mr. Jones and Prof. Lee. ", "They talked."}},
        sentence_case{"ExampleAbbreviations",
                      "Use fruit, e.g. Apples or pears, i.e. Fresh ones. Then eat.",
                      {"Use fruit, e.g. Apples or pears, i.e. Fresh ones. ", "Then eat."}},
        sentence_case{"EtcBeforeCapitalEnds",
                      "Bring pens, paper, etc. The rest is here.",
                      {"Bring pens, paper, etc. ", "The rest is here."}},
        sentence_case{"EtcBeforeLowercaseContinues",
                      "Pens, paper, etc. are here.",
                      {"Pens, paper, etc. are here."}},
        sentence_case{"AbbreviationBeforeLowercase",
                      "Like Dr.\nin the sentence. Next.",
                      {"Like Dr.\nin the sentence. ", "Next."}},
        sentence_case{"Decimals",
                      "Pi is 3.14 and e is 2.718. Fine.",
                      {"Pi is 3.14 and e is 2.718. ", "Fine."}},
        sentence_case{"NumberThenLowercase",
                      "See table 3. below for more.",
                      {"See table 3. below for more."}},
        sentence_case{"YearEndsSentence",
                      "It was 2019. Then came 2020.",
                      {"It was 2019. ", "Then came 2020."}},
        sentence_case{"Initials",
                      "J. R. R. Tolkien wrote it. It sold well.",
                      {"J. R. R. Tolkien wrote it. ", "It sold well."}},
        sentence_case{"DottedAcronym",
                      "He moved to the U.S. in 1990. He stayed.",
                      {"He moved to the U.S. in 1990. ", "He stayed."}},
        sentence_case{"EllipsisBeforeLowercase",
                      "Well... maybe not. Ok... Then go.",
                      {"Well... maybe not. ", "Ok... ", "Then go."}},
        sentence_case{"ClosingQuoteAndParen",
                      "He said \"Stop.\" Then (quietly.) He left.",
                      {"He said \"Stop.\" ", "Then (quietly.) ", "He left."}},
        sentence_case{"OpeningParenStartsSentence",
                      "One test. (Second test.) Third.",
                      {"One test. ", "(Second test.) ", "Third."}},
        sentence_case{"NoSpaceNoSplit",
                      "file.txt and www.example.com are names.",
                      {"file.txt and www.example.com are names."}},
        sentence_case{"NewlinesAloneDoNotSplit",
                      "Heading\n\nBody text here.",
                      {"Heading\n\nBody text here."}},
        sentence_case{"UnicodeCapitalAfterPeriod",
                      "Fin. \xc3\x89t\xc3\xa9 arrive.",
                      {"Fin. ", "\xc3\x89t\xc3\xa9 arrive."}},
        sentence_case{"NoAsAWordEnds", "I said no. We left.", {"I said no. ", "We left."}},
        sentence_case{
            "NoBeforeNumber", "See No. 5 and Fig. 2 here.", {"See No. 5 and Fig. 2 here."}},
        sentence_case{"Empty", "", {}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SentenceSplitter, LongRunsOfAbbreviationsStayLinear) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "e.g. ";
  text += "End.";
  auto s = split_sentences(text);
  EXPECT_EQ(s.size(), 1u);
}

}  // namespace
}  // namespace hayloft::consumer
