// A broken or incomplete model directory is an error value naming the problem, never a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "consumer/embed/use_lite.h"
#include "tests/consumer/embed/test_support.h"

namespace hayloft::embed {
namespace {

namespace fs = std::filesystem;

class EmbedUseLiteErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_regular_file(testing::model_dir() / "model.json"))
        << testing::missing_model_message();
    dir_ = fs::temp_directory_path() /
           ("embed_model_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Links to the real files; a test replaces the one it breaks.
    for (const auto& entry : fs::directory_iterator(testing::model_dir())) {
      fs::create_symlink(entry.path(), dir_ / entry.path().filename());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string read(const std::string& name) {
    std::ifstream in(testing::model_dir() / name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void replace(const std::string& name, const std::string& body) {
    fs::remove(dir_ / name);
    std::ofstream(dir_ / name, std::ios::binary) << body;
  }
  errc load_error() {
    auto m = use_lite::load(dir_);
    EXPECT_FALSE(m.ok());
    if (m.ok()) return errc::ok;
    EXPECT_FALSE(m.err().message.empty());
    return static_cast<errc>(m.code().value());
  }

  fs::path dir_;
};

TEST_F(EmbedUseLiteErrorsTest, TheLinkedCopyLoads) { EXPECT_TRUE(use_lite::load(dir_).ok()); }

TEST_F(EmbedUseLiteErrorsTest, MissingDirectory) {
  auto m = use_lite::load(dir_ / "nope");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.code(), errc::model_not_found);
  EXPECT_NE(m.err().message.find("fetch-model"), std::string::npos);
}

TEST_F(EmbedUseLiteErrorsTest, MissingModelJson) {
  fs::remove(dir_ / "model.json");
  EXPECT_EQ(load_error(), errc::model_not_found);
}

TEST_F(EmbedUseLiteErrorsTest, MissingShard) {
  fs::remove(dir_ / "group1-shard4of7");
  EXPECT_EQ(load_error(), errc::model_not_found);
}

TEST_F(EmbedUseLiteErrorsTest, TruncatedShard) {
  replace("group1-shard7of7", read("group1-shard7of7").substr(0, 1000));
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, OversizedShard) {
  replace("group1-shard7of7", read("group1-shard7of7") + "extra");
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, MalformedModelJson) {
  replace("model.json", read("model.json").substr(0, 5000));
  EXPECT_EQ(load_error(), errc::model_corrupt);
  replace("model.json", "{\"modelTopology\": {}}");
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, WeightWithTheWrongShape) {
  auto doc = nlohmann::json::parse(read("model.json"));
  for (auto& w : doc["weightsManifest"][0]["weights"]) {
    if (w["name"] == "module/Encoder_en/hidden_layers/tanh_layer_0/weights")
      w["shape"] = {256, 1024};
  }
  replace("model.json", doc.dump());
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, MissingWeight) {
  auto doc = nlohmann::json::parse(read("model.json"));
  for (auto& w : doc["weightsManifest"][0]["weights"]) {
    if (w["name"] == "module/Embeddings_en") w["name"] = "something/else";
  }
  replace("model.json", doc.dump());
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, ShardPathOutsideTheDirectory) {
  auto doc = nlohmann::json::parse(read("model.json"));
  doc["weightsManifest"][0]["paths"][0] = "../../etc/passwd";
  replace("model.json", doc.dump());
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, UnsupportedDtype) {
  auto doc = nlohmann::json::parse(read("model.json"));
  doc["weightsManifest"][0]["weights"][0]["dtype"] = "float16";
  replace("model.json", doc.dump());
  EXPECT_EQ(load_error(), errc::model_corrupt);
}

TEST_F(EmbedUseLiteErrorsTest, MissingVocabulary) {
  fs::remove(dir_ / "vocab.json");
  EXPECT_EQ(load_error(), errc::model_not_found);
}

TEST_F(EmbedUseLiteErrorsTest, MalformedVocabulary) {
  replace("vocab.json", "[[\"a\", -1.0], [\"b\"]]");
  EXPECT_EQ(load_error(), errc::vocab_corrupt);
}

}  // namespace
}  // namespace hayloft::embed
