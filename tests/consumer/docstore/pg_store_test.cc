// The PostgreSQL document store against a real PostgreSQL 15 (pg_server.h): nothing mocked.
#include "consumer/docstore/pg_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <thread>

#include "consumer/docstore/pg_schema.h"
#include "consumer/docstore/sqlite_store.h"
#include "emulator/core/ids.h"
#include "tests/consumer/docstore/pg_server.h"

namespace hayloft::consumer {
namespace {

using namespace std::chrono_literals;
using testing::pg_server;

std::vector<float> unit(std::vector<float> v) {
  float n = 0;
  for (float x : v) n += x * x;
  for (float& x : v) x /= std::sqrt(n);
  return v;
}

std::vector<float> random_unit(std::mt19937& rng, std::size_t dim) {
  std::normal_distribution<float> d;
  std::vector<float> v(dim);
  for (auto& x : v) x = d(rng);
  return unit(std::move(v));
}

std::vector<chunk_record> chunks(std::vector<std::pair<std::string, std::vector<float>>> items) {
  std::vector<chunk_record> out;
  int i = 0;
  for (auto& [text, v] : items) out.push_back({text, i++, std::nullopt, "", unit(v)});
  return out;
}

class PgStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = pg_server::start();
    ASSERT_TRUE(s.ok()) << s.err().message;
    server_ = std::move(s).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    auto db = server_->create_database();
    ASSERT_TRUE(db.ok()) << db.err().message;
    url_ = *db;
  }
  std::unique_ptr<pg_document_store> open(bool reader = false) {
    auto s = std::make_unique<pg_document_store>(
        pg_store_options{.conninfo = url_, .pool_size = 4, .poll_interval = 200ms, .max_backoff = 200ms}, *clock_);
    auto m = s->migrate();
    EXPECT_TRUE(m.ok()) << m.err().message;
    if (reader) {
      auto r = s->start_reader();
      EXPECT_TRUE(r.ok()) << r.err().message;
    }
    return s;
  }
  // Waits until `reader` has applied everything `writer` committed.
  static void sync(pg_document_store& writer, pg_document_store& reader) {
    auto seq = writer.sequence();
    ASSERT_TRUE(seq.ok()) << seq.err().message;
    ASSERT_TRUE(reader.wait_for_sequence(*seq, 5s)) << "reader at " << reader.reader_sequence() << ", database at " << *seq;
  }
  static std::vector<std::string> keys(const std::vector<search_hit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.key + "#" + std::to_string(h.chunk_index) + ":" + h.text);
    return out;
  }

  static pg_server* server_;
  std::string url_;
  std::unique_ptr<core::clock> clock_ = core::make_manual_clock();
};
pg_server* PgStoreTest::server_ = nullptr;

TEST_F(PgStoreTest, MigratesFromEmptyAndAgainIsANoOp) {
  auto c = pg::pg_conn::connect(url_);
  ASSERT_TRUE(c.ok()) << c.err().message;
  auto before = pg::status(**c);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->current, 0);
  ASSERT_TRUE(pg::migrate(**c).ok());
  ASSERT_TRUE(pg::migrate(**c).ok());
  auto after = pg::status(**c);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->current, pg::latest_schema_version());
  auto rows = server_->psql(url_.substr(url_.rfind('/') + 1), "SELECT string_agg(version::text, ',' ORDER BY version) FROM hayloft_schema_migrations");
  ASSERT_TRUE(rows.ok()) << rows.err().message;
  EXPECT_EQ(*rows, "1,2\n");
}

