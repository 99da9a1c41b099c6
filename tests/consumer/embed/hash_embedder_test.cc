#include "consumer/embed/hash_embedder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hayloft::embed {
namespace {

double norm(const embedding& v) {
  double sq = 0;
  for (float x : v) sq += x * x;
  return std::sqrt(sq);
}

TEST(EmbedHashTest, IsLabelledLexical) {
  hash_embedder h;
  EXPECT_EQ(h.name(), "hash-lexical-512");
  EXPECT_EQ(h.dimension(), 512u);
}

TEST(EmbedHashTest, GivesDeterministicUnitVectors) {
  hash_embedder h;
  auto a = h.embed(std::vector<std::string>{"The quick brown fox", "jumps over the lazy dog"});
  auto b = h.embed(std::vector<std::string>{"The quick brown fox", "jumps over the lazy dog"});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ(*a, *b);
  for (const auto& v : *a) {
    EXPECT_EQ(v.size(), 512u);
    EXPECT_NEAR(norm(v), 1.0, 1e-6);
  }
  EXPECT_NE((*a)[0], (*a)[1]);
}

TEST(EmbedHashTest, SharedWordsScoreHigherThanNoSharedWords) {
  hash_embedder h;
  const auto q = h.embed_text("how to reset a password");
  const auto near = h.embed_text("Resetting your password: open settings and choose reset");
  const auto far = h.embed_text("Quarterly revenue grew by twelve percent");
  EXPECT_GT(cosine(q, near), cosine(q, far) + 0.2f);
}

TEST(EmbedHashTest, IgnoresCaseWidthAndPunctuation) {
  hash_embedder h;
  EXPECT_EQ(h.embed_text("Full Width!"),
            h.embed_text("\xEF\xBC\xA6\xEF\xBC\xB5\xEF\xBC\xAC\xEF\xBC\xAC width"));
  // Shared character trigrams relate inflections: 7 of 8 trigrams shared gives about 0.29.
  EXPECT_GT(cosine(h.embed_text("password"), h.embed_text("passwords")), 0.25f);
  EXPECT_LT(std::abs(cosine(h.embed_text("password"), h.embed_text("banana"))), 0.15f);
}

TEST(EmbedHashTest, TextWithoutWordsIsTheZeroVector) {
  hash_embedder h;
  for (const char* text : {"", "   ", "?!"}) {
    const auto v = h.embed_text(text);
    EXPECT_EQ(v.size(), 512u);
    EXPECT_EQ(norm(v), 0.0) << text;
  }
}

TEST(EmbedHashTest, WordOrderMattersThroughBigrams) {
  hash_embedder h;
  const auto a = h.embed_text("dog bites man");
  const auto b = h.embed_text("man bites dog");
  EXPECT_LT(cosine(a, b), 0.999f);
  EXPECT_GT(cosine(a, b), 0.5f);
}

TEST(EmbedHashTest, RefusesOversizedTexts) {
  hash_embedder h;
  auto r = h.embed(std::vector<std::string>{std::string(embedder::max_text_bytes + 1, 'a')});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), errc::input_too_large);
}

}  // namespace
}  // namespace hayloft::embed
