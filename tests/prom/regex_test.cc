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

TEST(PromRegex, RejectsUnsupportedSyntax) {
  for (const char* bad : {"(a", "a)", "[a", "*a", "a**", "\\1", "(?=a)", "\\pL", "\\", "a{1001}", "[z-a]"}) {
    auto r = regex::compile(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.err().message.find("error parsing regexp"), std::string::npos) << r.err().message;
    }
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