TEST_F(PgStoreTest, MigratesFromThePreviousVersionKeepingData) {
  auto c = pg::pg_conn::connect(url_);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(pg::migrate(**c, 1).ok());
  auto db = url_.substr(url_.rfind('/') + 1);
  // A v1 database with one indexed file, as the previous hayloft wrote it.
  auto v = unit({1, 0, 0});
  ASSERT_TRUE(server_->psql(db, "UPDATE hayloft_docstore_counter SET seq = 1; "
                                "INSERT INTO hayloft_sources(idx, bucket, key, etag, seq) VALUES('default', 'b', 'old.txt', 'e1', 1); "
                                "INSERT INTO hayloft_chunks(idx, bucket, key, etag, chunk, text, model, dim, vector, seq) "
                                "VALUES('default', 'b', 'old.txt', 'e1', 0, 'kept across the migration', 'm', 3, "
                                "'\\x0000803f0000000000000000'::bytea, 1)")
                  .ok());
  auto store = open(true);  // migrates to the latest version at start
  auto st = pg::status(**c);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->current, 2);
  auto hits = store->search({.index = "default", .vector = v, .model = "m", .top_k = 1});
  ASSERT_TRUE(hits.ok()) << hits.err().message;
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].text, "kept across the migration");
  EXPECT_NEAR((*hits)[0].score, 1.0f, 1e-6);
  // v2's version column: old rows are version 0, so any real version replaces them.
  ASSERT_TRUE(store->replace_sync({"default", "b", "old.txt", "e2", 1000}, "m", chunks({{"new", {0, 1, 0}}})).ok());
  auto is = store->is_indexed({"default", "b", "old.txt", "e2", 1000});
  ASSERT_TRUE(is.ok());
  EXPECT_TRUE(*is);
}

TEST_F(PgStoreTest, SchemaFromANewerHayloftIsAClearErrorAtStart) {
  auto store = open();
  auto db = url_.substr(url_.rfind('/') + 1);
  ASSERT_TRUE(server_->psql(db, "INSERT INTO hayloft_schema_migrations(version, description) VALUES(99, 'future')").ok());
  auto again = std::make_unique<pg_document_store>(pg_store_options{.conninfo = url_}, *clock_);
  auto r = again->migrate();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), make_error_code(docstore_errc::schema_too_new));
  EXPECT_NE(r.err().message.find("schema version 99"), std::string::npos) << r.err().message;
  EXPECT_NE(r.err().message.find("upgrade hayloft"), std::string::npos) << r.err().message;
}

TEST_F(PgStoreTest, WrongPasswordIsAClearErrorNotAnOutage) {
  auto bad = url_;
  bad.replace(bad.find(pg_server::password), std::string(pg_server::password).size(), "wrong");
  pg_document_store s(pg_store_options{.conninfo = bad}, *clock_);
  auto r = s.migrate();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.code(), make_error_code(docstore_errc::unavailable));
  EXPECT_NE(r.err().message.find("password authentication failed"), std::string::npos) << r.err().message;
  EXPECT_EQ(r.err().message.find("wrong"), std::string::npos) << "the password leaked: " << r.err().message;
}

TEST_F(PgStoreTest, SocketConnectionStringsWork) {
  auto db = url_.substr(url_.rfind('/') + 1);
  pg_document_store s(pg_store_options{.conninfo = server_->socket_conninfo(db)}, *clock_);
  ASSERT_TRUE(s.migrate().ok());
  EXPECT_TRUE(s.ping().ok());
}

