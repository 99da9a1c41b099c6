#include "emulator/prom/regex.h"

#include <gtest/gtest.h>

namespace hayloft::prom {
namespace {

bool full(const char* re, const char* s) {
  auto r = regex::compile(re);
  EXPECT_TRUE(r.ok()) << re << ": " << (r.ok() ? "" : r.err().message);
  return r.ok() && r->full_match(s);
}

TEST(PromRegex, IsFullyAnchored) {
  EXPECT_TRUE(full("cifar10", "cifar10"));
  EXPECT_FALSE(full("cifar", "cifar10"));
  EXPECT_FALSE(full("ifar10", "cifar10"));
  EXPECT_TRUE(full("cifar.*", "cifar10"));
  EXPECT_TRUE(full(".*far.*", "cifar10"));
  EXPECT_FALSE(full("a|b", "ab"));
  EXPECT_TRUE(full("a|b", "b"));
  EXPECT_TRUE(full("", ""));
  EXPECT_FALSE(full("", "x"));
}

struct case_row {
  const char* re;
  const char* subject;
  bool match;
};

TEST(PromRegex, SyntaxTable) {
  const case_row rows[] = {
      {"[a-c]+", "abcabc", true},       {"[a-c]+", "abcd", false},       {"[^a-c]+", "xyz", true},
      {"[^a-c]+", "xaz", false},        {"\\d{3}", "123", true},         {"\\d{3}", "12", false},
      {"\\d{2,}", "12345", true},       {"\\d{2,3}", "1234", false},     {"x{0}y", "y", true},
      {"(ab)*c", "ababc", true},        {"(?:ab)+", "", false},          {"a?b", "b", true},
      {"(?i)GET|post", "Post", true},   {"(?i:get)x", "GETx", true},     {"(?i:get)x", "GETX", false},
      {"\\w+\\.\\w+", "a_1.b", true},   {"\\s", "\t", true},             {"\\S", " ", false},
      {"[[:digit:]]+", "42", true},     {"[[:alpha:]_]+", "a_b", true}, {"a.c", "a\nc", true},
      {"^abc$", "abc", true},           {"a{", "a{", true},              {"(?P<x>a)b", "ab", true},
      {"[-a]", "-", true},              {"[a-]", "-", true},             {"[]a]", "]", true},
      {"(a*)*", "aaaa", true},          {"(a|aa)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false},
  };
  for (const auto& r : rows) EXPECT_EQ(full(r.re, r.subject), r.match) << r.re << " ~ " << r.subject;
}

TEST(PromRegex, RejectsInvalidSyntaxWithGosMessages) {
  // Go's regexp/syntax error texts over the pattern as Prometheus wraps it (^(?s:...)$).
  const std::pair<const char*, const char*> rows[] = {
      {"(a", "error parsing regexp: missing closing ): `^(?s:(a)$`"},
      {"a)", "error parsing regexp: unexpected ): `^(?s:a))$`"},
      {"[a", "error parsing regexp: missing closing ]: `[a)$`"},
      {"*a", "error parsing regexp: missing argument to repetition operator: `*`"},
      {"a**", "error parsing regexp: invalid nested repetition operator: `**`"},
      {"\\1", "error parsing regexp: invalid escape sequence: `\\1`"},
      {"(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"},
      {"a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"},
      {"[z-a]", "error parsing regexp: invalid character class range: `z-a`"},
  };
  for (const auto& [bad, message] : rows) {
    auto r = regex::compile(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.err().message, message) << bad;
  }
  EXPECT_FALSE(regex::compile("\\").ok());  // trailing backslash (inside the wrapper: an escaped ')')
}

TEST(PromRegex, IsUtf8AwareAsRe2) {
  // Differences from the hand-written byte matcher this replaced: '.' and negated classes consume
  // a whole code point, and Unicode classes (\pL, \p{Greek}) are supported.
  EXPECT_TRUE(full("a.c", "a\xc3\xa9" "c"));
  EXPECT_TRUE(full("[^a]", "\xc3\xa9"));
  EXPECT_TRUE(full("\\pL+", "h\xc3\xa9llo"));
  EXPECT_FALSE(full("\\pL+", "h3llo"));
  EXPECT_TRUE(full("\\p{Greek}", "\xce\xb1"));
  EXPECT_FALSE(full("..", "\xc3\xa9"));
}

TEST(PromRegex, InvalidUtf8PatternIsEscapedInTheError) {
  auto r = regex::compile("a\xff(");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("\\xff"), std::string::npos) << r.err().message;
  EXPECT_EQ(r.err().message.find('\xff'), std::string::npos);
}

TEST(PromRegex, OversizedPatternIsRefused) {
  auto r = regex::compile(std::string(regex::max_pattern + 1, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("expression too large"), std::string::npos);
  // Deep nesting: RE2's parser and compiler keep explicit stacks, so this neither overflows the
  // stack nor changes what matches.
  std::string deep = std::string(20000, '(') + "a" + std::string(20000, ')');
  auto nested = regex::compile(deep);
  if (nested.ok()) {
    EXPECT_TRUE(nested->full_match("a"));
    EXPECT_FALSE(nested->full_match("aa"));
  }
}

TEST(PromRegex, LongSubjectIsLinear) {
  std::string s(200000, 'a');
  auto r = regex::compile("(a|aa)*(b|a)");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->full_match(s));
  s.back() = 'c';
  EXPECT_FALSE(r->full_match(s));
}

}  // namespace
}  // namespace hayloft::prom
