#include "emulator/core/utf8.h"

#include <gtest/gtest.h>

namespace hayloft::core {
namespace {

TEST(CoreUtf8, ValidTable) {
  struct row {
    std::string_view s;
    bool ok;
  };
  const row rows[] = {
      {"", true},
      {"plain ascii", true},
      {"h\xc3\xa9llo", true},                // é
      {"\xe2\x82\xac", true},                // €
      {"\xf0\x9f\x98\x80", true},            // U+1F600
      {"\xf4\x8f\xbf\xbf", true},            // U+10FFFF
      {"\xff", false},                       // never a UTF-8 byte
      {"\x80", false},                       // stray continuation
      {"\xc0\xaf", false},                   // overlong '/'
      {"\xe0\x80\xaf", false},               // overlong
      {"\xed\xa0\x80", false},               // surrogate U+D800
      {"\xf4\x90\x80\x80", false},           // above U+10FFFF
      {"\xe2\x82", false},                   // truncated
      {"ok\xc3", false},                     // truncated at the end
      {std::string_view("a\0b", 3), true},   // NUL is valid UTF-8
  };
  for (const auto& r : rows) EXPECT_EQ(valid_utf8(r.s), r.ok) << testing::PrintToString(std::string(r.s));
}

TEST(CoreUtf8, CoerceReplacesEachBadByteAsGoDoes) {
  EXPECT_EQ(coerce_utf8("abc"), "abc");
  EXPECT_EQ(coerce_utf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  // Go's utf8.DecodeRune consumes one byte of a truncated sequence: two bytes, two replacements.
  EXPECT_EQ(coerce_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_TRUE(valid_utf8(coerce_utf8("\xed\xa0\x80\xc0")));
}

TEST(CoreUtf8, EscapeShowsBadBytesAsHex) {
  EXPECT_EQ(escape_invalid_utf8("h\xc3\xa9"), "h\xc3\xa9");
  EXPECT_EQ(escape_invalid_utf8("a\xff\xfe"), "a\\xff\\xfe");
  EXPECT_TRUE(valid_utf8(escape_invalid_utf8("\x80\xe2\x82")));
}

TEST(CoreUtf8, GoQuoteAsStrconvQuote) {
  EXPECT_EQ(go_quote("abc"), "\"abc\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("-1\n\t"), "\"-1\\n\\t\"");
  EXPECT_EQ(go_quote(std::string_view("\0\x7f", 2)), "\"\\x00\\x7f\"");
  EXPECT_EQ(go_quote("h\xc3\xa9\xff"), "\"h\xc3\xa9\\xff\"");
}

}  // namespace
}  // namespace hayloft::core
