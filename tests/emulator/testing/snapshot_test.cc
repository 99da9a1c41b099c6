// Snapshots of a whole stack through hayloft::testing::stack: save while requests run, restore
// atomically (S3 objects and blobs, SQS messages with their visibility, orchestrator objects),
// long polls answered by a restore, and the failures a test author meets (a missing snapshot, a
// bad name, one from an incompatible hayloft).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "emulator/http/aws_client.h"
#include "emulator/store/sqlite.h"
#include "emulator/testing/gtest.h"

namespace {

using hayloft::testing::environment;
using nlohmann::json;

constexpr const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: hayloft/echo}]}
)";

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override { hl.reset(); }

  void make_bucket(const std::string& bucket) {
    hayloft::http::s3_request r;
    r.method = "PUT";
    r.bucket = bucket;
    auto made = hl.aws().s3_call(r);
    ASSERT_TRUE(made.ok()) << made.err().message;
  }
  void put(const std::string& bucket, const std::string& key, std::string body) {
    hayloft::http::s3_request r;
    r.method = "PUT";
    r.bucket = bucket;
    r.key = key;
    r.body = std::move(body);
    auto stored = hl.aws().s3_call(r);
    ASSERT_TRUE(stored.ok()) << stored.err().message;
  }
  std::string queue(const std::string& name) {
    auto made = hl.aws().sqs_call("CreateQueue", {{"QueueName", name}});
    EXPECT_TRUE(made.ok()) << made.err().message;
    return made.ok() ? (*made)["QueueUrl"].get<std::string>() : "";
  }
  std::set<std::string> keys(const std::string& bucket) {
    hayloft::http::s3_request r;
    r.bucket = bucket;
    r.query = "list-type=2";
    auto listed = hl.aws().s3_call(r);
    EXPECT_TRUE(listed.ok()) << listed.err().message;
    std::set<std::string> out;
    if (!listed.ok()) return out;
    const auto& xml = listed->body;
    for (auto pos = xml.find("<Key>"); pos != std::string::npos; pos = xml.find("<Key>", pos + 5))
      out.insert(xml.substr(pos + 5, xml.find("</Key>", pos) - pos - 5));
    return out;
  }
  std::string visible_count(const std::string& url) {
    auto a = hl.aws().sqs_call("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
    if (!a.ok()) return "error: " + a.err().message;
    return (*a)["Attributes"].value("ApproximateNumberOfMessages", "?") + "/" +
           (*a)["Attributes"].value("ApproximateNumberOfMessagesNotVisible", "?");
  }
  hayloft::testing::stack& hl = environment::get();
};

