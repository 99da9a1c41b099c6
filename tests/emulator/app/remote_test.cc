// aws_client and the consumer's remote sources against a real `hayloft up` over HTTP: SigV4
// accepted by `--auth`, SQS over JSON 1.0, S3 path style with single and multipart uploads,
// AWS errors as values, and the long-poll cancel contract of remote_message_source.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "emulator/app/remote_sources.h"
#include "emulator/core/hash.h"
#include "emulator/core/ids.h"
#include "emulator/http/aws_client.h"
#include "tests/emulator/app/hayloft_process.h"
#include "tests/emulator/http/test_server.h"

namespace hayloft::app {
namespace {
using testing::hayloft_process;

http::aws_config config_for(const std::string& endpoint, const std::string& secret = "test") {
  http::aws_config c;
  c.endpoint = endpoint;
  c.region = "eu-central-1";
  c.credentials = {"test", secret, ""};
  c.http.timeout = std::chrono::seconds(30);
  return c;
}

std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& data) {
  auto p = dir / name;
  std::ofstream(p, std::ios::binary) << data;
  return p;
}

// One server with --auth (credentials test/test) for the whole suite.
class RemoteAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new hayloft_process({"--auth"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    aws_ = std::make_unique<http::aws_client>(config_for(server_->endpoint()));
    name_ = "t" + core::random_hex(4);
  }
  std::string create_queue() {
    auto r = aws_->sqs_call("CreateQueue",
                            {{"QueueName", name_}, {"Attributes", {{"VisibilityTimeout", "30"}}}});
    EXPECT_TRUE(r.ok()) << r.err().message;
    return r.ok() ? (*r)["QueueUrl"].get<std::string>() : std::string();
  }
  void create_bucket() {
    auto r = aws_->s3_call({.method = "PUT", .bucket = name_});
    ASSERT_TRUE(r.ok()) << r.err().message;
  }

  static hayloft_process* server_;
  std::unique_ptr<http::aws_client> aws_;
  std::string name_;
};
hayloft_process* RemoteAuthTest::server_ = nullptr;

TEST_F(RemoteAuthTest, SqsSendReceiveDeleteOverJson) {
  auto created = create_queue();
  auto url = aws_->get_queue_url(name_);
  ASSERT_TRUE(url.ok()) << url.err().message;
  EXPECT_EQ(*url, created);
  auto id = aws_->send_message(*url, "docs/report one.txt");
  ASSERT_TRUE(id.ok()) << id.err().message;
  auto got = aws_->receive_message(*url, 10, std::chrono::seconds(1));
  ASSERT_TRUE(got.ok()) << got.err().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].message_id, *id);
  EXPECT_EQ((*got)[0].body, "docs/report one.txt");
  EXPECT_EQ((*got)[0].receive_count, 1);
  ASSERT_TRUE(aws_->delete_message(*url, (*got)[0].receipt_handle).ok());
  auto empty = aws_->receive_message(*url, 10, std::chrono::seconds(0));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_F(RemoteAuthTest, SqsErrorsCarryTheAwsCode) {
  auto url = aws_->get_queue_url("no-such-queue-" + name_);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.code(), http::aws_errc::service);
  EXPECT_NE(url.err().message.find("QueueDoesNotExist"), std::string::npos) << url.err().message;
  http::aws_client wrong(config_for(server_->endpoint(), "not-the-secret"));
  auto denied = wrong.get_queue_url(name_);
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.err().message.find("SignatureDoesNotMatch"), std::string::npos)
      << denied.err().message;
}

TEST_F(RemoteAuthTest, S3PutAndGetWithAwkwardKeys) {
  create_bucket();
  const std::string body = "hello from the remote client\n";
  auto path = write_file(server_->dir(), "small-" + name_, "xx" + body + "yy");
  for (std::string key :
       {"plain.txt", "dir/with space/a+b=c&d.txt", "unicodé/ключ.md", "tilde~and%percent"}) {
    auto etag = aws_->put_object(name_, key, {path, 2, body.size()}, "text/plain");
    ASSERT_TRUE(etag.ok()) << key << ": " << etag.err().message;
    EXPECT_EQ(*etag, core::md5_hex(body)) << key;
    auto obj = aws_->get_object(name_, key);
    ASSERT_TRUE(obj.ok()) << key << ": " << obj.err().message;
    EXPECT_EQ(obj->bytes, body);
    EXPECT_EQ(obj->etag, *etag);
    EXPECT_EQ(obj->content_type, "text/plain");
  }
  auto too_big = aws_->get_object(name_, "plain.txt", 5);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.code(), http::client_errc::response_too_large);
  auto missing = aws_->get_object(name_, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.err().message.find("NoSuchKey"), std::string::npos) << missing.err().message;
  auto no_bucket = aws_->put_object("missing-" + name_, "k", {path, 0, 1});
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_NE(no_bucket.err().message.find("NoSuchBucket"), std::string::npos)
      << no_bucket.err().message;
}

