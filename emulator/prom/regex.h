#pragma once
// PromQL's regex matchers (`=~`, `!~`) with Prometheus' semantics: Go's RE2 syntax, compiled by
// RE2 as Prometheus compiles it (`^(?s:<re>)$`, model/labels/regexp.go), UTF-8 aware (`.` and
// negated classes consume a code point, `\pL`, `\p{Greek}`). RE2 runs in time linear in the
// subject and never recurses on it, so a client's pattern can neither blow the stack nor run for
// exponential time. Patterns longer than max_pattern bytes, or whose program exceeds RE2's
// memory budget, are refused with the "error parsing regexp: ..." text Go's regexp gives.
//
// Thread-safety: a compiled regex is immutable; full_match may run on many threads at once.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace re2 {
class RE2;
}

namespace hayloft::prom {

class regex {
 public:
  static constexpr std::size_t max_pattern = 64 * 1024;

  static result<regex> compile(std::string_view pattern);
  bool full_match(std::string_view s) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::optional<std::string> literal_;  // fast path for patterns without metacharacters
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace hayloft::prom
