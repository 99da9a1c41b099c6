#pragma once
// $(VAR) expansion of env values, command and args, as Kubernetes does it
// (third_party/forked/golang/expansion): $(NAME) becomes NAME's value when NAME is defined and
// stays "$(NAME)" otherwise; "$$" is an escaped "$"; any other "$" is kept. Pure.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hayloft::orchestrator::pods {

using lookup_fn = std::function<std::optional<std::string>(std::string_view name)>;

std::string expand(std::string_view input, const lookup_fn& lookup);
std::string expand(std::string_view input, const std::map<std::string, std::string>& env);

}  // namespace hayloft::orchestrator::pods