TEST_F(RemoteAuthTest, S3MultipartUploadFromFileRanges) {
  create_bucket();
  std::string data(9 * 1024 * 1024 + 4321, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131) >> 3);
  auto path = write_file(server_->dir(), "big-" + name_, data);
  auto id = aws_->create_multipart_upload(name_, "big.bin", "application/octet-stream");
  ASSERT_TRUE(id.ok()) << id.err().message;
  const std::uint64_t part = 5 * 1024 * 1024;
  std::vector<http::completed_part> parts;
  std::size_t progressed = 0;
  for (std::uint64_t off = 0, n = 1; off < data.size(); off += part, ++n) {
    auto etag = aws_->upload_part(name_, "big.bin", *id, static_cast<int>(n),
                                  {path, off, std::min<std::uint64_t>(part, data.size() - off)},
                                  [&](std::size_t b) { progressed += b; });
    ASSERT_TRUE(etag.ok()) << etag.err().message;
    parts.push_back({static_cast<int>(n), *etag});
  }
  EXPECT_EQ(progressed, data.size());
  auto etag = aws_->complete_multipart_upload(name_, "big.bin", *id, parts);
  ASSERT_TRUE(etag.ok()) << etag.err().message;
  EXPECT_TRUE(etag->ends_with("-2")) << *etag;
  auto obj = aws_->get_object(name_, "big.bin");
  ASSERT_TRUE(obj.ok()) << obj.err().message;
  EXPECT_EQ(obj->bytes.size(), data.size());
  EXPECT_TRUE(obj->bytes == data);
  EXPECT_EQ(obj->etag, *etag);

  auto aborted = aws_->create_multipart_upload(name_, "gone.bin");
  ASSERT_TRUE(aborted.ok());
  ASSERT_TRUE(aws_->abort_multipart_upload(name_, "gone.bin", *aborted).ok());
  auto late = aws_->complete_multipart_upload(name_, "gone.bin", *aborted, parts);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.err().message.find("NoSuchUpload"), std::string::npos) << late.err().message;
}

TEST_F(RemoteAuthTest, RemoteSourcesReceiveFetchAndDelete) {
  auto url = create_queue();
  create_bucket();
  auto path = write_file(server_->dir(), "doc-" + name_, "a document");
  ASSERT_TRUE(aws_->put_object(name_, "doc.txt", {path, 0, 10}, "text/plain").ok());
  ASSERT_TRUE(aws_->send_message(url, "doc.txt").ok());

  remote_message_source messages(*aws_);
  remote_object_source objects(*aws_, 1024);
  std::promise<result<std::vector<consumer::queue_message>>> got;
  messages.receive(name_, 10, std::chrono::seconds(5),
                   [&](auto r) { got.set_value(std::move(r)); });
  auto r = got.get_future().get();
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].body, "doc.txt");
  auto obj = objects.get(name_, (*r)[0].body);
  ASSERT_TRUE(obj.ok()) << obj.err().message;
  EXPECT_EQ(obj->bytes, "a document");
  EXPECT_EQ(obj->etag, core::md5_hex("a document"));
  EXPECT_EQ(obj->content_type, "text/plain");
  ASSERT_TRUE(messages.remove(name_, (*r)[0].receipt_handle).ok());
  // A queue URL works as well as a name.
  std::promise<result<std::vector<consumer::queue_message>>> none;
  messages.receive(url, 10, std::chrono::seconds(0), [&](auto r) { none.set_value(std::move(r)); });
  auto n = none.get_future().get();
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->empty());

  std::promise<result<std::vector<consumer::queue_message>>> failed;
  messages.receive("missing-" + name_, 1, std::chrono::seconds(0),
                   [&](auto r) { failed.set_value(std::move(r)); });
  auto f = failed.get_future().get();
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.err().message.find("QueueDoesNotExist"), std::string::npos);
  EXPECT_FALSE(objects.get(name_, "missing").ok());
}

