#include "emulator/core/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <ctime>

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

}  // namespace

bool parse_log_format(std::string_view name, log_format& out) {
  if (name == "text") out = log_format::text;
  else if (name == "json") out = log_format::json;
  else return false;
  return true;
}

void init_logging(std::string_view level, log_format format) {
  auto logger = spdlog::stderr_color_mt("hayloft");
  if (format == log_format::json) logger->set_formatter(make_json_formatter());
  else logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
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
