#include "consumer/docstore/sqlite_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "emulator/core/ids.h"

namespace hayloft::consumer {
namespace {

std::vector<float> unit(std::vector<float> v) {
  float n = 0;
  for (float x : v) n += x * x;
  for (float& x : v) x /= std::sqrt(n);
  return v;
}

class DocumentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void TearDown() override {
    docs_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    docs_.reset();
    store_.reset();
    store_ = std::move(store::state_store::open({.dir = dir_, .durable = false})).value();
    docs_ = std::make_unique<sqlite_document_store>(*store_, *clock_);
    ASSERT_TRUE(docs_->migrate().ok());
  }
  std::vector<chunk_record> chunks(std::vector<std::pair<std::string, std::vector<float>>> items) {
    std::vector<chunk_record> out;
    int i = 0;
    for (auto& [text, v] : items) out.push_back({text, i++, std::nullopt, "", unit(v)});
    return out;
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("hayloft-docs-" + core::random_hex(6));
  std::unique_ptr<core::clock> clock_ = core::make_manual_clock();
  std::unique_ptr<store::state_store> store_;
  std::unique_ptr<document_store> docs_;
};

TEST_F(DocumentStoreTest, SearchRanksByCosineSimilarity) {
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "cats.txt", "e1"}, "m",
                                  chunks({{"cats purr", {1, 0, 0}}, {"cats sleep", {0.9f, 0.1f, 0}}})).ok());
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "cars.txt", "e2"}, "m", chunks({{"cars honk", {0, 0, 1}}})).ok());
  auto hits = docs_->search({.index = "default", .vector = unit({1, 0.05f, 0}), .model = "m", .top_k = 2});
  ASSERT_TRUE(hits.ok()) << hits.err().message;
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].key, "cats.txt");
  EXPECT_EQ((*hits)[1].key, "cats.txt");
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  EXPECT_TRUE((*hits)[0].text == "cats purr" || (*hits)[0].text == "cats sleep");
}

TEST_F(DocumentStoreTest, ReindexingTheSameObjectNeverDuplicates) {
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(docs_->replace_sync({"default", "b", "k", "e1"}, "m", chunks({{"a", {1, 0}}, {"b", {0, 1}}})).ok());
  auto files = docs_->files("default");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].chunks, 2);
  auto hits = docs_->search({.index = "default", .vector = unit({1, 1}), .model = "m", .top_k = 10});
  EXPECT_EQ(hits->size(), 2u);
}

TEST_F(DocumentStoreTest, NewEtagReplacesOldDocuments) {
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "k", "e1"}, "m", chunks({{"old", {1, 0}}})).ok());
  ASSERT_TRUE(docs_->search({.index = "default", .vector = unit({1, 0}), .model = "m"}).ok());  // load the mirror
  EXPECT_TRUE(*docs_->is_indexed({"default", "b", "k", "e1"}));
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "k", "e2"}, "m", chunks({{"new", {0, 1}}, {"newer", {1, 1}}})).ok());
  EXPECT_FALSE(*docs_->is_indexed({"default", "b", "k", "e1"}));
  EXPECT_TRUE(*docs_->is_indexed({"default", "b", "k", "e2"}));
  auto hits = docs_->search({.index = "default", .vector = unit({1, 0}), .model = "m", .top_k = 10});
  ASSERT_EQ(hits->size(), 2u);
  for (auto& h : *hits) EXPECT_NE(h.text, "old");
}

TEST_F(DocumentStoreTest, FiltersByKeyPrefixAndSurvivesRestart) {
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "docs/a", "e"}, "m", chunks({{"a", {1, 0}}})).ok());
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "other/b", "e"}, "m", chunks({{"b", {1, 0}}})).ok());
  open();
  auto hits = docs_->search({.index = "default", .vector = unit({1, 0}), .model = "m", .top_k = 10, .key_prefix = "docs/"});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].key, "docs/a");
}

TEST_F(DocumentStoreTest, QueryFromAnotherModelIsRefused) {
  ASSERT_TRUE(docs_->replace_sync({"default", "b", "k", "e"}, "use-lite-512", chunks({{"a", {1, 0}}})).ok());
  auto hits = docs_->search({.index = "default", .vector = unit({1, 0}), .model = "hash-lexical-512"});
  ASSERT_FALSE(hits.ok());
  EXPECT_EQ(hits.code(), docstore_errc::model_mismatch);
}

TEST_F(DocumentStoreTest, RemoveAndResetEmptyTheIndex) {
  ASSERT_TRUE(docs_->replace_sync({"i1", "b", "k", "e"}, "m", chunks({{"a", {1, 0}}})).ok());
  ASSERT_TRUE(docs_->replace_sync({"i2", "b", "k2", "e"}, "m", chunks({{"a", {1, 0}}})).ok());
  ASSERT_TRUE(docs_->search({.index = "i1", .vector = unit({1, 0}), .model = "m"}).ok());
  ASSERT_TRUE(docs_->remove("", "b", "k").ok());
  EXPECT_TRUE(docs_->search({.index = "i1", .vector = unit({1, 0}), .model = "m"})->empty());
  EXPECT_EQ(docs_->indexes()->size(), 1u);
  ASSERT_TRUE(docs_->reset().ok());
  EXPECT_TRUE(docs_->indexes()->empty());
}

}  // namespace
}  // namespace hayloft::consumer