// The cancel contract against a fake SQS endpoint that reads ReceiveMessage and never answers:
// the poll is provably in flight when cancel() is called.
TEST(RemoteCancelTest, CancelCompletesAPendingPollAtOnceAndAbortsIt) {
  http::testing::test_server fake([](const http::testing::test_server::request&) {
    return http::testing::test_server::response{boost::beast::http::status::ok, 11};
  });
  fake.set_mode(http::testing::test_server::mode::silent);
  http::aws_client aws(config_for(fake.url()));
  std::atomic<int> calls{0};
  std::promise<result<std::vector<consumer::queue_message>>> first;
  auto arrived = fake.next_request();
  auto started = std::chrono::steady_clock::now();
  {
    remote_message_source messages(aws);
    // A queue URL: no GetQueueUrl first, the one request is the long poll.
    auto token =
        messages.receive(fake.url() + "/000000000000/q", 10, std::chrono::seconds(20), [&](auto r) {
          if (calls++ == 0) first.set_value(std::move(r));
        });
    arrived.wait();
    messages.cancel(token);
    auto fut = first.get_future();
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    auto r = fut.get();
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
    messages.cancel(token);      // a second cancel is ignored
    messages.cancel(token + 7);  // so is an unknown token
  }  // joins the poll thread, which the abort ended: no 20 s wait, no second callback
  EXPECT_EQ(calls, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

// On a server whose clock only moves when told, visibility timeouts expire exactly when the
// test advances the clock.
class RemoteVisibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<hayloft_process>(std::vector<std::string>{"--clock", "manual"});
    aws_ = std::make_unique<http::aws_client>(config_for(server_->endpoint()));
    auto r = aws_->sqs_call("CreateQueue",
                            {{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "30"}}}});
    ASSERT_TRUE(r.ok()) << r.err().message;
    url_ = (*r)["QueueUrl"];
  }
  void advance(const std::string& by) {
    http::client admin(server_->endpoint());
    auto r = admin.post("/_hayloft/clock", "{\"advance\":\"" + by + "\"}");
    ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.err().message);
  }

  std::unique_ptr<hayloft_process> server_;
  std::unique_ptr<http::aws_client> aws_;
  std::string url_;
};

TEST_F(RemoteVisibilityTest, AMessageTakenByACancelledPollComesBackAfterItsVisibilityTimeout) {
  std::atomic<int> calls{0};
  {
    remote_message_source messages(*aws_);
    auto token = messages.receive("q", 10, std::chrono::seconds(20), [&](auto) { ++calls; });
    // Once the long poll waits on the server (its clock stands still), a message sent is handed
    // to it and the cancelled poll's reply is dropped; if the message comes first, it waits.
    ASSERT_TRUE(aws_->send_message(url_, "late").ok());
    messages.cancel(token);
  }
  EXPECT_EQ(calls, 1);
  // Whether the abandoned poll took the message or not, after the visibility timeout it is there.
  // The server may still be working on the abandoned request's bytes (it read them before the
  // client hung up) when the clock moves: then that late receive takes the message once more, and
  // it is back after one more timeout. It is never lost.
  std::vector<http::sqs_message> got;
  for (int round = 0; round < 3 && got.empty(); ++round) {
    advance("31s");
    auto again = aws_->receive_message(url_, 10, std::chrono::seconds(0));
    ASSERT_TRUE(again.ok()) << again.err().message;
    got = std::move(*again);
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "late");
}

TEST_F(RemoteVisibilityTest, DestructorCompletesPendingReceives) {
  std::promise<result<std::vector<consumer::queue_message>>> done;
  {
    remote_message_source messages(*aws_);
    messages.receive("q", 10, std::chrono::seconds(20),
                     [&](auto r) { done.set_value(std::move(r)); });
  }
  auto fut = done.get_future();
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  auto r = fut.get();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

// SIGTERM right after start-up exits 0 every time (a detached shutdown waiter once read the
// destroyed server when the io_context ran out of work first: a segfault in 1 of ~12 stops).
TEST(RemoteShutdown, SigtermAlwaysExitsCleanly) {
  for (int i = 0; i < 20; ++i) {
    hayloft_process server;
    http::client c(server.endpoint());
    auto health = c.get("/_hayloft/health");
    ASSERT_TRUE(health.ok() && health->status == 200);
    int status = server.stop();
    ASSERT_TRUE(WIFEXITED(status)) << "run " << i << ": wait status " << status
                                   << (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : "");
    EXPECT_EQ(WEXITSTATUS(status), 0) << "run " << i;
  }
}

}  // namespace
}  // namespace hayloft::app
