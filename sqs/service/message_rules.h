#pragma once
// What SQS accepts in a message before it is queued: the size of a message (body plus every part
// of every attribute), the message (user) attribute rules and the Number data type. Plain loops
// over bounded input, no regex: every function here is linear in its input and uses constant
// stack, whatever a client sends. Values only: any thread.
//
// Sources (quoted in sqs/README.md): the SendMessage and MessageAttributeValue pages of the SQS
// API reference, and the developer guide's "Amazon SQS message attributes" and message quotas.
#include <cstdint>
#include <string_view>

#include "emulator/core/result.h"
#include "sqs/api/model.h"

namespace hayloft::sqs {

// The InvalidMessageContents / attribute-value message AWS sends for characters outside
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
inline constexpr std::string_view invalid_characters_message =
    "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | "
    "#x10000 to #x10FFFF";

// Bytes a message counts against MaximumMessageSize and the batch total: the body plus, for every
// attribute, its name, data type and value ("All parts of the message attribute, including Name,
// Type, and Value, are part of the message size restriction").
std::int64_t message_size(const api::send_entry& e);

// SQS's Number: optional sign, digits with an optional decimal point, optional exponent; at most
// 38 significant digits (leading and trailing zeros trimmed), and a magnitude of zero or from
// 10^-128 to 10^+126 inclusive.
bool valid_number(std::string_view s);

// One message (user) attribute: name (1-256 of [A-Za-z0-9_.-], not starting with AWS. or
// Amazon. in any case, no leading/trailing/double period), data type (String, Number or Binary,
// optionally ".label" of message characters, at most 256 bytes), a non-empty value of the type's field, valid
// characters, and for Number a valid_number(). Errors: invalid_parameter_value with AWS's text.
result<void> check_attribute(const api::message_attribute& a);

}  // namespace hayloft::sqs
