#include "consumer/convert/html.h"

#include <gtest/gtest.h>

#include "consumer/convert/errc.h"

namespace hayloft::consumer {
namespace {

std::string to_text(std::string_view html) {
  auto r = html_to_text(html);
  EXPECT_TRUE(r.ok()) << r.err().message;
  return r.ok() ? *r : std::string();
}

TEST(HtmlToText, DropsScriptsStylesAndComments) {
  auto text = to_text(
      "<!DOCTYPE html><html><head><title>Page</title>"
      "<style>body { color: red; } p::after { content: 'x'; }</style>"
      "<script>var secret = '<p>not text</p>'; if (a < b) alert(1);</script></head>"
      "<body><!-- a comment --><p>Visible</p><noscript>enable js</noscript>"
      "<script type=\"module\">import x from 'y';</script><template><p>tpl</p></template>"
      "<div hidden>hidden div</div></body></html>");
  EXPECT_EQ(text, "Page\n\nVisible");
}

TEST(HtmlToText, DecodesEntities) {
  EXPECT_EQ(
      to_text("<p>Fish &amp; Chips &lt;3 &copy; 2024 &#8364;5 &#x263A; caf&eacute;&nbsp;ok</p>"),
      "Fish & Chips <3 \xc2\xa9 2024 \xe2\x82\xac"
      "5 \xe2\x98\xba caf\xc3\xa9 ok");
}

TEST(HtmlToText, BlockElementsBreakLines) {
  auto text = to_text(
      "<h1>Title</h1><p>First <b>bold</b>\n   paragraph.</p><p>Second</p>"
      "<ul><li>one</li><li>two</li></ul><div>a</div><div>b<br>c</div>");
  EXPECT_EQ(text, "Title\n\nFirst bold paragraph.\n\nSecond\n\none\ntwo\n\na\nb\nc");
}

TEST(HtmlToText, TablesUseTabsBetweenCells) {
  EXPECT_EQ(to_text("<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>31</td></tr>"
                    "</table>"),
            "Name\tAge\nAnn\t31");
}

TEST(HtmlToText, PreIsVerbatim) {
  EXPECT_EQ(to_text("<p>code:</p><pre>int  x;\n  y = 1;</pre>"), "code:\n\nint  x;\n  y = 1;");
}

TEST(HtmlToText, ToleratesBrokenMarkup) {
  EXPECT_EQ(to_text("<p>unclosed <b>bold <i>both</p><p>next</div> para"),
            "unclosed bold both\n\nnext para");
}

TEST(HtmlToText, MetaCharsetIsHonoured) {
  EXPECT_EQ(to_text("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Gr\xfc\xdf"
                    "e</p></body></html>"),
            "Gr\xc3\xbc\xc3\x9f"
            "e");
}

TEST(HtmlToText, HttpEquivUtf8DeclarationKeepsUtf8) {
  // libxml2 is told to ignore the declaration once the bytes are UTF-8, so no double decoding.
  EXPECT_EQ(to_text("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
                    "<p>caf\xc3\xa9</p>"),
            "caf\xc3\xa9");
}

TEST(HtmlToText, EmptyInputGivesEmptyText) { EXPECT_EQ(to_text(""), ""); }

TEST(HtmlToText, BinaryIsRejected) {
  auto r = html_to_text(std::string(100, '\0'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::binary_content);
}

}  // namespace
}  // namespace hayloft::consumer
