#include "consumer/convert/convert.h"

#include <gtest/gtest.h>

namespace hayloft::consumer {
namespace {

TEST(Convert, PlainTextIsOneDocument) {
  auto r = convert("notes.txt", "line one\r\nline two\n");
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 1u);
  EXPECT_EQ(r->docs[0].text, "line one\nline two\n");
  EXPECT_EQ(r->docs[0].meta.content_type, "text/plain");
  EXPECT_EQ(r->docs[0].meta.member, "");
  EXPECT_FALSE(r->docs[0].meta.page.has_value());
}

TEST(Convert, Utf16TextFile) {
  auto r = convert("notes.txt", std::string("\xff\xfeH\0i\0!\0", 8));
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->docs[0].text, "Hi!");
}

TEST(Convert, Latin1TextFile) {
  auto r = convert("old.txt",
                   "Der B\xe4r l\xe4uft \xfc"
                   "ber die Stra\xdf"
                   "e. Sch\xf6ne Gr\xfc\xdf"
                   "e aus "
                   "M\xfcnchen, sagte der M\xfcller zu seiner Frau. Das Wetter ist sch\xf6n.");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->docs[0].text.substr(0, 15), "Der B\xc3\xa4r l\xc3\xa4uft");
}

TEST(Convert, MarkdownAndHtmlRecordTheirContentType) {
  auto md = convert("a.md", "# T\n*x*");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->docs[0].text, "T\nx");
  EXPECT_EQ(md->docs[0].meta.content_type, "text/markdown");
  auto html = convert("a.html", "<p>x &amp; y</p>");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->docs[0].text, "x & y");
  EXPECT_EQ(html->docs[0].meta.content_type, "text/html");
}

TEST(Convert, UnsupportedTypeIsAnError) {
  auto r = convert("photo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::unsupported_type);
  EXPECT_NE(r.err().message.find("unsupported type"), std::string::npos);
}

TEST(Convert, InputLimit) {
  convert_limits limits;
  limits.max_input_bytes = 4;
  auto r = convert("a.txt", "hello", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::input_too_large);
}

TEST(Convert, EmptyFileIsOneEmptyDocument) {
  auto r = convert("empty.txt", "");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->docs.size(), 1u);
  EXPECT_EQ(r->docs[0].text, "");
}

TEST(Convert, ErrorCategoryNamesReasons) {
  EXPECT_EQ(make_error_code(convert_errc::unknown_encoding).message(),
            "not UTF-8 and encoding unknown");
  EXPECT_STREQ(make_error_code(convert_errc::corrupt_pdf).category().name(), "convert");
}

}  // namespace
}  // namespace hayloft::consumer
