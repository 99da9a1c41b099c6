// The request log's line format (text and JSON lines) and its levels.
#include "emulator/core/logging.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace hayloft::core {
namespace {

request_record aws_record() {
  request_record r;
  r.aws = true;
  r.service = "s3";
  r.operation = "GetObject";
  r.method = "GET";
  r.path = "/bucket/key";
  r.status = 404;
  r.error_code = "NoSuchKey";
  r.seconds = 0.00042;
  return r;
}

TEST(RequestLogFormat, AwsLineNamesServiceOperationStatusErrorAndMilliseconds) {
  EXPECT_EQ(format_request(aws_record()), "AWS s3.GetObject => 404 (NoSuchKey) 0.4ms");
  auto ok = aws_record();
  ok.service = "sqs";
  ok.operation = "CreateQueue";
  ok.status = 200;
  ok.error_code = {};
  ok.seconds = 0.0123;
  EXPECT_EQ(format_request(ok), "AWS sqs.CreateQueue => 200 12.3ms");
}

TEST(RequestLogFormat, OtherRequestsShowMethodAndPath) {
  request_record r;
  r.service = "admin";
  r.operation = "health";
  r.method = "GET";
  r.path = "/_hayloft/health";
  r.status = 200;
  r.seconds = 0.0001;
  EXPECT_EQ(format_request(r), "admin GET /_hayloft/health => 200 0.1ms");
}

TEST(RequestLogFormat, ClientBytesCannotBreakTheLine) {
  request_record r;
  r.service = "k8s";
  r.method = "GET";
  std::string path = "/a\nFAKE LINE\x1b[31m\xff";
  r.path = path;
  r.status = 400;
  auto line = format_request(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("/a\\x0aFAKE LINE\\x1b[31m\\xff"), std::string::npos) << line;
  std::string long_path(5000, 'p');
  r.path = long_path;
  EXPECT_LT(format_request(r).size(), 300u);
}

TEST(RequestLogFormat, JsonLineCarriesTheFieldsAndIsValidJsonForAnyBytes) {
  auto r = aws_record();
  std::string path = "/b/\xff\xfe\"\\\n\x01";
  r.path = path;
  auto line = format_json_line("2026-01-01T00:00:00.000Z", "info", format_request(r), &r);
  auto j = nlohmann::json::parse(line);  // throws (fails the test) if not valid JSON
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "AWS s3.GetObject => 404 (NoSuchKey) 0.4ms");
  EXPECT_EQ(j["service"], "s3");
  EXPECT_EQ(j["operation"], "GetObject");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["error"], "NoSuchKey");
  EXPECT_NEAR(j["ms"].get<double>(), 0.42, 1e-9);
  EXPECT_EQ(j["path"], "/b/\xef\xbf\xbd\xef\xbf\xbd\"\\\n\x01");
  // Plain lines have no request fields; valid UTF-8 passes through unchanged.
  auto plain = nlohmann::json::parse(format_json_line("t", "warning", "h\xc3\xa9llo"));
  EXPECT_EQ(plain["msg"], "h\xc3\xa9llo");
  EXPECT_FALSE(plain.contains("status"));
  // Overlong encodings and surrogates are not valid UTF-8 either.
  auto odd = nlohmann::json::parse(format_json_line("t", "info", "\xc0\xaf \xed\xa0\x80"));
  EXPECT_EQ(odd["msg"].get<std::string>().find("\xc0"), std::string::npos);
}

class RequestLogLevels : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    logger_ = std::make_shared<spdlog::logger>("request-log-test", sink);
    spdlog::set_default_logger(logger_);
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_, previous_;
};

TEST_F(RequestLogLevels, AwsAtInfoOthersAtDebugWarnSilencesBoth) {
  logger_->set_pattern("%l %v");
  request_record admin;
  admin.service = "admin";
  admin.method = "GET";
  admin.path = "/_hayloft/health";
  admin.status = 200;

  logger_->set_level(spdlog::level::info);
  log_request(aws_record());
  log_request(admin);
  EXPECT_EQ(out_.str(), "info AWS s3.GetObject => 404 (NoSuchKey) 0.4ms\n");

  out_.str("");
  logger_->set_level(spdlog::level::debug);
  log_request(admin);
  EXPECT_EQ(out_.str(), "debug admin GET /_hayloft/health => 200 0.0ms\n");

  out_.str("");
  logger_->set_level(spdlog::level::warn);
  log_request(aws_record());
  log_request(admin);
  EXPECT_EQ(out_.str(), "");
}

TEST_F(RequestLogLevels, JsonFormatWritesOneObjectPerLineForEveryLine) {
  logger_->set_formatter(make_json_formatter());
  logger_->set_level(spdlog::level::info);
  spdlog::info("listening on {}", "http://127.0.0.1:4566");
  log_request(aws_record());
  std::istringstream lines(out_.str());
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, extra));
  auto a = nlohmann::json::parse(first);
  EXPECT_EQ(a["msg"], "listening on http://127.0.0.1:4566");
  EXPECT_EQ(a["level"], "info");
  EXPECT_TRUE(a["time"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(a.contains("service"));
  auto b = nlohmann::json::parse(second);
  EXPECT_EQ(b["service"], "s3");
  EXPECT_EQ(b["error"], "NoSuchKey");
}

// init_logging's own output: stderr (fd 2), batched. Lines keep their order; a warning is written
// at once, with everything before it; the rest is written by flush() (and by the flusher thread).
class ProcessLogOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    path_ = std::filesystem::temp_directory_path() / ("hayloft-log-" + std::to_string(::getpid()));
    int fd = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    saved_stderr_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_);
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
    std::filesystem::remove(path_);
  }
  std::string written() const {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::shared_ptr<spdlog::logger> previous_;
  std::filesystem::path path_;
  int saved_stderr_ = -1;
};

TEST_F(ProcessLogOutput, LinesKeepTheirOrderAndAWarningIsWrittenAtOnce) {
  init_logging("info");
  for (int i = 0; i < 3; ++i) log_request(aws_record());
  spdlog::warn("disk almost full");
  auto text = written();  // no flush: the warning wrote the batch
  auto first = text.find("AWS s3.GetObject => 404 (NoSuchKey)");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_NE(text.find("AWS s3.GetObject", first + 1), std::string::npos);
  EXPECT_GT(text.find("disk almost full"), text.rfind("AWS s3.GetObject")) << text;
  EXPECT_NE(text.find(" warning disk almost full"), std::string::npos) << text;
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour codes when stderr is a file";

  spdlog::info("after the warning");
  spdlog::default_logger()->flush();
  EXPECT_NE(written().find("after the warning"), std::string::npos);
}

TEST_F(ProcessLogOutput, ManyLinesArriveWholeAndOnce) {
  init_logging("info", log_format::json);
  for (int i = 0; i < 5000; ++i) spdlog::info("line {}", i);  // several 64 KiB batches
  spdlog::default_logger()->flush();
  std::istringstream lines(written());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["msg"], "line " + std::to_string(n));
    ++n;
  }
  EXPECT_EQ(n, 5000);
}

}  // namespace
}  // namespace hayloft::core
