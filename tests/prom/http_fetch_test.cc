#include "emulator/prom/http_fetch.h"

#include <gtest/gtest.h>

#include "emulator/prom/promql_eval.h"
#include "emulator/prom/promql_parser.h"
#include "tests/emulator/http/test_server.h"

namespace hayloft::prom {
namespace {

using hayloft::http::testing::test_server;

TEST(PromHttpFetch, ScrapesARealTargetOverHttp) {
  std::atomic<int> hits{0};
  test_server server([&](const test_server::request& req) {
    test_server::response res{boost::beast::http::status::ok, req.version()};
    if (req.target() != "/metrics") res.result(boost::beast::http::status::not_found);
    res.set(boost::beast::http::field::content_type, "text/plain; version=0.0.4");
    res.body() = "# TYPE served_total counter\nserved_total{path=\"/v2/infer\"} " + std::to_string(++hits * 5) + "\n";
    res.prepare_payload();
    return res;
  });
  series_store store;
  auto clock = core::make_manual_clock();
  scraper s(store, *clock, nullptr, make_http_fetch());
  s.set_targets({{server.url() + "/metrics", labels({{"job", "embedding-server"}}), std::chrono::seconds(5)}});
  for (int i = 0; i < 4; ++i) clock->advance(std::chrono::seconds(5));
  EXPECT_EQ(hits.load(), 5);  // at 0, 5, 10, 15 and 20 s
  auto e = parse_promql("rate(served_total{job=\"embedding-server\"}[20s])");
  ASSERT_TRUE(e.ok());
  auto v = evaluator(store).instant(**e, core::to_unix_ms(clock->now()));
  ASSERT_TRUE(v.ok()) << v.err().message;
  ASSERT_EQ(v->vector.size(), 1u);
  // 5 per 5 s: (0, 20] holds the samples at 5..20 s (10 -> 25, 15 s sampled); the start is 5 s
  // away (< 1.1 * 5 s) so it is extrapolated to the range start (the zero point is 10 s back).
  EXPECT_NEAR(v->vector[0].v, 15.0 * 20 / 15 / 20, 1e-9);

  s.set_targets({{server.url() + "/missing", labels({{"job", "gone"}}), std::chrono::seconds(5)}});
  clock->advance(std::chrono::seconds(0));
  auto t = s.targets();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].health, "down");
  EXPECT_EQ(t[0].last_error, "server returned HTTP status 404");
}

TEST(PromHttpFetch, ConnectionRefusedIsDown) {
  series_store store;
  auto clock = core::make_manual_clock();
  int port;
  {
    test_server gone([](const test_server::request& req) { return test_server::response{boost::beast::http::status::ok, req.version()}; });
    port = gone.port();
  }
  auto fetch = make_http_fetch();
  auto r = fetch("http://127.0.0.1:" + std::to_string(port) + "/metrics", std::chrono::seconds(2));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace hayloft::prom
