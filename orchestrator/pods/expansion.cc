#include "orchestrator/pods/expansion.h"

namespace hayloft::orchestrator::pods {

std::string expand(std::string_view input, const lookup_fn& lookup) {
  std::string out;
  std::size_t checkpoint = 0;
  for (std::size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
    out.append(input.substr(checkpoint, cursor - checkpoint));
    std::string_view rest = input.substr(cursor + 1);
    std::size_t advance = 1;
    if (rest[0] == '$') {
      out.push_back('$');  // escaped
    } else if (rest[0] == '(') {
      std::size_t close = rest.find(')');
      if (close == std::string_view::npos) {
        out.append("$(");  // incomplete reference, kept as written
      } else {
        std::string_view name = rest.substr(1, close - 1);
        auto value = lookup(name);
        if (value)
          out.append(*value);
        else
          out.append("$(").append(name).append(")");
        advance = close + 1;
      }
    } else {
      out.push_back('$');
      out.push_back(rest[0]);
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  if (checkpoint < input.size()) out.append(input.substr(checkpoint));
  return out;
}

std::string expand(std::string_view input, const std::map<std::string, std::string>& env) {
  return expand(input, [&](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace hayloft::orchestrator::pods
