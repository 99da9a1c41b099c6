#include "emulator/core/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

namespace hayloft::core {
namespace {

using buffer = spdlog::memory_buf_t;

void append(buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

void append_safe(buffer& out, std::string_view s, std::size_t max) {
  static constexpr char hex[] = "0123456789abcdef";
  bool cut = s.size() > max;
  if (cut) s = s.substr(0, max);
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
      out.append(esc, esc + 4);
    }
  }
  if (cut) append(out, "...");
}

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  if (n == 2 && c < 0xc2) return 0;                                   // overlong
  if (n == 3) {
    unsigned cp = ((c & 0x0fu) << 12) | ((b(i + 1) & 0x3fu) << 6);
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return 0;     // overlong, surrogate
  }
  if (n == 4) {
    unsigned cp = ((c & 0x07u) << 18) | ((b(i + 1) & 0x3fu) << 12);
    if (cp < 0x10000 || cp > 0x10ffff) return 0;
  }
  return n;
}

// A JSON string literal; invalid UTF-8 becomes U+FFFD.
void append_json_string(buffer& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n': append(out, "\\n"); break;
        case '\r': append(out, "\\r"); break;
        case '\t': append(out, "\\t"); break;
        default: {
          char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
          out.append(esc, esc + 6);
        }
      }
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (auto n = utf8_sequence(s, i)) {
      out.append(s.data() + i, s.data() + i + n);
      i += n;
    } else {
      append(out, "\\ufffd");
      ++i;
    }
  }
  out.push_back('"');
}

void append_request_text(buffer& out, const request_record& r) {
  if (r.aws) {
    append(out, "AWS ");
    append_safe(out, r.service, 32);
    out.push_back('.');
    append_safe(out, r.operation, 64);
  } else {
    append_safe(out, r.service, 32);
    out.push_back(' ');
    append_safe(out, r.method, 16);
    out.push_back(' ');
    append_safe(out, r.path, 200);
  }
  fmt::format_to(std::back_inserter(out), " => {}", r.status);
  if (!r.error_code.empty()) {
    append(out, " (");
    append_safe(out, r.error_code, 64);
    out.push_back(')');
  }
  fmt::format_to(std::back_inserter(out), " {:.1f}ms", r.seconds * 1000);
}

void append_json_fields(buffer& out, const request_record& r) {
  append(out, ",\"service\":");
  append_json_string(out, r.service);
  append(out, ",\"operation\":");
  append_json_string(out, r.operation);
  append(out, ",\"method\":");
  append_json_string(out, r.method);
  append(out, ",\"path\":");
  append_json_string(out, r.path.substr(0, 1024));
  fmt::format_to(std::back_inserter(out), ",\"status\":{}", r.status);
  if (!r.error_code.empty()) {
    append(out, ",\"error\":");
    append_json_string(out, r.error_code);
  }
  fmt::format_to(std::back_inserter(out), ",\"ms\":{:.3f}", r.seconds * 1000);
}

void append_json_line(buffer& out, std::string_view time, std::string_view level, std::string_view msg,
                      const request_record* fields) {
  append(out, "{\"time\":");
  append_json_string(out, time);
  append(out, ",\"level\":");
  append_json_string(out, level);
  append(out, ",\"msg\":");
  append_json_string(out, msg);
  if (fields) append_json_fields(out, *fields);
  out.push_back('}');
}

// The request being logged on this thread, for the JSON formatter (the logger is synchronous:
// sinks format on the calling thread, inside log()).
thread_local const request_record* current_request = nullptr;

class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, buffer& dest) override {
    auto since = msg.time.time_since_epoch();
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
    if (secs.count() != cached_sec_) {
      std::time_t t = static_cast<std::time_t>(secs.count());
      std::tm tm{};
      gmtime_r(&t, &tm);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
      cached_ = buf;
      cached_sec_ = secs.count();
    }
    char stamp[40];
    int n = std::snprintf(stamp, sizeof stamp, "%s.%03dZ", cached_.c_str(), static_cast<int>(ms));
    auto level = spdlog::level::to_string_view(msg.level);
    append_json_line(dest, std::string_view(stamp, static_cast<std::size_t>(n)), std::string_view(level.data(), level.size()),
                     std::string_view(msg.payload.data(), msg.payload.size()), current_request);
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }

 private:
  std::string cached_;
  std::int64_t cached_sec_ = -1;
};

