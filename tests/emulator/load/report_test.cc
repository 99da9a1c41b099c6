#include "emulator/http/load/report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace hayloft::http::load {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

snapshot sample() {
  snapshot s;
  s.elapsed = 10;
  s.users = 4;
  s.endpoints.resize(2);
  s.endpoints[0].method = "GET";
  s.endpoints[0].name = "health";
  s.endpoints[1].method = "POST";
  s.endpoints[1].name = "infer, v2";  // needs CSV quoting
  for (std::uint64_t v = 1; v <= 100; ++v) {
    s.endpoints[0].latency.record(v * 1000);  // 1..100 ms
    ++s.endpoints[0].requests;
    s.endpoints[0].bytes += 10;
  }
  for (int i = 0; i < 20; ++i) {
    s.endpoints[1].latency.record(200);
    ++s.endpoints[1].requests;
  }
  s.endpoints[1].failures = 5;
  s.errors["POST infer, v2: HTTP 500"] = 5;
  return s;
}

TEST(LoadReport, StatsCsvHasLocustColumns) {
  auto lines = split(stats_csv(sample()), '\n');
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
            "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
            "99.99%,100%");
  auto health = split(lines[1], ',');
  ASSERT_EQ(health.size(), 22u);
  // Counts, mean, min, max, size and rates are exact; percentiles within 1 % of 1..100 ms.
  EXPECT_EQ(std::vector<std::string>(health.begin(), health.begin() + 4), (std::vector<std::string>{"GET", "health", "100", "0"}));
  EXPECT_EQ(std::vector<std::string>(health.begin() + 5, health.begin() + 11),
            (std::vector<std::string>{"50.5", "1", "100", "10", "10.000", "0.000"}));
  double expected[] = {50, 50, 66, 75, 80, 90, 95, 98, 99, 100, 100, 100};
  for (std::size_t i = 0; i < 12; ++i) {
    std::size_t col = i == 0 ? 4 : 10 + i;
    EXPECT_NEAR(std::stod(health[col]), expected[i], expected[i] * 0.01) << "column " << col;
  }
  EXPECT_EQ(lines[2].substr(0, 30), "POST,\"infer, v2\",20,5,0.2,0.2,");
  auto total = split(lines[3], ',');
  ASSERT_EQ(total.size(), 22u);
  EXPECT_EQ(total[0], "");
  EXPECT_EQ(total[1], "Aggregated");
  EXPECT_EQ(total[2], "120");
  EXPECT_EQ(total[3], "5");
  EXPECT_NEAR(std::stod(total[4]), 40.0, 0.4);  // 60th of 120: 20 fast ones, then 1..40 ms
  EXPECT_EQ(total[5], "42.117");
}

TEST(LoadReport, HistoryRowsUseTheInterval) {
  snapshot before = sample();
  snapshot after = before;
  after.elapsed = 12;
  for (int i = 0; i < 40; ++i) {
    after.endpoints[0].latency.record(7000);
    ++after.endpoints[0].requests;
  }
  auto header = split(stats_history_header(), ',');
  ASSERT_EQ(header.size(), 24u);
  EXPECT_EQ(header[0], "Timestamp");
  EXPECT_EQ(header[4], "Requests/s");
  EXPECT_EQ(header.back(), "Total Average Content Size\n");
  auto rows = split(stats_history_rows(after, before, 1700000000), '\n');
  ASSERT_EQ(rows.size(), 3u);
  auto health = split(rows[0], ',');
  ASSERT_EQ(health.size(), 24u);
  EXPECT_EQ(health[0], "1700000000");
  EXPECT_EQ(health[1], "4");
  EXPECT_EQ(health[4], "20.000");  // 40 requests in 2 s
  EXPECT_NEAR(std::stod(health[6]), 7.0, 0.07);  // interval median: only the new 7 ms requests
  EXPECT_EQ(health[17], "140");    // cumulative count
  auto total = split(rows[2], ',');
  EXPECT_EQ(total[3], "Aggregated");
  EXPECT_EQ(total[17], "160");
  EXPECT_EQ(total[18], "5");
}

TEST(LoadReport, TableAndStatusLine) {
  auto s = sample();
  auto table = format_table(s);
  EXPECT_NE(table.find("GET      health"), std::string::npos) << table;
  EXPECT_NE(table.find("Aggregated"), std::string::npos);
  EXPECT_NE(table.find("5  POST infer, v2: HTTP 500"), std::string::npos) << table;
  snapshot empty;
  empty.endpoints = s.endpoints;
  for (auto& e : empty.endpoints) e = endpoint_stats{};
  auto line = status_line(s, empty, 8);
  EXPECT_NE(line.find("users 4/8"), std::string::npos) << line;
  EXPECT_NE(line.find("12.0 req/s"), std::string::npos) << line;
  EXPECT_NE(line.find("fail  4.17%"), std::string::npos) << line;
  EXPECT_NE(line.find("120 reqs"), std::string::npos) << line;
}

TEST(LoadReport, ReplicaTableHasOneRowPerCount) {
  std::vector<replica_row> rows{{1, sample()}, {2, sample()}};
  auto lines = split(format_replica_table(rows), '\n');
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("replicas"), std::string::npos);
  EXPECT_EQ(lines[1].substr(0, 8), "       1");
  EXPECT_EQ(lines[2].substr(0, 8), "       2");
  EXPECT_NE(lines[1].find(" 120 "), std::string::npos) << lines[1];
}

TEST(LoadReport, ReplicaCsv) {
  std::vector<replica_row> rows{{1, sample()}, {4, sample()}};
  auto lines = split(replica_csv(rows), '\n');
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "Replicas,Request Count,Failure Count,Requests/s,50%,90%,99%,Max");
  EXPECT_EQ(lines[1].rfind("1,120,5,12.000,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].substr(0, 2), "4,");
  EXPECT_EQ(lines[1].substr(lines[1].rfind(',') + 1), "100.000") << lines[1];
}

}  // namespace
}  // namespace hayloft::http::load
