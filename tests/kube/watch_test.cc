// Watches: the event stream kubectl get -w, kubectl wait and kubectl rollout status read
// (WatchEvent JSON lines, resourceVersions, bookmarks, timeouts), fed by the controller's loop.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <sstream>
#include <thread>

#include "emulator/http/server.h"
#include "tests/kube/kube_fixture.h"

namespace hayloft::orchestrator::kube::testing {
namespace {

class KubeWatch : public KubeFixture {
 protected:
  void SetUp() override {
    KubeFixture::SetUp();
    create_namespace("indexing");
    auto r = post("/apis/apps/v1/namespaces/indexing/deployments", manifest("deployment-consumer.yaml"));
    ASSERT_EQ(r.status, 201u) << r.text;
  }
  void scale(int n) {
    auto r = call("PATCH", "/apis/apps/v1/namespaces/indexing/deployments/indexing-consumer/scale",
                  json{{"spec", {{"replicas", n}}}}.dump(), "application/merge-patch+json");
    ASSERT_EQ(r.status, 200u) << r.text;
  }
  static std::vector<json> events(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(json::parse(line));
    return out;
  }
};

TEST_F(KubeWatch, FromTheListVersionSeesTheScaleUp) {
  auto list = get("/api/v1/namespaces/indexing/pods");
  std::string rv = list.body["metadata"]["resourceVersion"];
  auto w = get("/api/v1/namespaces/indexing/pods?watch=true&resourceVersion=" + rv + "&allowWatchBookmarks=true");
  ASSERT_TRUE(w.raw.stream) << w.text;
  auto stream = std::static_pointer_cast<queued_stream>(w.raw.stream);
  EXPECT_TRUE(stream->drain().empty());
  scale(2);
  advance(std::chrono::seconds(0));  // the loop starts the pods; its listener feeds the watch
  auto evs = events(stream->drain());
  int added = 0;
  for (const auto& e : evs) {
    if (e["type"] == "ADDED") ++added;
    EXPECT_EQ(e["object"]["kind"], "Pod");
    EXPECT_GT(std::stoull(e["object"]["metadata"]["resourceVersion"].get<std::string>()), std::stoull(rv));
  }
  EXPECT_EQ(added, 2);
}

TEST_F(KubeWatch, WithoutVersionStartsWithTheCurrentObjects) {
  auto w = get("/apis/apps/v1/namespaces/indexing/deployments?watch=1&fieldSelector=metadata.name%3Dindexing-consumer");
  auto evs = events(std::static_pointer_cast<queued_stream>(w.raw.stream)->drain());
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["type"], "ADDED");
  EXPECT_EQ(evs[0]["object"]["metadata"]["name"], "indexing-consumer");
}

TEST_F(KubeWatch, SendInitialEventsEndsWithAnAnnotatedBookmark) {
  auto w = get("/apis/apps/v1/namespaces/indexing/deployments?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
               "&resourceVersionMatch=NotOlderThan");
  auto evs = events(std::static_pointer_cast<queued_stream>(w.raw.stream)->drain());
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[1]["type"], "BOOKMARK");
  EXPECT_EQ(evs[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST_F(KubeWatch, TableWatchRowsForKubectlGetW) {
  auto list = get("/api/v1/namespaces/indexing/pods");
  auto w = get("/api/v1/namespaces/indexing/pods?watch=true&resourceVersion=" +
                   list.body["metadata"]["resourceVersion"].get<std::string>(),
               "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  scale(1);
  advance(std::chrono::seconds(0));
  auto evs = events(std::static_pointer_cast<queued_stream>(w.raw.stream)->drain());
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(evs[0]["object"]["kind"], "Table");
  EXPECT_EQ(evs[0]["object"]["rows"].size(), 1u);
}

TEST_F(KubeWatch, TimeoutEndsTheStreamAndBadVersionsAreRefused) {
  auto w = get("/api/v1/namespaces/indexing/pods?watch=true&timeoutSeconds=0");
  auto stream = std::static_pointer_cast<queued_stream>(w.raw.stream);
  EXPECT_EQ(objects_open(), 1u);
  api_->tick();
  EXPECT_TRUE(stream->finished());
  EXPECT_EQ(objects_open(), 0u);
  // The API server's answer (kubernetes/kubernetes#101350): 500 with ParseUint's error, no reason.
  auto bad = get("/api/v1/pods?watch=true&resourceVersion=abc");
  EXPECT_EQ(bad.status, 500u);
  EXPECT_FALSE(bad.body.contains("reason"));
  EXPECT_EQ(bad.body["message"], "resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax");
}

// Over a real socket: the HTTP edge sends the watch as a chunked body, event by event.
TEST_F(KubeWatch, EdgeStreamsChunkedEvents) {
  boost::asio::io_context ioc;
  http::server_options so;
  so.port = 0;
  so.spill_dir = dir_;
  http::server server(ioc, so, [this](const core::request&) -> core::request_handler* { return api_.get(); });
  auto port = server.listen();
  std::thread io([&] { ioc.run(); });
  namespace net = boost::asio;
  net::io_context cio;
  net::ip::tcp::socket sock(cio);
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  std::string request = "GET /_hayloft/k8s/api/v1/namespaces/indexing/pods?watch=true&resourceVersion=" +
                        std::to_string(api_->objects().current_version()) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  net::write(sock, net::buffer(request));
  net::streambuf buf;
  net::read_until(sock, buf, "\r\n\r\n");
  std::string head(net::buffers_begin(buf.data()), net::buffers_end(buf.data()));
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
  scale(1);
  advance(std::chrono::seconds(0));
  net::read_until(sock, buf, "\"ADDED\"");
  std::string got(net::buffers_begin(buf.data()), net::buffers_end(buf.data()));
  EXPECT_NE(got.find("\"kind\":\"Pod\""), std::string::npos);
  sock.close();  // kubectl goes away: the edge cancels the stream
  for (int i = 0; i < 200 && objects_open() > 0; ++i) {
    api_->tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(objects_open(), 0u);
  server.shutdown();
  ioc.stop();
  io.join();
}

}  // namespace
}  // namespace hayloft::orchestrator::kube::testing
