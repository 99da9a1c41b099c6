#include "emulator/prom/api.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "emulator/prom/json_format.h"
#include "emulator/prom/scraper.h"

namespace hayloft::prom {
namespace {

using nlohmann::json;

class PromApi : public ::testing::Test {
 protected:
  PromApi() : clock_(core::make_manual_clock()), api_(store_, *clock_) {
    t0_ = core::to_unix_ms(clock_->now());
    for (int i = 0; i <= 4; ++i) {
      store_.append(labels({{"__name__", "req_total"}, {"job", "api"}, {"pod", "a"}}), t0_ + i * 15000, i * 15.0);
      store_.append(labels({{"__name__", "req_total"}, {"job", "api"}, {"pod", "b"}}), t0_ + i * 15000, i * 30.0);
    }
    store_.append(labels({{"__name__", "queue_depth"}, {"queue", "q\"1"}}), t0_ + 60000, 7);
    clock_->advance(std::chrono::seconds(60));
  }
  core::response get(const std::string& target) {
    core::request r;
    r.method = "GET";
    EXPECT_TRUE(core::parse_target(target, r));
    return api_.serve(r);
  }
  core::response post(const std::string& path, const std::string& form) {
    core::request r;
    r.method = "POST";
    EXPECT_TRUE(core::parse_target(path, r));
    r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    r.body = form;
    r.body_size = form.size();
    return api_.serve(r);
  }
  static json body(const core::response& r) { return json::parse(r.body); }

  series_store store_;
  std::unique_ptr<core::clock> clock_;
  api_handler api_;
  std::int64_t t0_ = 0;
};

TEST_F(PromApi, InstantVectorShape) {
  auto r = get("/api/v1/query?query=sum%20by%20(job)%20(req_total)");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "application/json");
  auto j = body(r);
  EXPECT_EQ(j["status"], "success");
  EXPECT_EQ(j["data"]["resultType"], "vector");
  ASSERT_EQ(j["data"]["result"].size(), 1u);
  const auto& el = j["data"]["result"][0];
  EXPECT_EQ(el["metric"], json({{"job", "api"}}));
  EXPECT_EQ(el["value"][0].get<double>(), static_cast<double>(t0_ + 60000) / 1000);
  EXPECT_EQ(el["value"][1], "180");  // 60 + 120, as a string
}

TEST_F(PromApi, ExactJsonText) {
  auto r = get("/api/v1/query?query=queue_depth&time=1767225660.5");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":"
            "\"queue_depth\",\"queue\":\"q\\\"1\"},\"value\":[1767225660.5,\"7\"]}]}}");
}

TEST_F(PromApi, ScalarAndMatrixShapes) {
  auto s = body(get("/api/v1/query?query=1%2F4&time=100"));
  EXPECT_EQ(s["data"]["resultType"], "scalar");
  EXPECT_EQ(s["data"]["result"], json::parse("[100, \"0.25\"]"));
  auto m = body(get("/api/v1/query?query=req_total%7Bpod%3D%22a%22%7D%5B30s%5D"));
  EXPECT_EQ(m["data"]["resultType"], "matrix");
  ASSERT_EQ(m["data"]["result"].size(), 1u);
  EXPECT_EQ(m["data"]["result"][0]["values"].size(), 2u);
  EXPECT_EQ(m["data"]["result"][0]["values"][1][1], "60");
}

TEST_F(PromApi, QueryRangeOverPost) {
  auto r = post("/api/v1/query_range", "query=req_total%7Bpod%3D%22b%22%7D&start=" + format_timestamp(t0_) +
                                           "&end=" + format_timestamp(t0_ + 60000) + "&step=30s");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto j = body(r);
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  const auto& values = j["data"]["result"][0]["values"];
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0][1], "0");
  EXPECT_EQ(values[1][1], "60");
  EXPECT_EQ(values[2][1], "120");
  EXPECT_EQ(j["data"]["result"][0]["metric"]["pod"], "b");
}

TEST_F(PromApi, SeriesLabelsAndValues) {
  auto s = body(get("/api/v1/series?match%5B%5D=req_total&match%5B%5D=queue_depth"));
  EXPECT_EQ(s["status"], "success");
  ASSERT_EQ(s["data"].size(), 3u);
  EXPECT_EQ(s["data"][0]["__name__"], "queue_depth");
  auto l = body(get("/api/v1/labels"));
  EXPECT_EQ(l["data"], json::parse(R"(["__name__","job","pod","queue"])"));
  auto lm = body(get("/api/v1/labels?match[]=queue_depth"));
  EXPECT_EQ(lm["data"], json::parse(R"(["__name__","queue"])"));
  auto v = body(get("/api/v1/label/pod/values"));
  EXPECT_EQ(v["data"], json::parse(R"(["a","b"])"));
  auto n = body(get("/api/v1/label/__name__/values"));
  EXPECT_EQ(n["data"], json::parse(R"(["queue_depth","req_total"])"));
}