TEST_F(SnapshotTest, RestoreBringsBackObjectsMessagesAndDeployments) {
  make_bucket("snap");
  put("snap", "small.txt", "hello");
  const std::string large(100 * 1024, 'L');  // above the inline threshold: a blob file
  put("snap", "large.bin", large);
  auto url = queue("jobs");
  for (const char* body : {"one", "two", "three"}) ASSERT_TRUE(hl.aws().send_message(url, body).ok());
  auto taken = hl.aws().receive_message(url, 1, std::chrono::seconds(0));  // in flight for 30 s
  ASSERT_TRUE(taken.ok() && taken->size() == 1);
  hl.apply(kDeployment, "shop");
  auto saved = hl.snapshot("seeded");
  EXPECT_EQ(saved["name"], "seeded");
  EXPECT_EQ(saved["blobs"], 1);
  EXPECT_TRUE(saved["compatible"].get<bool>());

  // Everything changes after the snapshot.
  put("snap", "small.txt", "changed");
  hayloft::http::s3_request del;
  del.method = "DELETE";
  del.bucket = "snap";
  del.key = "large.bin";
  ASSERT_TRUE(hl.aws().s3_call(del).ok());
  make_bucket("later");
  ASSERT_TRUE(hl.aws().sqs_call("PurgeQueue", {{"QueueUrl", url}}).ok());
  ASSERT_TRUE(hl.aws().send_message(url, "after").ok());
  queue("later-queue");
  hl.admin("POST", "/_hayloft/delete?kind=deployment&namespace=shop&name=web");

  auto restored = hl.restore("seeded");
  EXPECT_EQ(restored["restored"], "seeded");
  auto small = hl.aws().get_object("snap", "small.txt");
  ASSERT_TRUE(small.ok()) << small.err().message;
  EXPECT_EQ(small->bytes, "hello");
  auto big = hl.aws().get_object("snap", "large.bin");
  ASSERT_TRUE(big.ok()) << big.err().message;
  EXPECT_EQ(big->bytes, large);
  EXPECT_EQ(keys("snap"), (std::set<std::string>{"large.bin", "small.txt"}));
  hayloft::http::s3_request later;
  later.method = "HEAD";
  later.bucket = "later";
  EXPECT_FALSE(hl.aws().s3_call(later).ok()) << "a bucket made after the snapshot survived the restore";
  auto queues = hl.aws().sqs_call("ListQueues", json::object());
  ASSERT_TRUE(queues.ok());
  EXPECT_EQ((*queues)["QueueUrls"].size(), 1u) << queues->dump();
  EXPECT_EQ(visible_count(url), "2/1");
  auto got = hl.aws().receive_message(url, 10, std::chrono::seconds(0));
  ASSERT_TRUE(got.ok()) << got.err().message;
  std::set<std::string> bodies;
  for (const auto& m : *got) bodies.insert(m.body);
  std::set<std::string> expected = {"one", "two", "three"};
  expected.erase((*taken)[0].body);
  EXPECT_EQ(bodies, expected);
  EXPECT_EQ(hl.replicas("web", "shop"), 2);
  // The delete after the snapshot scheduled the blob file's removal (after a 30 s grace): the
  // restored object names that file again, so it stays.
  hl.advance("31s");
  big = hl.aws().get_object("snap", "large.bin");
  ASSERT_TRUE(big.ok()) << big.err().message;
  EXPECT_EQ(big->bytes, large);
}

TEST_F(SnapshotTest, ObjectVersionsComeBack) {
  make_bucket("history");
  hayloft::http::s3_request versioning;
  versioning.method = "PUT";
  versioning.bucket = "history";
  versioning.query = "versioning";
  versioning.body =
      R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>)";
  auto enabled = hl.aws().s3_call(versioning);
  ASSERT_TRUE(enabled.ok()) << enabled.err().message;
  auto version_of = [&](std::string body) {
    hayloft::http::s3_request put;
    put.method = "PUT";
    put.bucket = "history";
    put.key = "doc.txt";
    put.body = std::move(body);
    auto r = hl.aws().s3_call(put);
    EXPECT_TRUE(r.ok()) << r.err().message;
    return r.ok() ? r->header("x-amz-version-id") : std::string();
  };
  auto v1 = version_of("first");
  auto v2 = version_of(std::string(80 * 1024, '2'));  // a blob file
  ASSERT_FALSE(v1.empty());
  hl.snapshot("versions");
  version_of("third");
  hayloft::http::s3_request del;
  del.method = "DELETE";
  del.bucket = "history";
  del.key = "doc.txt";
  ASSERT_TRUE(hl.aws().s3_call(del).ok());  // a delete marker on top
  hl.restore("versions");
  auto current = hl.aws().get_object("history", "doc.txt");
  ASSERT_TRUE(current.ok()) << current.err().message;
  EXPECT_EQ(current->bytes, std::string(80 * 1024, '2'));
  hayloft::http::s3_request old;
  old.bucket = "history";
  old.key = "doc.txt";
  old.query = "versionId=" + v1;
  auto first = hl.aws().s3_call(old);
  ASSERT_TRUE(first.ok()) << first.err().message;
  EXPECT_EQ(first->body, "first");
  hayloft::http::s3_request list;
  list.bucket = "history";
  list.query = "versions";
  auto listed = hl.aws().s3_call(list);
  ASSERT_TRUE(listed.ok()) << listed.err().message;
  std::size_t versions = 0;
  for (auto pos = listed->body.find("<Version>"); pos != std::string::npos; pos = listed->body.find("<Version>", pos + 1))
    ++versions;
  EXPECT_EQ(versions, 2u) << listed->body;
  EXPECT_EQ(listed->body.find("<DeleteMarker>"), std::string::npos) << listed->body;
}