TEST_F(PgStoreTest, SearchMatchesSqliteOnTheSameCorpus) {
  auto dir = std::filesystem::temp_directory_path() / ("hayloft-parity-" + core::random_hex(6));
  auto state = std::move(store::state_store::open({.dir = dir, .durable = false})).value();
  sqlite_document_store lite(*state, *clock_);
  ASSERT_TRUE(lite.migrate().ok());
  auto pgs = open(true);
  std::mt19937 rng(7);
  const std::size_t dim = 64;
  std::vector<document_store*> stores{&lite, pgs.get()};
  for (int f = 0; f < 60; ++f) {
    std::vector<chunk_record> cs;
    for (int i = 0; i < 8; ++i)
      cs.push_back({"file " + std::to_string(f) + " chunk " + std::to_string(i), i, f % 3 ? std::optional<int>(i) : std::nullopt,
                    f % 5 ? "" : "member.txt", random_unit(rng, dim)});
    for (auto* s : stores) {
      auto r = s->replace_sync({"default", f % 2 ? "b1" : "b2", "dir/f" + std::to_string(f) + ".txt", "e1", 1000}, "m", cs);
      ASSERT_TRUE(r.ok()) << s->describe() << ": " << r.err().message;
    }
  }
  // Replacements (new ETags, fewer chunks) and removals.
  for (int f = 0; f < 60; f += 7) {
    std::vector<chunk_record> cs{{"replaced " + std::to_string(f), 0, std::nullopt, "", random_unit(rng, dim)}};
    for (auto* s : stores)
      ASSERT_TRUE(s->replace_sync({"default", f % 2 ? "b1" : "b2", "dir/f" + std::to_string(f) + ".txt", "e2", 2000}, "m", cs).ok());
  }
  for (int f = 1; f < 60; f += 11)
    for (auto* s : stores) ASSERT_TRUE(s->remove("default", f % 2 ? "b1" : "b2", "dir/f" + std::to_string(f) + ".txt").ok());
  ASSERT_TRUE(pgs->wait_for_sequence(*pgs->sequence(), 5s));
  // A fresh reader loads the same corpus in bulk.
  auto fresh = open(true);
  for (int q = 0; q < 20; ++q) {
    document_store::query query{.index = "default", .vector = random_unit(rng, dim), .model = "m", .top_k = 10};
    if (q % 4 == 1) query.bucket = "b1";
    if (q % 4 == 2) query.key_prefix = "dir/f1";
    auto a = lite.search(query);
    auto b = pgs->search(query);
    auto c = fresh->search(query);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(keys(*a), keys(*b)) << "query " << q;
    EXPECT_EQ(keys(*a), keys(*c)) << "query " << q;
    for (std::size_t i = 0; i < a->size() && i < b->size(); ++i) EXPECT_NEAR((*a)[i].score, (*b)[i].score, 1e-5);
  }
  auto fa = lite.files("default");
  auto fb = pgs->files("default");
  ASSERT_TRUE(fa.ok() && fb.ok());
  ASSERT_EQ(fa->size(), fb->size());
  for (std::size_t i = 0; i < fa->size(); ++i) {
    EXPECT_EQ((*fa)[i].key, (*fb)[i].key);
    EXPECT_EQ((*fa)[i].etag, (*fb)[i].etag);
    EXPECT_EQ((*fa)[i].chunks, (*fb)[i].chunks);
  }
  auto ia = lite.indexes();
  auto ib = pgs->indexes();
  ASSERT_TRUE(ia.ok() && ib.ok());
  ASSERT_EQ(ia->size(), 1u);
  ASSERT_EQ(ib->size(), 1u);
  EXPECT_EQ((*ia)[0].files, (*ib)[0].files);
  EXPECT_EQ((*ia)[0].chunks, (*ib)[0].chunks);
  EXPECT_EQ((*ib)[0].dimension, dim);
  std::filesystem::remove_all(dir);
}

TEST_F(PgStoreTest, AWriteByOneProcessIsSearchableByAnotherWithinASecond) {
  auto writer = open();
  auto reader = open(true);
  ASSERT_TRUE(writer->replace_sync({"default", "b", "cats.txt", "e1", 1}, "m", chunks({{"cats purr", {1, 0, 0}}})).ok());
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(reader->wait_for_sequence(*writer->sequence(), 1s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  auto hits = reader->search({.index = "default", .vector = unit({1, 0, 0}), .model = "m", .top_k = 3});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].text, "cats purr");
  // A replacement and a removal reach the reader too.
  ASSERT_TRUE(writer->replace_sync({"default", "b", "cats.txt", "e2", 2}, "m", chunks({{"cats nap", {1, 0, 0}}, {"more", {0, 1, 0}}})).ok());
  sync(*writer, *reader);
  hits = reader->search({.index = "default", .vector = unit({1, 0, 0}), .model = "m", .top_k = 3});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].text, "cats nap");
  EXPECT_EQ((*hits)[0].etag, "e2");
  ASSERT_TRUE(writer->remove("", "b", "cats.txt").ok());
  sync(*writer, *reader);
  hits = reader->search({.index = "default", .vector = unit({1, 0, 0}), .model = "m", .top_k = 3});
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
  ASSERT_TRUE(writer->replace_sync({"default", "b", "dogs.txt", "e1", 3}, "m", chunks({{"dogs bark", {1, 0, 0}}})).ok());
  ASSERT_TRUE(writer->reset().ok());
  sync(*writer, *reader);
  hits = reader->search({.index = "default", .vector = unit({1, 0, 0}), .model = "m", .top_k = 3});
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
}

