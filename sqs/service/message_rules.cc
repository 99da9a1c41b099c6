#include "sqs/service/message_rules.h"

#include <cctype>

#include "sqs/api/errors.h"
#include "sqs/service/checksums.h"

namespace hayloft::sqs {
namespace {

constexpr int kMaxPrecision = 38;
constexpr std::int64_t kMaxExponent = 126;   // |x| <= 10^126
constexpr std::int64_t kMinExponent = -128;  // |x| >= 10^-128
// An exponent beyond this is out of range whatever the digits (a message is at most a few MiB,
// so digit counts stay far below it); clamping keeps the arithmetic from overflowing.
constexpr std::int64_t kExponentClamp = 1'000'000'000'000;

hayloft::error invalid(std::string message) { return make_error(errc::invalid_parameter_value, std::move(message)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool ci_starts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

}  // namespace

std::int64_t message_size(const api::send_entry& e) {
  auto n = static_cast<std::int64_t>(e.message_body ? e.message_body->size() : 0);
  for (const auto& a : e.message_attributes)
    n += static_cast<std::int64_t>(a.name.size() + a.data_type.size() + a.string_value.size() + a.binary_value.size());
  return n;
}

bool valid_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  // Digits of the mantissa, without the point: where the first non-zero one is, where the last
  // non-zero one is, and how many come before the point.
  std::int64_t digits = 0, before_point = -1, first_nonzero = -1, last_nonzero = -1;
  char lead = '0';
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (before_point >= 0) return false;
      before_point = digits;
      continue;
    }
    if (!is_digit(c)) break;
    if (c != '0') {
      if (first_nonzero < 0) {
        first_nonzero = digits;
        lead = c;
      }
      last_nonzero = digits;
    }
    ++digits;
  }
  if (digits == 0) return false;
  if (before_point < 0) before_point = digits;
  std::int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i == s.size()) return false;
    for (; i < s.size() && is_digit(s[i]); ++i)
      if (exponent < kExponentClamp) exponent = exponent * 10 + (s[i] - '0');
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return false;
  if (first_nonzero < 0) return true;  // zero, however written
  if (last_nonzero - first_nonzero + 1 > kMaxPrecision) return false;
  // The value is d.ddd x 10^adjusted with d the first non-zero digit.
  const std::int64_t adjusted = before_point - first_nonzero - 1 + exponent;
  if (adjusted < kMinExponent || adjusted > kMaxExponent) return false;
  // At 10^126 itself only a lone 1 (1, 1.000, 10e125 ...) is in range.
  return adjusted < kMaxExponent || (lead == '1' && last_nonzero == first_nonzero);
}

result<void> check_attribute(const api::message_attribute& a) {
  const auto& n = a.name;
  if (n.empty() || n.size() > 256)
    return invalid("Message (user) attribute names must be between 1 and 256 characters long.");
  for (char ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-' && ch != '.')
      return invalid("Message (user) attribute name '" + n +
                     "' is invalid. Attribute names can only contain upper and lower case characters, digits, "
                     "periods, hyphens and underscores.");
  if (ci_starts_with(n, "AWS.") || ci_starts_with(n, "Amazon.") || n.front() == '.' || n.back() == '.' ||
      n.find("..") != std::string::npos)
    return invalid("Message (user) attribute name '" + n +
                   "' is invalid. You can't use message attribute names beginning with 'AWS.' or 'Amazon.', "
                   "starting or ending with a period, or containing consecutive periods.");
  const auto& t = a.data_type;
  if (t.empty()) return invalid("The message attribute '" + n + "' must contain non-empty message attribute type.");
  std::string_view base;
  for (std::string_view b : {"String", "Number", "Binary"})
    if (t.starts_with(b) && (t.size() == b.size() || t[b.size()] == '.')) base = b;
  if (base.empty() || t.size() > 256)
    return invalid("The type of message (user) attribute '" + n +
                   "' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
  // "The data type has the same restrictions as the message body" (sqs-message-metadata.html).
  if (!valid_message_characters(t)) return invalid(std::string(invalid_characters_message));
  if (base == "Binary") {
    if (a.binary_value.empty())
      return invalid("The message attribute '" + n +
                     "' must contain non-empty message attribute value for message attribute type 'Binary'.");
    return {};
  }
  if (a.string_value.empty())
    return invalid("The message attribute '" + n + "' must contain non-empty message attribute value for message "
                   "attribute type '" + std::string(base) + "'.");
  if (!valid_message_characters(a.string_value)) return invalid(std::string(invalid_characters_message));
  if (base == "Number" && !valid_number(a.string_value))
    return invalid("Can't cast the value of message (user) attribute '" + n + "' to a number.");
  return {};
}

}  // namespace hayloft::sqs