TEST_F(SnapshotTest, AReceivedMessageStaysInFlightUntilItsVisibilityTimeout) {
  auto url = queue("inflight");
  ASSERT_TRUE(hl.aws().send_message(url, "m").ok());
  auto first = hl.aws().receive_message(url, 1, std::chrono::seconds(0));
  ASSERT_TRUE(first.ok() && first->size() == 1);
  hl.snapshot("inflight");
  hl.advance("31s");  // visible again in the live state
  EXPECT_EQ(visible_count(url), "1/0");
  hl.restore("inflight");
  EXPECT_EQ(visible_count(url), "1/0") << "the clock is not restored: the visibility timeout has passed";
  hl.reset();
  url = queue("inflight");
  ASSERT_TRUE(hl.aws().send_message(url, "m").ok());
  ASSERT_TRUE(hl.aws().receive_message(url, 1, std::chrono::seconds(0)).ok());
  hl.snapshot("inflight");
  ASSERT_TRUE(hl.aws().sqs_call("PurgeQueue", {{"QueueUrl", url}}).ok());
  hl.restore("inflight");
  EXPECT_EQ(visible_count(url), "0/1");
  hl.advance("31s");
  auto again = hl.aws().receive_message(url, 1, std::chrono::seconds(0));
  ASSERT_TRUE(again.ok() && again->size() == 1);
  EXPECT_EQ((*again)[0].body, "m");
  EXPECT_EQ((*again)[0].receive_count, 2);
}

TEST_F(SnapshotTest, ASnapshotTakenWhileWritesRunIsOnePointInTime) {
  make_bucket("stream");
  // Keys k0, k1, ... are written one after the other, each after the previous was answered:
  // a consistent snapshot holds exactly k0..kn for some n, each with its blob file.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 400; ++i) {
      hayloft::http::s3_request r;
      r.method = "PUT";
      r.bucket = "stream";
      r.key = "k" + std::to_string(i);
      r.body = std::string(70 * 1024, static_cast<char>('a' + i % 26));
      if (!hl.aws().s3_call(r).ok()) break;
      ++written;
    }
  });
  while (written < 5) std::this_thread::yield();
  hl.snapshot("moving");
  stop = true;
  writer.join();
  hl.restore("moving");
  auto present = keys("stream");
  ASSERT_FALSE(present.empty());
  for (std::size_t i = 0; i < present.size(); ++i) {
    auto key = "k" + std::to_string(i);
    ASSERT_TRUE(present.count(key)) << "a gap at " << key << ": the snapshot is not one point in time";
    auto got = hl.aws().get_object("stream", key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.err().message;
    EXPECT_EQ(got->bytes, std::string(70 * 1024, static_cast<char>('a' + i % 26)));
  }
}

TEST_F(SnapshotTest, ReadersSeeTheOldStateOrTheNewDuringRestores) {
  auto url = queue("flip");
  make_bucket("flip");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(hl.aws().send_message(url, "a").ok());
  put("flip", "a1", "a");
  hl.snapshot("a");
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(hl.aws().send_message(url, "b").ok());
  put("flip", "b1", "b");
  hl.snapshot("b");
  std::atomic<bool> stop{false};
  std::vector<std::string> odd;
  std::thread reader([&] {
    while (!stop) {
      auto counts = visible_count(url);
      if (counts != "5/0" && counts != "7/0") odd.push_back("queue " + counts);
      auto k = keys("flip");
      if (k != std::set<std::string>{"a1"} && k != std::set<std::string>{"a1", "b1"})
        odd.push_back("bucket of " + std::to_string(k.size()) + " keys");
    }
  });
  for (int i = 0; i < 20; ++i) hl.restore(i % 2 ? "b" : "a");
  stop = true;
  reader.join();
  EXPECT_TRUE(odd.empty()) << odd.size() << " reads saw neither state, first: " << odd.front();
}

