#include "consumer/preprocess/text_utils.h"

#include <gtest/gtest.h>

namespace hayloft::consumer::text {
namespace {

using views = std::vector<std::string_view>;

TEST(TextUtils, StripLikePython) {
  EXPECT_EQ(strip("  \t a b \n"), "a b");
  EXPECT_EQ(strip("\xc2\xa0nbsp\xe3\x80\x80"), "nbsp");  // U+00A0 and U+3000 are whitespace
  EXPECT_EQ(strip("   "), "");
  EXPECT_EQ(strip("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");
}

TEST(TextUtils, CountWordsLikePythonSplit) {
  EXPECT_EQ(count_words(""), 0u);
  EXPECT_EQ(count_words("  one  two\nthree\tfour\ffive "), 5u);
  EXPECT_EQ(count_words("no\xc2\xa0"
                        "break"),
            2u);
  EXPECT_EQ(count_words("caf\xc3\xa9 na\xc3\xafve"), 2u);
}

TEST(TextUtils, SplitlinesLikePython) {
  EXPECT_EQ(splitlines(""), views{});
  EXPECT_EQ(splitlines("a\n"), views{"a"});
  EXPECT_EQ(splitlines("\n"), views{""});
  EXPECT_EQ(splitlines("a\r\nb\rc\x0b"
                       "d\xe2\x80\xa8"
                       "e"),
            (views{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(splitlines("a\n\nb"), (views{"a", "", "b"}));
}

TEST(TextUtils, SplitLikePython) {
  EXPECT_EQ(split("", " "), views{""});
  EXPECT_EQ(split("a  b", " "), (views{"a", "", "b"}));
  EXPECT_EQ(split("a\n\nb\n\n", "\n\n"), (views{"a", "b", ""}));
}

TEST(TextUtils, CodePointSlices) {
  const std::string s =
      "\xc3\xa9"
      "abc\xe2\x82\xac";  // é a b c €
  EXPECT_EQ(length(s), 5u);
  EXPECT_EQ(prefix(s, 2),
            "\xc3\xa9"
            "a");
  EXPECT_EQ(suffix(s, 2), "c\xe2\x82\xac");
  EXPECT_EQ(prefix(s, 10), s);
  EXPECT_EQ(suffix(s, 10), s);
}

}  // namespace
}  // namespace hayloft::consumer::text
