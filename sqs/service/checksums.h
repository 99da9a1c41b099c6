#pragma once
// Message checksums and content rules, exactly as SQS computes and enforces them.
#include <string>
#include <string_view>
#include <vector>

#include "sqs/api/model.h"

namespace hayloft::sqs {

// MD5OfMessageAttributes (and MD5OfMessageSystemAttributes): attributes sorted by name; for
// each, big-endian 4-byte length + bytes of the name, of the data type, then one transport byte
// (1 = String/Number, 2 = Binary), then length + bytes of the value; hex MD5 of the whole.
// Empty string for no attributes (the member is then omitted).
std::string md5_of_attributes(std::vector<api::message_attribute> attributes);

// The attribute serialization above, used both for the checksum and as the stored form of a
// message's attributes (`attributes` must already be sorted for the stored form).
std::string encode_attributes(const std::vector<api::message_attribute>& attributes);
// Inverse of encode_attributes; false on malformed input.
bool decode_attributes(std::string_view bytes, std::vector<api::message_attribute>& out);

// True when `s` is valid UTF-8 made only of the characters SQS accepts in a message:
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
bool valid_message_characters(std::string_view s);

}  // namespace hayloft::sqs
