#include "consumer/convert/markdown.h"

#include <gtest/gtest.h>

namespace hayloft::consumer {
namespace {

struct md_case {
  const char* name;
  const char* markdown;
  const char* text;
};

class MarkdownTable : public ::testing::TestWithParam<md_case> {};

TEST_P(MarkdownTable, StripsMarkup) {
  EXPECT_EQ(markdown_to_text(GetParam().markdown), GetParam().text) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MarkdownTable,
    ::testing::Values(
        md_case{"AtxHeadings", "# Title\n## Sub title ##\n###### Six", "Title\nSub title\nSix"},
        md_case{"NotAHeadingWithoutSpace", "#hashtag", "#hashtag"},
        md_case{"SetextHeadings", "Title\n=====\n\nSub\n---\ntext", "Title\n\nSub\ntext"},
        md_case{"Emphasis", "Some **bold**, *italic*, __strong__, _em_ and ~~gone~~ words.",
                "Some bold, italic, strong, em and gone words."},
        md_case{"SnakeCaseSurvives", "call my_function_name with a * b",
                "call my_function_name with a * b"},
        md_case{"Links", "See [the docs](https://example.com/docs \"Docs\") and [ref][1].",
                "See the docs and ref."},
        md_case{"NestedLinkText", "[**bold** link](http://x)", "bold link"},
        md_case{"Images", "![A cat](cat.png) sits.", "A cat sits."},
        md_case{"ReferenceDefinitionsDropped", "text\n\n[1]: https://example.com\nmore",
                "text\n\nmore"},
        md_case{"Autolinks", "Mail <me@example.com> or visit <https://example.com>.",
                "Mail me@example.com or visit https://example.com."},
        md_case{"InlineCodeKeepsContentVerbatim", "Use `**not bold**` and ``a `tick` b``.",
                "Use **not bold** and a `tick` b."},
        md_case{"FencedCodeKeepsCode",
                "Before\n```python\ndef f(x):\n    return x * 2  # *not* emphasis\n```\nAfter",
                "Before\ndef f(x):\n    return x * 2  # *not* emphasis\nAfter"},
        md_case{"TildeFence", "~~~\n[not](a link)\n~~~", "[not](a link)"},
        md_case{"IndentedCode", "Para\n\n    int main() { return *p; }\n\nEnd",
                "Para\n\nint main() { return *p; }\n\nEnd"},
        md_case{"Lists", "- one\n* two\n+ three\n1. four\n2) five\n- [x] done\n- [ ] todo",
                "one\ntwo\nthree\nfour\nfive\ndone\ntodo"},
        md_case{"ListContinuationIsNotCode", "- item\n\n    continued text",
                "item\n\ncontinued text"},
        md_case{"BlockQuotes", "> quoted *text*\n> > nested", "quoted text\nnested"},
        md_case{"ThematicBreak", "above\n\n***\n\nbelow", "above\n\n\n\nbelow"},
        md_case{"Tables", "| Name | Value |\n|------|:-----:|\n| a | **1** |", "Name\tValue\na\t1"},
        md_case{"InlineHtmlAndEntities", "A <span class=\"x\">tag</span> &amp; &copy; &#x41;",
                "A tag & \xc2\xa9 A"},
        md_case{"BackslashEscapes", "\\*literal\\* and \\_under\\_", "*literal* and _under_"},
        md_case{"HardBreakBackslash", "line one\\\nline two", "line one\nline two"},
        md_case{"HtmlComments", "keep <!-- inline --> this\n<!--\nhidden\nlines\n-->\nshown",
                "keep  this\nshown"},
        md_case{"FrontMatterDropped", "---\ntitle: x\ntags: [a]\n---\n# Body", "Body"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hayloft::consumer
