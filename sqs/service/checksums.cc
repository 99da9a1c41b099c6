#include "sqs/service/checksums.h"

#include <algorithm>
#include <cstdint>

#include "emulator/core/hash.h"
#include "sqs/api/shape.h"

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
  for (std::size_t i = 0; i < s.size();) {
    auto len = api::xml_char_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace hayloft::sqs
