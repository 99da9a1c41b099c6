#include "emulator/prom/regex.h"

#include <re2/re2.h>

#include "emulator/core/utf8.h"
#include "emulator/prom/errc.h"

namespace hayloft::prom {
namespace {

// Go's regexp/syntax ErrorCode texts for RE2's codes (the two libraries share their parser's
// structure; the wording is Go's, since that is what Prometheus prints).
std::string_view go_error_text(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorBadEscape: return "invalid escape sequence";
    case re2::RE2::ErrorBadCharClass: return "invalid character class";
    case re2::RE2::ErrorBadCharRange: return "invalid character class range";
    case re2::RE2::ErrorMissingBracket: return "missing closing ]";
    case re2::RE2::ErrorMissingParen: return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen: return "unexpected )";
    case re2::RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case re2::RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case re2::RE2::ErrorRepeatSize: return "invalid repeat count";
    case re2::RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case re2::RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case re2::RE2::ErrorBadUTF8: return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture: return "invalid named capture";
    case re2::RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "regexp/syntax: internal error";
  }
}

error parse_error(std::string_view what, std::string_view arg) {
  // Raw pattern bytes can be invalid UTF-8; the message goes into JSON, so they are escaped.
  return error{make_error_code(errc::bad_data), "error parsing regexp: " + std::string(what) + ": `" +
                                                    core::escape_invalid_utf8(arg) + "`"};
}

bool is_plain_literal(std::string_view p) {
  for (char c : p)
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) return false;
  return core::valid_utf8(p);
}

}  // namespace

result<regex> regex::compile(std::string_view pattern) {
  if (pattern.size() > max_pattern) return parse_error("expression too large", pattern.substr(0, 64));
  regex r;
  r.pattern_ = std::string(pattern);
  if (is_plain_literal(pattern)) {
    r.literal_ = r.pattern_;
    return r;
  }
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(re2::RE2::Options::EncodingUTF8);
  opts.set_max_mem(8 << 20);
  // As Prometheus: the pattern wrapped, `.` matching newlines, then an unanchored search (Go's
  // MatchString) over the wrapped, anchored expression.
  const std::string wrapped = "^(?s:" + r.pattern_ + ")$";
  auto re = std::make_shared<const re2::RE2>(wrapped, opts);
  if (!re->ok()) return parse_error(go_error_text(re->error_code()), re->error_arg().empty() ? wrapped : re->error_arg());
  r.re_ = std::move(re);
  return r;
}

bool regex::full_match(std::string_view s) const {
  if (literal_) return s == *literal_;
  return re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re_);
}

}  // namespace hayloft::prom
