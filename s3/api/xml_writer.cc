#include "s3/api/xml_writer.h"

#include <charconv>

#include "emulator/core/utf8.h"

namespace hayloft::s3 {
namespace {
struct string_sink : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override { out.append(static_cast<const char*>(data), size); }
};

// XML 1.0 section 2.2, Char.
bool is_xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// The code point of a valid UTF-8 sequence of n bytes (n from core::utf8_sequence_length).
std::uint32_t code_point(std::string_view s, std::size_t n) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])); };
  switch (n) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// After a '&' at s[i]: the length of a well-formed reference ("amp;", "#x1F;", "#65;") whose
// character is an XML Char, or 0.
std::size_t reference_length(std::string_view s, std::size_t i) {
  auto rest = s.substr(i + 1);
  for (std::string_view name : {"amp;", "lt;", "gt;", "quot;", "apos;"})
    if (rest.starts_with(name)) return name.size();
  if (!rest.starts_with('#')) return 0;
  bool hex = rest.size() > 1 && rest[1] == 'x';
  std::size_t j = hex ? 2 : 1;
  std::uint32_t value = 0;
  std::size_t digits = 0;
  for (; j < rest.size() && rest[j] != ';'; ++j, ++digits) {
    char c = rest[j];
    int d = c >= '0' && c <= '9'                ? c - '0'
            : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
            : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
    if (d < 0 || digits >= 8) return 0;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
  }
  if (digits == 0 || j == rest.size() || !is_xml_char(value)) return 0;
  return j + 1;
}

int depth_of(const pugi::xml_document& doc, int limit) {
  // Iterative walk: first child, next sibling, back up through parents.
  int depth = 1, deepest = 1;
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.first_child()) {
      n = n.first_child();
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      --depth;
    }
    if (n) n = n.next_sibling();
  }
  return deepest;
}

void append_reference(std::string& out, std::uint32_t cp) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out += "&#x";
  bool started = false;
  for (int shift = 20; shift >= 0; shift -= 4) {
    auto d = (cp >> shift) & 0xF;
    if (d || started || shift == 0) {
      out.push_back(hex[d]);
      started = true;
    }
  }
  out.push_back(';');
}

// Character data as str() documents it, escaped here (pugixml stores C strings: a NUL in a key
// would end the text there, so pugixml's own escaping is switched off for these documents).
std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\t':
        case '\n': out.push_back(static_cast<char>(c)); break;
        default:
          if (c < 0x20) append_reference(out, c);
          else out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    std::size_t n = core::utf8_sequence_length(s.substr(i));
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    auto cp = code_point(s.substr(i), n);
    if (is_xml_char(cp)) out.append(s.substr(i, n));
    else append_reference(out, cp);
    i += n;
  }
  return out;
}

// A serialised parsed document made safe as str() documents it; returns `xml` untouched when
// nothing needs it (its text was decoded from a checked request, so it holds no NUL).
std::string safe_text(std::string xml) {
  auto needs = [](unsigned char c) { return c < 0x20 ? c != '\t' && c != '\n' : c >= 0x80; };
  std::size_t i = 0;
  while (i < xml.size() && !needs(static_cast<unsigned char>(xml[i]))) ++i;
  if (i == xml.size()) return xml;
  std::string out(xml, 0, i);
  out.reserve(xml.size() + 16);
  std::string_view s = xml;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!needs(c)) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t n = core::utf8_sequence_length(s.substr(i));
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    auto cp = code_point(s.substr(i), n);
    if (cp == 0xD || !is_xml_char(cp)) append_reference(out, cp);
    else out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

xml_writer::xml_writer(std::string_view root_name, bool with_namespace) {
  auto decl = doc_.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  root_ = node(doc_, root_name);
  if (with_namespace) root_.append_attribute("xmlns").set_value(s3_xmlns.data(), s3_xmlns.size());
}

pugi::xml_node xml_writer::node(pugi::xml_node parent, std::string_view name) {
  auto n = parent.append_child(pugi::node_element);
  n.set_name(std::string(name).c_str());
  return n;
}

pugi::xml_node xml_writer::child(pugi::xml_node parent, std::string_view name, std::string_view text) {
  auto n = node(parent, name);
  set_text(n, text);
  return n;
}

void xml_writer::set_text(pugi::xml_node n, std::string_view text) {
  if (text.empty()) return;
  auto escaped = escape_text(text);
  n.append_child(pugi::node_pcdata).set_value(escaped.data(), escaped.size());
}

pugi::xml_node xml_writer::child(pugi::xml_node parent, std::string_view name, std::uint64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return child(parent, name, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::string save_xml(const pugi::xml_document& doc) {
  string_sink sink;
  doc.save(sink, "", pugi::format_raw, pugi::encoding_utf8);
  return safe_text(std::move(sink.out));
}

std::string xml_writer::str() const {
  string_sink sink;
  // Text was escaped by set_text; attribute values are constants.
  doc_.save(sink, "", pugi::format_raw | pugi::format_no_escapes, pugi::encoding_utf8);
  // pugixml writes the declaration and root back to back; S3 puts a newline between them.
  std::string_view all = sink.out;
  auto pos = all.find("?>");
  if (pos == std::string_view::npos) return std::move(sink.out);
  std::string out;
  out.reserve(all.size() + 1);
  out.append(all.substr(0, pos + 2)).push_back('\n');
  out.append(all.substr(pos + 2));
  return out;
}

bool acceptable_xml_text(std::string_view s, const xml_limits& limits) {
  std::size_t markup = 0;
  // Comments, CDATA sections and processing instructions hold characters but no references.
  std::string_view raw_until;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!raw_until.empty()) {
      if (s.substr(i).starts_with(raw_until)) {
        i += raw_until.size();
        raw_until = {};
        continue;
      }
    } else if (c == '<') {
      if (++markup > limits.max_markup) return false;
      auto rest = s.substr(i + 1);
      if (rest.starts_with("!--")) {
        raw_until = "-->";
        i += 4;
        continue;
      }
      if (rest.starts_with("![CDATA[")) {
        raw_until = "]]>";
        i += 9;
        continue;
      }
      if (rest.starts_with('?')) {
        raw_until = "?>";
        i += 2;
        continue;
      }
      // DOCTYPE, ENTITY, ...: S3's documents have no DTD and hayloft processes none.
      if (rest.starts_with('!')) return false;
    } else if (c == '&') {
      auto n = reference_length(s, i);
      if (n == 0) return false;
      i += n + 1;
      continue;
    }
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    std::size_t n = core::utf8_sequence_length(s.substr(i));
    if (n == 0 || !is_xml_char(code_point(s.substr(i), n))) return false;
    i += n;
  }
  return raw_until.empty();
}

bool parse_xml(std::string_view body, pugi::xml_document& doc, const xml_limits& limits) {
  if (!acceptable_xml_text(body, limits)) return false;
  // parse_ws_pcdata_single: a value of only whitespace (a key " ") is kept, not dropped.
  auto r = doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                           pugi::encoding_utf8);
  return static_cast<bool>(r) && doc.document_element() && depth_of(doc, limits.max_depth) <= limits.max_depth;
}

std::string_view local_name(pugi::xml_node n) {
  std::string_view name = n.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node find_child(pugi::xml_node parent, std::string_view name) {
  for (auto c : parent.children())
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  return {};
}

std::string child_text(pugi::xml_node parent, std::string_view name) {
  auto c = find_child(parent, name);
  return c ? std::string(c.child_value()) : std::string();
}

}  // namespace hayloft::s3
