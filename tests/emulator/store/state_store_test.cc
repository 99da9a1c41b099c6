#include "emulator/store/state_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "emulator/core/ids.h"

namespace hayloft::store {
namespace {

struct tmp_dir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("hayloft-store-" + core::random_hex(6));
  ~tmp_dir() { std::filesystem::remove_all(path); }
};

const migration_set kSchema{"test", {"CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL)"}};

TEST(StateStore, WritesAreVisibleToReadersAndSurviveReopen) {
  tmp_dir dir;
  {
    auto s = state_store::open({.dir = dir.path});
    ASSERT_TRUE(s.ok()) << s.err().message;
    ASSERT_TRUE((*s)->migrate(kSchema).ok());
    auto r = (*s)->write([](database& db) -> result<void> {
      auto st = db.cached("INSERT INTO kv VALUES(?1, ?2)");
      if (!st.ok()) return st.err();
      (*st)->bind(1, "a").bind(2, "1");
      return (*st)->run();
    });
    ASSERT_TRUE(r.ok()) << r.err().message;
  }
  auto s = state_store::open({.dir = dir.path});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->migrate(kSchema).ok());  // idempotent
  auto rd = (*s)->reader();
  auto st = rd->prepare("SELECT v FROM kv WHERE k = 'a'");
  ASSERT_TRUE(st.ok());
  auto row = st->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(st->text(0), "1");
}

TEST(StateStore, FailingJobDoesNotUndoItsBatchNeighbours) {
  tmp_dir dir;
  auto s = std::move(state_store::open({.dir = dir.path, .durable = false})).value();
  ASSERT_TRUE(s->migrate(kSchema).ok());
  auto insert = [](std::string k) {
    return [k](database& db) -> result<void> {
      auto st = db.cached("INSERT INTO kv VALUES(?1, 'x')");
      if (!st.ok()) return st.err();
      (*st)->bind(1, k);
      return (*st)->run();
    };
  };
  std::promise<void> all;
  std::atomic<int> left{3}, failed{0};
  auto done = [&](result<void> r) {
    if (!r.ok()) {
      EXPECT_EQ(r.code(), errc::constraint);
      ++failed;
    }
    if (--left == 0) all.set_value();
  };
  s->submit(insert("k1"), done);
  s->submit(insert("k1"), done);  // duplicate key: fails alone
  s->submit(insert("k2"), done);
  all.get_future().wait();
  EXPECT_EQ(failed.load(), 1);
  auto rd = s->reader();
  auto st = rd->prepare("SELECT count(*) FROM kv");
  ASSERT_TRUE(st->step().ok());
  EXPECT_EQ(st->int64(0), 2);
}

TEST(StateStore, ConcurrentWritersShareCommits) {
  tmp_dir dir;
  auto s = std::move(state_store::open({.dir = dir.path})).value();
  ASSERT_TRUE(s->migrate(kSchema).ok());
  auto before = s->commits();
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto key = std::to_string(t) + ":" + std::to_string(i);
        ASSERT_TRUE(s->write([&](database& db) -> result<void> {
                       auto st = db.cached("INSERT INTO kv VALUES(?1, 'v')");
                       if (!st.ok()) return st.err();
                       (*st)->bind(1, key);
                       return (*st)->run();
                     }).ok());
      }
    });
  for (auto& t : threads) t.join();
  // 400 durable writes; group commit must have merged some of them.
  EXPECT_LT(s->commits() - before, static_cast<std::uint64_t>(kThreads * kEach));
}

TEST(BlobStore, CommitsAtomicallyUnderRandomNames) {
  tmp_dir dir;
  blob_store b(dir.path / "blobs", true);
  auto id = b.write("hello");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 32u);
  EXPECT_TRUE(std::filesystem::exists(b.path(*id)));
  EXPECT_EQ(std::filesystem::file_size(b.path(*id)), 5u);
  EXPECT_TRUE(std::filesystem::is_empty(b.tmp_dir()));
  b.remove(*id);
  EXPECT_FALSE(std::filesystem::exists(b.path(*id)));
}

}  // namespace
}  // namespace hayloft::store
