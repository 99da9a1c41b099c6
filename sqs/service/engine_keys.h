#pragma once
// Helpers the engine's files share: the registry key of a queue and a queue row's tags.
#include <string>
#include <string_view>

#include "sqs/api/model.h"

namespace hayloft::sqs {

// "account/name": the key of a queue in the engine's registry.
std::string key_of(std::string_view account, std::string_view name);
// The tags of a queue row's JSON (an object of strings); empty when it is not one.
api::string_map parse_tags(const std::string& json);

}  // namespace hayloft::sqs