TEST_F(PgStoreTest, AnOlderVersionNeverReplacesANewerOne) {
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a->replace_sync({"default", "b", "k.txt", "new", 2000}, "m", chunks({{"new text", {1, 0, 0}}})).ok());
  // A consumer that fetched the object before it was replaced commits late.
  ASSERT_TRUE(b->replace_sync({"default", "b", "k.txt", "old", 1000}, "m", chunks({{"old", {1, 0, 0}}, {"old2", {0, 1, 0}}})).ok());
  auto files = a->files("default");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].etag, "new");
  EXPECT_EQ((*files)[0].chunks, 1);
  // The late consumer learns it has nothing to do (its message may be deleted).
  auto is = b->is_indexed({"default", "b", "k.txt", "old", 1000});
  ASSERT_TRUE(is.ok());
  EXPECT_TRUE(*is);
  // Re-delivery of the stored version changes nothing (no new sequence).
  auto before = a->sequence();
  ASSERT_TRUE(a->replace_sync({"default", "b", "k.txt", "new", 2000}, "m", chunks({{"new text", {1, 0, 0}}})).ok());
  EXPECT_EQ(*a->sequence(), *before);
}

TEST_F(PgStoreTest, RacingWritersOnOneKeyLeaveTheNewestVersionAndNoDuplicates) {
  auto reader = open(true);
  std::vector<std::unique_ptr<pg_document_store>> writers;
  for (int i = 0; i < 4; ++i) writers.push_back(open());
  const int versions = 40;
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      for (int i = 0; i < versions; ++i) {
        int v = (i * 7 + w * 13) % versions + 1;  // every writer writes every version, in its own order
        std::vector<chunk_record> cs;
        for (int c = 0; c < v % 5 + 1; ++c) cs.push_back({"v" + std::to_string(v), c, std::nullopt, "", random_unit(rng, 8)});
        auto r = writers[static_cast<std::size_t>(w)]->replace_sync({"default", "b", "hot.txt", "etag-" + std::to_string(v), v}, "m", cs);
        EXPECT_TRUE(r.ok()) << r.err().message;
      }
    });
  for (auto& t : threads) t.join();
  auto files = reader->files("default");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].etag, "etag-" + std::to_string(versions));
  EXPECT_EQ((*files)[0].chunks, versions % 5 + 1);
  sync(*writers[0], *reader);
  std::mt19937 rng(1);
  auto hits = reader->search({.index = "default", .vector = random_unit(rng, 8), .model = "m", .top_k = 100});
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(static_cast<int>(hits->size()), versions % 5 + 1);
  for (const auto& h : *hits) EXPECT_EQ(h.etag, "etag-" + std::to_string(versions));
}

TEST_F(PgStoreTest, ARestartMakesSearchUnavailableThenRecoversByItself) {
  auto writer = open();
  auto reader = open(true);
  ASSERT_TRUE(writer->replace_sync({"default", "b", "a.txt", "e1", 1}, "m", chunks({{"before", {1, 0, 0}}})).ok());
  sync(*writer, *reader);
  ASSERT_TRUE(server_->stop().ok());
  // Writes fail as `unavailable` (the consumer's cue to back off), never as success.
  auto w = writer->replace_sync({"default", "b", "b.txt", "e1", 1}, "m", chunks({{"during", {1, 0, 0}}}));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.code(), make_error_code(docstore_errc::unavailable)) << w.err().message;
  EXPECT_FALSE(writer->ping().ok());
  // The reader notices within its poll interval and search says why.
  bool down = false;
  for (int i = 0; i < 100 && !down; ++i) {
    down = !reader->available().ok();
    if (!down) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(down);
  auto s = reader->search({.index = "default", .vector = unit({1, 0, 0}), .model = "m", .top_k = 3});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), make_error_code(docstore_errc::unavailable));
  EXPECT_FALSE(s.err().message.empty());
  ASSERT_TRUE(server_->restart().ok());
  // Writes work again on fresh connections; the reader reconnects and catches up.
  auto again = writer->replace_sync({"default", "b", "b.txt", "e1", 1}, "m", chunks({{"after", {1, 0, 0}}}));
  ASSERT_TRUE(again.ok()) << again.err().message;
  sync(*writer, *reader);
  EXPECT_TRUE(reader->available().ok());
  auto hits = reader->search({.index = "default", .vector = unit({1, 0, 0}), .model = "m", .top_k = 3});
  ASSERT_TRUE(hits.ok()) << hits.err().message;
  ASSERT_EQ(hits->size(), 2u);
}

TEST_F(PgStoreTest, ConcurrentStartersMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      pg_document_store s(pg_store_options{.conninfo = url_}, *clock_);
      if (!s.migrate().ok()) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto rows = server_->psql(url_.substr(url_.rfind('/') + 1), "SELECT count(*) FROM hayloft_schema_migrations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, "2\n");
}

}  // namespace
}  // namespace hayloft::consumer
