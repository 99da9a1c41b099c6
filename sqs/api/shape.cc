#include "sqs/api/shape.h"

#include <nlohmann/json.hpp>

#include "emulator/core/utf8.h"

namespace hayloft::sqs::api {
namespace {

nlohmann::ordered_json json_of(const shape& s) {
  switch (s.k) {
    case shape::kind::text:
      return s.text;
    case shape::kind::number:
      return s.number;
    case shape::kind::boolean:
      return s.flag;
    case shape::kind::list: {
      auto a = nlohmann::ordered_json::array();
      for (const auto& i : s.items) a.push_back(json_of(i));
      return a;
    }
    case shape::kind::structure:
    case shape::kind::map: {
      auto o = nlohmann::ordered_json::object();
      for (const auto& [k, v] : s.members) o[k] = json_of(v);
      return o;
    }
  }
  return nullptr;
}

void xml_value(const shape& s, std::string& out);

void xml_member(const std::string& name, const shape& v, std::string& out) {
  if (v.k == shape::kind::list) {
    for (const auto& i : v.items) {
      out += '<' + v.item + '>';
      xml_value(i, out);
      out += "</" + v.item + '>';
    }
    return;
  }
  if (v.k == shape::kind::map) {
    for (const auto& [k, e] : v.members) {
      out += '<' + v.item + "><" + v.key_name + '>' + xml_escape(k) + "</" + v.key_name + "><" + v.value_name + '>';
      xml_value(e, out);
      out += "</" + v.value_name + "></" + v.item + '>';
    }
    return;
  }
  out += '<' + name + '>';
  xml_value(v, out);
  out += "</" + name + '>';
}

void xml_value(const shape& s, std::string& out) {
  switch (s.k) {
    case shape::kind::text:
      out += xml_escape(s.text);
      return;
    case shape::kind::number:
      out += std::to_string(s.number);
      return;
    case shape::kind::boolean:
      out += s.flag ? "true" : "false";
      return;
    case shape::kind::structure:
      for (const auto& [k, v] : s.members) xml_member(k, v, out);
      return;
    case shape::kind::list:
    case shape::kind::map:
      xml_member("", s, out);
      return;
  }
}

}  // namespace

std::string to_json(const shape& s) {
  return json_of(s).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string to_xml(const shape& s) {
  std::string out;
  xml_value(s, out);
  return out;
}

std::size_t xml_char_length(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return (c >= 0x20 || c == 0x9 || c == 0xA || c == 0xD) ? 1 : 0;
  // Valid UTF-8 (no surrogates, overlong forms or truncation) except the two noncharacters XML
  // excludes, U+FFFE and U+FFFF (EF BF BE / EF BF BF).
  auto len = core::utf8_sequence_length(s.substr(i));
  if (len == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
      static_cast<unsigned char>(s[i + 2]) >= 0xBE)
    return 0;
  return len;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    switch (c) {
      case '&': out += "&amp;"; ++i; continue;
      case '<': out += "&lt;"; ++i; continue;
      case '>': out += "&gt;"; ++i; continue;
      case '"': out += "&quot;"; ++i; continue;
      case '\'': out += "&apos;"; ++i; continue;
      case '\r': out += "&#xD;"; ++i; continue;
      default: break;
    }
    auto len = xml_char_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for one byte that is not a character
      ++i;
      continue;
    }
    out.append(s.data() + i, len);
    i += len;
  }
  return out;
}

}  // namespace hayloft::sqs::api
