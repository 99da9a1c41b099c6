#pragma once
// A small RE2-syntax regular expression matcher for label matchers (`=~`, `!~`), fully anchored
// as Prometheus anchors them (`^(?s:<re>)$`). Matching is a Pike VM over the compiled program:
// linear in the subject's length, no backtracking and no recursion, so a client's pattern can
// neither blow the stack nor run for exponential time (std::regex can do both).
//
// Supported: literals, `.` (any byte, newline included), classes `[a-z]`, `[^...]`, `[[:alpha:]]`,
// escapes \d \D \w \W \s \S \n \t \r \f \v \A \z and escaped punctuation, groups `(...)`,
// `(?:...)`, `(?P<name>...)`, `(?i)` / `(?i:...)`, alternation, `* + ? {n} {n,} {n,m}` (a trailing
// `?` for laziness is accepted; it does not change a full match), `^` and `$`. Anything else
// (backreferences, lookaround, \p classes, \b) is a compile error. Matching works on bytes: `.`
// and negated classes consume one byte of a multi-byte UTF-8 character.
//
// Thread-safety: a compiled regex is immutable; full_match may run on many threads at once.
#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::prom {

class regex {
 public:
  static result<regex> compile(std::string_view pattern);
  bool full_match(std::string_view s) const;
  const std::string& pattern() const { return pattern_; }

  struct inst {
    enum class op { set, split, jmp, match, bol, eol } code;
    int x = 0;  // set: index into sets_; split/jmp: target
    int y = 0;  // split: second target
  };

 private:
  std::string pattern_;
  std::optional<std::string> literal_;  // fast path for patterns without metacharacters
  std::vector<inst> prog_;
  std::vector<std::bitset<256>> sets_;
};

}  // namespace hayloft::prom
