// state_store::backup and restore: a copy of the committed state taken while writes run, and a
// replacement of the whole database that readers see all at once.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "emulator/core/ids.h"
#include "emulator/store/state_store.h"

namespace hayloft::store {
namespace {

struct tmp_dir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("hayloft-backup-" + core::random_hex(6));
  ~tmp_dir() { std::filesystem::remove_all(path); }
};

const migration_set kSchema{"test", {"CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT NOT NULL)"}};

result<void> put(state_store& s, std::int64_t k, std::string v) {
  return s.write([k, v](database& db) -> result<void> {
    auto st = db.cached("INSERT INTO kv VALUES(?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
    if (!st.ok()) return st.err();
    (*st)->bind(1, k).bind(2, v);
    return (*st)->run();
  });
}

// (count, max key) of kv through `db`.
std::pair<std::int64_t, std::int64_t> shape(database& db) {
  auto st = db.prepare("SELECT count(*), coalesce(max(k), 0) FROM kv");
  EXPECT_TRUE(st.ok());
  auto row = st->step();
  EXPECT_TRUE(row.ok() && *row);
  return {st->int64(0), st->int64(1)};
}

std::unique_ptr<state_store> open_store(const std::filesystem::path& dir) {
  auto s = std::move(state_store::open({.dir = dir, .durable = false})).value();
  EXPECT_TRUE(s->migrate(kSchema).ok());
  return s;
}

TEST(Backup, CopiesTheLastCommitWhileWritesGoOn) {
  tmp_dir dir;
  auto s = open_store(dir.path / "live");
  for (int i = 1; i <= 100; ++i) ASSERT_TRUE(put(*s, i, "v").ok());
  // Keys are written in order, each after the previous committed: any consistent copy holds
  // exactly the keys 1..n for some n.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 101; !stop; ++i) (void)put(*s, i, "v");
  });
  for (int round = 0; round < 20; ++round) {
    auto dest = dir.path / ("copy" + std::to_string(round) + ".db");
    std::int64_t seen_while_pinned = -1;
    auto r = s->backup(dest, [&](database& pinned) -> result<void> {
      seen_while_pinned = shape(pinned).first;
      return {};
    });
    ASSERT_TRUE(r.ok()) << r.err().message;
    auto copy = std::move(database::open(dest.string(), {.read_only = true})).value();
    auto [count, max] = shape(*copy);
    EXPECT_EQ(count, max) << "a gap: the copy is not one point in time";
    EXPECT_GE(count, 100);
    EXPECT_EQ(count, seen_while_pinned) << "the copy is not the view the pinned callback saw";
  }
  stop = true;
  writer.join();
}

TEST(Backup, RecordsSchemaVersionsAndNeedsNoWalBesideTheCopy) {
  tmp_dir dir;
  auto s = open_store(dir.path / "live");
  auto dest = dir.path / "copy.db";
  ASSERT_TRUE(s->backup(dest, [](database&) -> result<void> { return {}; }).ok());
  auto copy = std::move(database::open(dest.string(), {.read_only = true})).value();
  auto versions = schema_versions(*copy);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, (std::map<std::string, std::int64_t>{{"test", 1}}));
  auto mode = copy->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "delete");
}

TEST(Backup, PinnedCallbackFailureFailsTheBackup) {
  tmp_dir dir;
  auto s = open_store(dir.path / "live");
  auto r = s->backup(dir.path / "copy.db", [](database&) -> result<void> {
    return hayloft::error{make_error_code(errc::io), "link failed"};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().message, "link failed");
}

TEST(Backup, HoldsEveryWriteSubmittedBeforeIt) {
  tmp_dir dir;
  auto s = open_store(dir.path / "live");
  // Submitted without waiting (as the orchestrator persists objects): they share the writer's
  // batch with the backup's own job, and must still be in the copy.
  for (int i = 1; i <= 50; ++i)
    s->submit([i](database& db) -> result<void> {
      auto st = db.cached("INSERT INTO kv VALUES(?1, 'v')");
      if (!st.ok()) return st.err();
      (*st)->bind(1, static_cast<std::int64_t>(i));
      return (*st)->run();
    }, nullptr);
  ASSERT_TRUE(s->backup(dir.path / "copy.db", [](database&) -> result<void> { return {}; }).ok());
  auto copy = std::move(database::open((dir.path / "copy.db").string(), {.read_only = true})).value();
  EXPECT_EQ(shape(*copy).first, 50);
}

TEST(Restore, ReplacesEverythingAndOpenReadersKeepTheirView) {
  tmp_dir dir;
  auto s = open_store(dir.path / "live");
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(put(*s, i, "old").ok());
  auto snap = dir.path / "snap.db";
  ASSERT_TRUE(s->backup(snap, [](database&) -> result<void> { return {}; }).ok());
  for (int i = 11; i <= 500; ++i) ASSERT_TRUE(put(*s, i, "new").ok());

  auto before = s->reader();
  ASSERT_TRUE(before->exec("BEGIN").ok());
  EXPECT_EQ(shape(*before).first, 500);  // starts its read transaction
  ASSERT_TRUE(s->restore(snap).ok());
  EXPECT_EQ(shape(*before).first, 500) << "a reader inside its transaction saw the restore";
  ASSERT_TRUE(before->exec("COMMIT").ok());
  EXPECT_EQ(shape(*before).first, 10);
  auto after = s->reader();
  EXPECT_EQ(shape(*after), (std::pair<std::int64_t, std::int64_t>{10, 10}));
  // The writer goes on after the restore, on the restored content.
  ASSERT_TRUE(put(*s, 11, "again").ok());
  EXPECT_EQ(shape(*s->reader()).first, 11);
}

TEST(Restore, SurvivesReopenAndAMissingSourceChangesNothing) {
  tmp_dir dir;
  {
    auto s = open_store(dir.path / "live");
    ASSERT_TRUE(put(*s, 1, "a").ok());
    ASSERT_TRUE(s->backup(dir.path / "snap.db", [](database&) -> result<void> { return {}; }).ok());
    ASSERT_TRUE(put(*s, 2, "b").ok());
    EXPECT_FALSE(s->restore(dir.path / "missing.db").ok());
    EXPECT_EQ(shape(*s->reader()).first, 2);
    ASSERT_TRUE(s->restore(dir.path / "snap.db").ok());
  }
  auto s = open_store(dir.path / "live");
  EXPECT_EQ(shape(*s->reader()).first, 1);
}

}  // namespace
}  // namespace hayloft::store
