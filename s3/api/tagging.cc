#include "s3/api/tagging.h"

#include <algorithm>

#include "emulator/core/http_message.h"
#include "emulator/core/utf8.h"
#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

constexpr std::string_view bad_header =
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name "
    "duplicates.";

// Counts code points and checks each against S3's repertoire (letters, digits, white space,
// + - = . _ : / @; anything above U+007F is taken as a letter). The text is valid UTF-8.
bool valid_tag_text(std::string_view s, std::size_t max_chars, std::size_t min_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                c == '\t' || c == '\n' || c == '\r' || std::string_view("+-=._:/@").find(static_cast<char>(c)) !=
                                                          std::string_view::npos;
      if (!ok) return false;
      ++i;
    } else {
      auto n = core::utf8_sequence_length(s.substr(i));
      if (n == 0) return false;
      i += n;
    }
    ++chars;
  }
  return chars >= min_chars && chars <= max_chars;
}

}  // namespace

result<void> validate_tags(const tag_set& tags, tag_target target) {
  if (target == tag_target::object && tags.size() > max_object_tags)
    return fail(errc::bad_request, "Object tags cannot be greater than 10");
  if (target == tag_target::bucket && tags.size() > max_bucket_tags)
    return fail(errc::invalid_tag, "Bucket tag count cannot be greater than 50");
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto& [k, v] = tags[i];
    if (!core::valid_utf8(k) || !valid_tag_text(k, max_tag_key_chars, 1))
      return fail(errc::invalid_tag, "The TagKey you have provided is invalid");
    if (!core::valid_utf8(v) || !valid_tag_text(v, max_tag_value_chars, 0))
      return fail(errc::invalid_tag, "The TagValue you have provided is invalid");
    for (std::size_t j = 0; j < i; ++j)
      if (tags[j].first == k) return fail(errc::invalid_tag, "Cannot provide multiple Tags with the same key");
    if (k.starts_with("aws:"))
      return fail(errc::invalid_tag, target == tag_target::object ? "Your TagKey cannot be prefixed with aws:"
                                                                  : "System tags cannot be added/updated by requester");
  }
  return {};
}

result<tag_set> parse_tagging(std::string_view body, tag_target target) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != "Tagging") return fail(errc::malformed_xml);
  auto set = find_child(root, "TagSet");
  if (!set) return fail(errc::malformed_xml);
  tag_set tags;
  for (auto t : set.children()) {
    if (t.type() != pugi::node_element) continue;
    if (local_name(t) != "Tag") return fail(errc::malformed_xml);
    // The bound keeps a huge TagSet from being copied before the count check refuses it.
    if (tags.size() > max_bucket_tags) break;
    auto k = find_child(t, "Key");
    auto v = find_child(t, "Value");
    if (!k || !v) return fail(errc::malformed_xml);
    tags.emplace_back(k.child_value(), v.child_value());
  }
  HAYLOFT_TRY(validate_tags(tags, target));
  return tags;
}

result<tag_set> parse_tagging_header(std::string_view header) {
  tag_set tags;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    auto amp = header.find('&', pos);
    auto pair = header.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      std::string k, v;
      if (!core::url_decode(pair.substr(0, eq), k, true) ||
          (eq != std::string_view::npos && !core::url_decode(pair.substr(eq + 1), v, true)))
        return fail(errc::invalid_argument, std::string(bad_header));
      if (!core::valid_utf8(k) || !core::valid_utf8(v)) return fail(errc::invalid_argument, std::string(bad_header));
      for (const auto& t : tags)
        if (t.first == k) return fail(errc::invalid_argument, std::string(bad_header));
      if (tags.size() > max_object_tags) return fail(errc::bad_request, "Object tags cannot be greater than 10");
      tags.emplace_back(std::move(k), std::move(v));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  HAYLOFT_TRY(validate_tags(tags, tag_target::object));
  return tags;
}

std::string render_tagging(const tag_set& tags) {
  xml_writer w("Tagging");
  auto set = xml_writer::node(w.root(), "TagSet");
  for (const auto& [k, v] : tags) {
    auto t = xml_writer::node(set, "Tag");
    xml_writer::child(t, "Key", k);
    xml_writer::child(t, "Value", v);
  }
  return w.str();
}

std::string encode_tags(const tag_set& tags) {
  std::string out;
  for (const auto& [k, v] : tags) {
    if (!out.empty()) out.push_back('&');
    out += core::url_encode(k);
    out.push_back('=');
    out += core::url_encode(v);
  }
  return out;
}

tag_set decode_tags(std::string_view stored) {
  tag_set tags;
  std::size_t pos = 0;
  while (pos < stored.size()) {
    auto amp = stored.find('&', pos);
    auto pair = stored.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    auto eq = pair.find('=');
    std::string k, v;
    core::url_decode(pair.substr(0, eq), k);
    if (eq != std::string_view::npos) core::url_decode(pair.substr(eq + 1), v);
    tags.emplace_back(std::move(k), std::move(v));
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return tags;
}

std::size_t stored_tag_count(std::string_view stored) {
  if (stored.empty()) return 0;
  return static_cast<std::size_t>(std::count(stored.begin(), stored.end(), '&')) + 1;
}

bool has_all_tags(std::string_view stored, const tag_set& wanted) {
  if (wanted.empty()) return true;
  auto have = decode_tags(stored);
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const auto& w) { return std::find(have.begin(), have.end(), w) != have.end(); });
}

}  // namespace hayloft::s3