// The process's log output: lines are batched in memory and written to stderr (fd 2) with one
// write(2) when 64 KiB are pending, at once for a line at warn or above, on flush(), and at
// most 100 ms after any other line (a flusher thread). A request line then costs a format and
// a copy under a mutex instead of a system call per line, which keeps the request log cheap on
// the hot path. On a terminal the level is coloured as spdlog's colour sink does.
class batched_stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit batched_stderr_sink(bool color) : color_(color), flusher_([this] { run_flusher(); }) {}
  ~batched_stderr_sink() override {
    {
      std::lock_guard lock(stop_mutex_);
      stopping_ = true;
    }
    stop_cv_.notify_one();
    flusher_.join();
    std::lock_guard lock(mutex_);
    write_pending();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    buffer line;
    formatter_->format(msg, line);
    if (color_ && msg.color_range_end > msg.color_range_start) {
      append(pending_, std::string_view(line.data(), msg.color_range_start));
      append(pending_, color_of(msg.level));
      append(pending_, std::string_view(line.data() + msg.color_range_start, msg.color_range_end - msg.color_range_start));
      append(pending_, "\033[m");
      append(pending_, std::string_view(line.data() + msg.color_range_end, line.size() - msg.color_range_end));
    } else {
      append(pending_, std::string_view(line.data(), line.size()));
    }
    if (msg.level >= spdlog::level::warn || pending_.size() >= batch_bytes) write_pending();
  }
  void flush_() override { write_pending(); }

 private:
  static constexpr std::size_t batch_bytes = 64 * 1024;

  static std::string_view color_of(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::trace: return "\033[37m";
      case spdlog::level::debug: return "\033[36m";
      case spdlog::level::info: return "\033[32m";
      case spdlog::level::warn: return "\033[33m\033[1m";
      case spdlog::level::err: return "\033[31m\033[1m";
      case spdlog::level::critical: return "\033[1m\033[41m";
      default: return "";
    }
  }

  // Called with mutex_ held. A write that fails (stderr closed) drops the batch.
  void write_pending() {
    const char* p = pending_.data();
    std::size_t left = pending_.size();
    while (left > 0) {
      auto n = ::write(STDERR_FILENO, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    pending_.clear();
  }

  void run_flusher() {
    std::unique_lock lock(stop_mutex_);
    while (!stop_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; })) {
      std::lock_guard sink_lock(mutex_);
      if (pending_.size() > 0) write_pending();
    }
  }

  buffer pending_;
  bool color_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread flusher_;  // last: starts once the members above exist
};

}  // namespace

bool parse_log_format(std::string_view name, log_format& out) {
  if (name == "text") out = log_format::text;
  else if (name == "json") out = log_format::json;
  else return false;
  return true;
}

void init_logging(std::string_view level, log_format format) {
  auto sink = std::make_shared<batched_stderr_sink>(format == log_format::text && ::isatty(STDERR_FILENO) == 1);
  auto logger = std::make_shared<spdlog::logger>("hayloft", std::move(sink));
  if (format == log_format::json) logger->set_formatter(make_json_formatter());
  else logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

std::unique_ptr<spdlog::formatter> make_json_formatter() { return std::make_unique<json_formatter>(); }

std::string format_request(const request_record& r) {
  buffer out;
  append_request_text(out, r);
  return std::string(out.data(), out.size());
}

std::string format_json_line(std::string_view time, std::string_view level, std::string_view msg,
                             const request_record* fields) {
  buffer out;
  append_json_line(out, time, level, msg, fields);
  return std::string(out.data(), out.size());
}

void log_request(const request_record& r) {
  auto* logger = spdlog::default_logger_raw();
  const auto level = r.aws ? spdlog::level::info : spdlog::level::debug;
  if (!logger->should_log(level)) return;
  buffer line;
  append_request_text(line, r);
  current_request = &r;
  logger->log(level, spdlog::string_view_t(line.data(), line.size()));
  current_request = nullptr;
}

std::string log_safe(std::string_view s, std::size_t max) {
  buffer out;
  append_safe(out, s, max);
  return std::string(out.data(), out.size());
}

}  // namespace hayloft::core
