#include "consumer/convert/entities.h"

#include <libxml/HTMLparser.h>

#include <cctype>

#include "consumer/convert/utf8.h"

namespace hayloft::consumer {
namespace {

// Parses the reference starting at s[i] == '&'. Returns the decoded code point and sets `len` to
// the bytes consumed, or returns 0 when there is no valid reference.
char32_t parse_reference(std::string_view s, size_t i, size_t& len) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    size_t start = j;
    unsigned long value = 0;
    while (j < s.size() && j - start < 8 &&
           (hex ? std::isxdigit(static_cast<unsigned char>(s[j]))
                : std::isdigit(static_cast<unsigned char>(s[j])))) {
      value = value * (hex ? 16 : 10) +
              static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(s[j]))
                                             ? s[j] - '0'
                                             : std::tolower(static_cast<unsigned char>(s[j])) -
                                                   'a' + 10);
      ++j;
    }
    if (j == start || j >= s.size() || s[j] != ';') return 0;
    len = j + 1 - i;
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0xFFFD;
    return static_cast<char32_t>(value);
  }
  size_t start = j;
  while (j < s.size() && j - start < 32 && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
  if (j == start || j >= s.size() || s[j] != ';') return 0;
  std::string name(s.substr(start, j - start));
  char32_t cp = 0;
  if (name == "apos") {
    cp = '\'';
  } else if (const htmlEntityDesc* e =
                 htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str()))) {
    cp = static_cast<char32_t>(e->value);
  } else {
    return 0;
  }
  len = j + 1 - i;
  return cp;
}

}  // namespace

std::string decode_entities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    char32_t cp = s[i] == '&' ? parse_reference(s, i, len) : 0;
    if (cp == 0) {
      out += s[i++];
      continue;
    }
    append_utf8(out, cp == 0xA0 ? U' ' : cp);
    i += len;
  }
  return out;
}

}  // namespace hayloft::consumer
