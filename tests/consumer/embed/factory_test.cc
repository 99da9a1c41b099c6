#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "consumer/embed/embedder.h"
#include "consumer/embed/use_lite.h"
#include "tests/consumer/embed/test_support.h"

namespace hayloft::embed {
namespace {

TEST(EmbedFactoryTest, BuildsTheHashEmbedderWithoutAModel) {
  auto e = make_embedder("hash", "/nonexistent");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->name(), "hash-lexical-512");
  auto v = (*e)->embed_one("hello world");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->size(), 512u);
}

TEST(EmbedFactoryTest, UnknownKindIsAnError) {
  auto e = make_embedder("word2vec", {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.code(), errc::unknown_embedder);
  EXPECT_NE(e.err().message.find("word2vec"), std::string::npos);
}

TEST(EmbedFactoryTest, MissingModelIsAnError) {
  auto e = make_embedder("use-lite", "/nonexistent/model");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.code(), errc::model_not_found);
}

TEST(EmbedFactoryTest, BuildsUseLiteFromADirectory) {
  auto e = make_embedder("use-lite", testing::model_dir(), 1);
  ASSERT_TRUE(e.ok()) << testing::missing_model_message() << " (" << e.err().message << ")";
  EXPECT_EQ((*e)->name(), "use-lite-512");
  EXPECT_EQ((*e)->dimension(), 512u);
  const auto* model = dynamic_cast<const use_lite*>(e->get());
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->threads(), 1u);
}

TEST(EmbedFactoryTest, ModelDirectoryComesFromTheEnvironmentFirst) {
  ::setenv("HAYLOFT_MODEL_DIR", "/somewhere/else", 1);
  const auto candidates = model_dir_candidates();
  ASSERT_GE(candidates.size(), 3u);
  EXPECT_EQ(candidates[0], "/somewhere/else");
  EXPECT_EQ(candidates[1].filename(), "use-lite");
  EXPECT_EQ(candidates.back().filename(), "use-lite");

  ::setenv("HAYLOFT_MODEL_DIR", testing::model_dir().c_str(), 1);
  auto found = find_model_dir();
  ASSERT_TRUE(found.ok()) << testing::missing_model_message();
  EXPECT_EQ(*found, testing::model_dir());
  auto e = make_embedder("use", {});
  EXPECT_TRUE(e.ok());
  ::unsetenv("HAYLOFT_MODEL_DIR");
}

TEST(EmbedFactoryTest, NoModelAnywhereNamesEveryPlaceTried) {
  ::setenv("HAYLOFT_MODEL_DIR", "/nonexistent/one", 1);
  auto found = find_model_dir();
  ::unsetenv("HAYLOFT_MODEL_DIR");
  if (found.ok()) {
    // The build or source tree holds a model: the environment entry must not have been chosen.
    EXPECT_NE(*found, "/nonexistent/one");
    return;
  }
  EXPECT_EQ(found.code(), errc::model_not_found);
  EXPECT_NE(found.err().message.find("/nonexistent/one"), std::string::npos);
}

TEST(EmbedFactoryTest, CosineHandlesZeroVectors) {
  const std::vector<float> zero(4, 0.0f), one = {1, 0, 0, 0}, two = {2, 0, 0, 0};
  EXPECT_EQ(cosine(zero, one), 0.0f);
  EXPECT_FLOAT_EQ(cosine(one, two), 1.0f);
}

}  // namespace
}  // namespace hayloft::embed
