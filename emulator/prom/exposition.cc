#include "emulator/prom/exposition.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "emulator/core/http_message.h"
#include "emulator/prom/errc.h"

namespace hayloft::prom {

std::optional<double> parse_prom_float(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (core::iequals(body, "inf") || core::iequals(body, "infinity"))
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (core::iequals(body, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (end != body.data() + body.size()) return std::nullopt;
  // Out of range: Go returns ±Inf (or 0 for underflow) with an error; the text parser rejects it.
  if (ec != std::errc{}) return std::nullopt;
  return neg ? -v : v;
}

namespace {

class line_parser {
 public:
  line_parser(std::string_view line) : s_(line) {}

  result<exposed_sample> sample() {
    exposed_sample out;
    std::vector<labels::entry> pairs;
    auto name = ident(true);
    if (name.empty()) return fail("invalid metric name");
    pairs.emplace_back(std::string(metric_name_label), std::string(name));
    bool separated = blanks();
    if (at('{')) {
      ++i_;
      while (true) {
        blanks();
        if (at('}')) {
          ++i_;
          break;
        }
        auto key = ident(false);
        if (key.empty()) return fail("invalid label name");
        blanks();
        if (!at('=')) return fail("expected '=' after label name " + std::string(key));
        ++i_;
        blanks();
        if (!at('"')) return fail("expected '\"' to start the value of label " + std::string(key));
        ++i_;
        std::string value;
        while (true) {
          if (i_ >= s_.size()) return fail("unterminated label value");
          char c = s_[i_++];
          if (c == '"') break;
          if (c == '\\') {
            if (i_ >= s_.size()) return fail("unterminated label value");
            char e = s_[i_++];
            if (e == 'n') value.push_back('\n');
            else if (e == '\\' || e == '"') value.push_back(e);
            else return fail("invalid escape sequence \\" + std::string(1, e) + " in label value");
          } else {
            value.push_back(c);
          }
        }
        for (const auto& p : pairs)
          if (p.first == key) return fail("duplicate label name " + std::string(key));
        pairs.emplace_back(std::string(key), std::move(value));
        blanks();
        if (at(',')) {
          ++i_;
          continue;
        }
        if (!at('}')) return fail("expected ',' or '}' after a label value");
      }
      separated = blanks();
    }
    if (!separated) return fail("expected a space before the value");
    auto value = token();
    auto v = parse_prom_float(value);
    if (!v) return fail("invalid value \"" + std::string(value) + "\"");
    out.value = *v;
    if (blanks() && i_ < s_.size()) {
      auto ts = token();
      std::int64_t t = 0;
      auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
      if (ec != std::errc{} || end != ts.data() + ts.size()) return fail("invalid timestamp \"" + std::string(ts) + "\"");
      out.timestamp_ms = t;
      blanks();
    }
    if (i_ < s_.size()) return fail("unexpected text after the sample");
    out.metric = labels(std::move(pairs));
    return out;
  }

 private:
  error fail(const std::string& what) const { return error{make_error_code(errc::exposition), what}; }
  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool blanks() {
    std::size_t start = i_;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    return i_ > start;
  }
  std::string_view ident(bool colon) {
    std::size_t start = i_;
    while (i_ < s_.size()) {
      char c = s_[i_];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
                (i_ > start && c >= '0' && c <= '9');
      if (!ok) break;
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }
  std::string_view token() {
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != '\t') ++i_;
    return s_.substr(start, i_ - start);
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::string unescape_help(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == '\\')) {
      out.push_back(s[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

result<exposition> parse_exposition(std::string_view body) {
  exposition out;
  std::size_t line_no = 0;
  while (!body.empty()) {
    auto nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty()) continue;
    if (line[0] == '#') {
      auto rest = trim(line.substr(1));
      bool help = rest.starts_with("HELP ") || rest.starts_with("HELP\t");
      bool type = rest.starts_with("TYPE ") || rest.starts_with("TYPE\t");
      if (!help && !type) continue;  // an ordinary comment
      rest = trim(rest.substr(4));
      auto sp = rest.find_first_of(" \t");
      std::string name(rest.substr(0, sp));
      std::string_view text = sp == std::string_view::npos ? std::string_view{} : trim(rest.substr(sp));
      if (!valid_metric_name(name))
        return error{make_error_code(errc::exposition),
                     "line " + std::to_string(line_no) + ": invalid metric name in comment"};
      if (help) {
        out.help[name] = unescape_help(text);
      } else {
        static const char* known[] = {"counter", "gauge", "histogram", "summary", "untyped", "gaugehistogram",
                                      "stateset", "info", "unknown"};
        bool ok = false;
        for (const char* k : known) ok = ok || text == k;
        if (!ok)
          return error{make_error_code(errc::exposition),
                       "line " + std::to_string(line_no) + ": invalid metric type \"" + std::string(text) + "\""};
        out.types[name] = std::string(text);
      }
      continue;
    }
    auto s = line_parser(line).sample();
    if (!s) return error{s.err().code, "line " + std::to_string(line_no) + ": " + s.err().message};
    out.samples.push_back(std::move(*s));
  }
  return out;
}

}  // namespace hayloft::prom