TEST_F(PromApi, ErrorsHavePrometheusShape) {
  struct row {
    std::string target;
    unsigned status;
    const char* type;
    const char* says;
  };
  const row rows[] = {
      {"/api/v1/query?query=histogram_quantile(0.9,x)", 400, "bad_data", "unsupported function histogram_quantile"},
      {"/api/v1/query?query=sum(", 400, "bad_data", "invalid parameter \\\"query\\\""},
      {"/api/v1/query", 400, "bad_data", "no expression found"},
      {"/api/v1/query?query=up&time=yesterday", 400, "bad_data", "cannot parse \\\"yesterday\\\" to a valid timestamp"},
      {"/api/v1/query_range?query=up&start=10&end=5&step=1", 400, "bad_data", "end timestamp must not be before start time"},
      {"/api/v1/query_range?query=up&start=0&end=5&step=0", 400, "bad_data", "zero or negative query resolution"},
      {"/api/v1/query_range?query=up&start=0&end=100000&step=1", 400, "bad_data", "exceeded maximum resolution"},
      {"/api/v1/query_range?query=up%5B1m%5D&start=0&end=5&step=1", 400, "bad_data", "invalid expression type"},
      {"/api/v1/series", 400, "bad_data", "no match[] parameter provided"},
      {"/api/v1/label/1bad/values", 400, "bad_data", "invalid label name"},
      {"/api/v1/query?query=req_total%20%2F%20on()%20req_total", 422, "execution", "many-to-many"},
      {"/api/v1/nothing", 404, "not_found", "unknown API endpoint"},
  };
  for (const auto& r : rows) {
    auto resp = get(r.target);
    EXPECT_EQ(resp.status, r.status) << r.target << " " << resp.body;
    auto j = body(resp);
    EXPECT_EQ(j["status"], "error") << r.target;
    EXPECT_EQ(j["errorType"], r.type) << r.target;
    EXPECT_NE(resp.body.find(r.says), std::string::npos) << r.target << " -> " << resp.body;
  }
}

TEST_F(PromApi, TimeParameterForms) {
  auto a = body(get("/api/v1/query?query=time()&time=2026-01-01T00:01:00Z"));
  EXPECT_EQ(a["data"]["result"][1], "1767225660");
  auto b = body(get("/api/v1/query?query=time()&time=1767225660.1234"));
  EXPECT_EQ(b["data"]["result"][1], "1767225660.123");
}

TEST(PromJsonFormat, ValuesAndTimestamps) {
  EXPECT_EQ(format_value(1), "1");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(-2.5), "-2.5");
  EXPECT_EQ(format_value(1e21), "1000000000000000000000");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
  EXPECT_EQ(format_timestamp(1435781451781), "1435781451.781");
  EXPECT_EQ(format_timestamp(1435781451000), "1435781451");
  EXPECT_EQ(format_timestamp(1435781451500), "1435781451.5");
  EXPECT_EQ(format_timestamp(-1500), "-1.5");
}

TEST(PromApiTargets, ListsScraperTargets) {
  series_store store;
  auto clock = core::make_manual_clock();
  scraper s(store, *clock, nullptr, [](const std::string&, std::chrono::milliseconds) -> result<std::string> {
    return std::string("x 1\n");
  });
  s.set_targets({{"http://127.0.0.1:9/metrics", labels({{"job", "pods"}})}});
  clock->advance(std::chrono::seconds(0));
  api_handler api(store, *clock, nullptr, &s);
  core::request r;
  r.method = "GET";
  ASSERT_TRUE(core::parse_target("/api/v1/targets", r));
  auto resp = api.serve(r);
  ASSERT_EQ(resp.status, 200u) << resp.body;
  auto j = json::parse(resp.body);
  ASSERT_EQ(j["data"]["activeTargets"].size(), 1u);
  EXPECT_EQ(j["data"]["activeTargets"][0]["health"], "up");
  EXPECT_EQ(j["data"]["activeTargets"][0]["labels"]["instance"], "127.0.0.1:9");
}

}  // namespace
}  // namespace hayloft::prom

namespace hayloft::prom {
namespace {

TEST(PromApiBadInput, InvalidUtf8IsEscapedAndNestingIsBounded) {
  series_store store;
  auto clock = core::make_manual_clock();
  api_handler api(store, *clock);
  auto get = [&](const std::string& target) {
    core::request r;
    r.method = "GET";
    EXPECT_TRUE(core::parse_target(target, r));
    return api.serve(r);
  };
  // Raw bytes that are not UTF-8, in the query text, a regex and a parameter: the error names
  // them escaped, and the body is valid JSON (nlohmann's parser refuses invalid UTF-8).
  for (const char* target : {"/api/v1/query?query=up%FF", "/api/v1/query?query=up%7Ba%3D~%22%FF(%22%7D",
                             "/api/v1/query?query=up&time=%FE%FF", "/api/v1/query?query=%C3"}) {
    auto resp = get(target);
    EXPECT_EQ(resp.status, 400u) << target;
    auto j = json::parse(resp.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << target << " -> " << resp.body;
    EXPECT_EQ(j["errorType"], "bad_data");
  }
  auto j = json::parse(get("/api/v1/query?query=up%FF").body);
  EXPECT_NE(j["error"].get<std::string>().find("\\xff"), std::string::npos) << j.dump();
  // Nesting: parentheses, unary minus chains and long operator chains all stop at the limit.
  const std::size_t n = max_promql_depth + 1;
  for (const std::string& q : {std::string(n, '(') + "1" + std::string(n, ')'), std::string(n, '-') + "1",
                               [n] {
                                 std::string s = "1";
                                 for (std::size_t i = 0; i < n; ++i) s += "+1";
                                 return s;
                               }(),
                               [] {
                                 std::string s = "1";
                                 for (int i = 0; i < 100000; ++i) s += "^1";
                                 return s;
                               }()}) {
    auto resp = get("/api/v1/query?query=" + core::url_encode(q));
    EXPECT_EQ(resp.status, 400u) << q.substr(0, 20);
    EXPECT_NE(resp.body.find("nests deeper than"), std::string::npos) << resp.body;
  }
  std::string ok = "1";
  for (std::size_t i = 0; i + 2 < max_promql_depth; ++i) ok += "+1";
  EXPECT_EQ(get("/api/v1/query?query=" + core::url_encode(ok)).status, 200u);
}

}  // namespace
}  // namespace hayloft::prom