TEST_F(SnapshotTest, ARestoreAnswersWaitingLongPollsWithNoMessages) {
  auto url = queue("waiting");
  hl.snapshot("empty-queue");
  // The clock is manual: nothing but a restore can end this 20-second wait.
  auto poll = std::async(std::launch::async, [&] { return hl.aws().receive_message(url, 1, std::chrono::seconds(20)); });
  std::size_t answered = 0;
  // A poll that reaches hayloft while a restore runs is held until it ends, then waits on the
  // restored queue: restore again until one has answered it.
  for (int i = 0; i < 200 && poll.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready; ++i) {
    auto n = hl.restore("empty-queue")["long_polls_answered"].get<std::size_t>();
    answered += n;
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the long poll was never answered";
  auto got = poll.get();
  ASSERT_TRUE(got.ok()) << got.err().message;
  EXPECT_TRUE(got->empty()) << "a long poll answered by a restore gets no messages, as after a purge";
  EXPECT_EQ(answered, 1u);
  // The queue serves the next receive as usual.
  ASSERT_TRUE(hl.aws().send_message(url, "next").ok());
  auto next = hl.aws().receive_message(url, 1, std::chrono::seconds(0));
  ASSERT_TRUE(next.ok() && next->size() == 1);
}

TEST_F(SnapshotTest, MissingAndBadlyNamedSnapshotsAreRefused) {
  try {
    hl.restore("never-saved");
    FAIL() << "restored a snapshot that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no snapshot named \"never-saved\""), std::string::npos) << e.what();
  }
  for (const char* bad : {".hidden", "a b", "x%2Fy"}) {
    try {
      hl.admin("POST", "/_hayloft/snapshots", json{{"name", bad}}.dump());
      FAIL() << "saved a snapshot named " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("HTTP 400"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(hl.admin("POST", "/_hayloft/snapshots", R"({"title": "x"})"), std::runtime_error);
  EXPECT_THROW(hl.admin("DELETE", "/_hayloft/snapshots/never-saved"), std::runtime_error);
}

TEST_F(SnapshotTest, ASnapshotOfAnotherSchemaVersionIsRefusedAndNothingChanges) {
  make_bucket("kept");
  auto saved = hl.snapshot("old-version");
  {
    auto db = hayloft::store::database::open(saved["path"].get<std::string>() + "/state.db");
    ASSERT_TRUE(db.ok()) << db.err().message;
    ASSERT_TRUE((*db)->exec("UPDATE hayloft_schema SET version = version + 1 WHERE module = 'sqs'").ok());
  }
  make_bucket("made-later");
  try {
    hl.restore("old-version");
    FAIL() << "restored a snapshot of another schema version";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("HTTP 409"), std::string::npos) << what;
    EXPECT_NE(what.find("take the snapshot again with this version"), std::string::npos) << what;
    EXPECT_NE(what.find("sqs"), std::string::npos) << what;
  }
  auto listed = hl.admin("GET", "/_hayloft/snapshots");
  bool found = false;
  for (const auto& s : listed["snapshots"])
    if (s["name"] == "old-version") {
      found = true;
      EXPECT_FALSE(s["compatible"].get<bool>());
    }
  EXPECT_TRUE(found) << listed.dump();
  hayloft::http::s3_request head;
  head.method = "HEAD";
  head.bucket = "made-later";
  EXPECT_TRUE(hl.aws().s3_call(head).ok()) << "a refused restore changed the state";
}

TEST_F(SnapshotTest, ListDescribesAndRemoveDeletes) {
  hl.snapshot("listed");
  hl.snapshot("listed");  // saving again replaces it
  auto one = hl.admin("GET", "/_hayloft/snapshots/listed");
  EXPECT_EQ(one["name"], "listed");
  EXPECT_EQ(one["hayloft"], HAYLOFT_VERSION);
  EXPECT_TRUE(one["schemas"].contains("s3")) << one.dump();
  EXPECT_TRUE(one["compatible"].get<bool>());
  std::size_t named = 0;
  auto listed = hl.admin("GET", "/_hayloft/snapshots");
  for (const auto& s : listed["snapshots"]) named += s["name"] == "listed";
  EXPECT_EQ(named, 1u);
  EXPECT_EQ(hl.admin("DELETE", "/_hayloft/snapshots/listed")["removed"], "listed");
  EXPECT_THROW(hl.admin("GET", "/_hayloft/snapshots/listed"), std::runtime_error);
  EXPECT_THROW(hl.restore("listed"), std::runtime_error);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new environment());
  return RUN_ALL_TESTS();
}
