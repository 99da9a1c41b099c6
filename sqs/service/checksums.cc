#include "sqs/service/checksums.h"

#include <algorithm>
#include <cstdint>

#include "emulator/core/hash.h"

namespace hayloft::sqs {
namespace {

void put_field(std::string& out, std::string_view bytes) {
  auto n = static_cast<std::uint32_t>(bytes.size());
  out += core::be_bytes(n, 4);
  out += bytes;
}

bool get_field(std::string_view& in, std::string& out) {
  if (in.size() < 4) return false;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(4);
  if (in.size() < n) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

}  // namespace

std::string encode_attributes(const std::vector<api::message_attribute>& attributes) {
  std::string out;
  for (const auto& a : attributes) {
    put_field(out, a.name);
    put_field(out, a.data_type);
    if (a.is_binary()) {
      out += '\x02';
      put_field(out, a.binary_value);
    } else {
      out += '\x01';
      put_field(out, a.string_value);
    }
  }
  return out;
}

bool decode_attributes(std::string_view in, std::vector<api::message_attribute>& out) {
  out.clear();
  while (!in.empty()) {
    api::message_attribute a;
    if (!get_field(in, a.name) || !get_field(in, a.data_type) || in.empty()) return false;
    char transport = in.front();
    in.remove_prefix(1);
    if (transport != '\x01' && transport != '\x02') return false;
    if (!get_field(in, transport == '\x02' ? a.binary_value : a.string_value)) return false;
    out.push_back(std::move(a));
  }
  return true;
}

std::string md5_of_attributes(std::vector<api::message_attribute> attributes) {
  if (attributes.empty()) return {};
  std::sort(attributes.begin(), attributes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return core::md5_hex(encode_attributes(attributes));
}

bool valid_message_characters(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong encodings are not valid UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
              (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return false;
    i += len;
  }
  return true;
}

}  // namespace hayloft::sqs
