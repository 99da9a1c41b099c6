#include "emulator/http/load/request_file.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "emulator/http/load/stats.h"

namespace hayloft::http::load {
namespace {

TEST(LoadRequestFile, ParsesLinesWithDefaults) {
  auto r = parse_request_lines(
      "# comment\n"
      "\n"
      R"({"path": "/health"})" "\n"
      R"({"name": "infer", "method": "POST", "path": "/v2/models/m/infer", "headers": {"X-A": "1"}, "body": {"k": 1}, "weight": 3})" "\n"
      R"({"method": "PUT", "path": "/b/k", "body": "raw", "headers": {"content-type": "text/plain"}})");
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->size(), 3u);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.name, "GET /health");
  EXPECT_EQ(a.method, "GET");
  EXPECT_EQ(a.weight, 1u);
  EXPECT_TRUE(a.body.empty());
  const auto& b = (*r)[1];
  EXPECT_EQ(b.name, "infer");
  EXPECT_EQ(b.body, R"({"k":1})");
  EXPECT_EQ(b.weight, 3u);
  ASSERT_EQ(b.headers.size(), 2u);
  EXPECT_EQ(b.headers[1].first, "Content-Type");
  EXPECT_EQ(b.headers[1].second, "application/json");
  const auto& c = (*r)[2];
  EXPECT_EQ(c.body, "raw");
  ASSERT_EQ(c.headers.size(), 1u);
  EXPECT_EQ(c.headers[0].second, "text/plain");
}

TEST(LoadRequestFile, ErrorsNameTheLine) {
  struct bad_case {
    const char* text;
    const char* message;
  };
  for (const auto& t : std::vector<bad_case>{
           {"{\"path\": \"/a\"}\n{not json", "line 2: not valid JSON"},
           {R"({"method": "GET"})", "line 1: \"path\" is required"},
           {R"({"path": "a"})", "line 1: \"path\" must start with '/'"},
           {R"({"path": "/a b"})", "line 1: \"path\" must be percent-encoded"},
           {R"({"path": "/a", "weight": 0})", "line 1: \"weight\" must be an integer from 1 to 1000"},
           {R"({"path": "/a", "wieght": 2})", "line 1: unknown field \"wieght\""},
           {R"({"path": "/a", "headers": {"X": 1}})", "line 1: header \"X\" must be a string"},
           {R"({"path": "/a", "headers": {"X": "a\r\nY: b"}})", "line 1: header \"X\" has a line break"},
           {R"({"path": "/a", "method": "get"})", "line 1: bad method \"get\""},
           {R"([1, 2])", "line 1: expected a JSON object"},
           {"# only a comment\n\n", "no requests"},
       }) {
    auto r = parse_request_lines(t.text);
    ASSERT_FALSE(r.ok()) << t.text;
    EXPECT_EQ(r.code(), errc::bad_request_file);
    EXPECT_EQ(r.err().message, t.message) << t.text;
  }
}

TEST(LoadRequestFile, MissingFileIsAnError) {
  auto r = read_request_file("/nonexistent/requests.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().message, "cannot read /nonexistent/requests.jsonl");
}

TEST(LoadRequestFile, KserveInferRequest) {
  auto specs = kserve_requests("embedder");
  ASSERT_EQ(specs.size(), kserve_sentences().size());
  EXPECT_EQ(specs[0].method, "POST");
  EXPECT_EQ(specs[0].path, "/v2/models/embedder/infer");
  auto body = nlohmann::json::parse(specs[0].body);
  const auto& input = body["inputs"][0];
  EXPECT_EQ(input["datatype"], "BYTES");
  EXPECT_EQ(input["shape"], nlohmann::json::array({1}));
  EXPECT_TRUE(input["data"][0].is_string());
}

TEST(LoadRequestCycle, WeightsAreSpreadOverTheCycle) {
  std::vector<request_spec> specs(3);
  specs[0].weight = 3;
  specs[1].weight = 1;
  specs[2].weight = 1;
  request_cycle c(specs);
  ASSERT_EQ(c.size(), 5u);
  std::map<std::size_t, int> counts;
  for (std::uint64_t n = 0; n < 5; ++n) ++counts[c.pick(0, n)];
  EXPECT_EQ(counts[0], 3);
  EXPECT_EQ(counts[1], 1);
  EXPECT_EQ(counts[2], 1);
  // Spread, not clumped: the heavy request never appears three times in a row.
  EXPECT_FALSE(c.pick(0, 0) == 0 && c.pick(0, 1) == 0 && c.pick(0, 2) == 0);
  // Users start at different places of the same cycle.
  EXPECT_EQ(c.pick(1, 0), c.pick(0, 1));
}

TEST(LoadSchedule, UsersStartedByTime) {
  EXPECT_EQ(users_started_by(-1, 10, 2), 0u);
  EXPECT_EQ(users_started_by(0, 10, 2), 1u);
  EXPECT_EQ(users_started_by(0.49, 10, 2), 1u);
  EXPECT_EQ(users_started_by(0.5, 10, 2), 2u);
  EXPECT_EQ(users_started_by(2.0, 10, 2), 5u);
  EXPECT_EQ(users_started_by(100, 10, 2), 10u);
  EXPECT_EQ(users_started_by(0.3, 64, 100), 31u);
  EXPECT_DOUBLE_EQ(user_start_time(0, 4), 0.0);
  EXPECT_DOUBLE_EQ(user_start_time(6, 4), 1.5);
  for (unsigned u = 0; u < 50; ++u) EXPECT_EQ(users_started_by(user_start_time(u, 3), 50, 3), u + 1) << u;
}

}  // namespace
}  // namespace hayloft::http::load

namespace hayloft::http::load {
namespace {

TEST(LoadRequestFile, KserveBatchesCycleThroughTheSentences) {
  std::vector<std::string> texts{"a", "b", "c"};
  auto specs = kserve_requests("m", texts, 2);
  ASSERT_EQ(specs.size(), 3u);
  for (const auto& s : specs) EXPECT_EQ(s.name, "infer m");
  auto data = [&](std::size_t i) { return nlohmann::json::parse(specs[i].body)["inputs"][0]; };
  EXPECT_EQ(data(0)["data"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(data(2)["data"], nlohmann::json::array({"c", "a"}));
  EXPECT_EQ(data(2)["shape"], nlohmann::json::array({2}));
  EXPECT_EQ(kserve_requests("m").size(), kserve_sentences().size());
}

TEST(LoadRequestFile, KserveTextFile) {
  auto path = std::filesystem::temp_directory_path() / ("hayloft-kserve-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream f(path);
    f << "first sentence\r\n\n   \nsecond one\n";
  }
  auto t = read_kserve_texts(path.string());
  ASSERT_TRUE(t.ok()) << t.err().message;
  EXPECT_EQ(*t, (std::vector<std::string>{"first sentence", "second one"}));
  {
    std::ofstream f(path, std::ios::trunc);
    f << "\n  \n";
  }
  auto empty = read_kserve_texts(path.string());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.err().message, path.string() + ": no sentence (one per line)");
  std::filesystem::remove(path);
  EXPECT_FALSE(read_kserve_texts(path.string()).ok());
}

}  // namespace
}  // namespace hayloft::http::load
