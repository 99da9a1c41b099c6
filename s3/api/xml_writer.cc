#include "s3/api/xml_writer.h"

#include <charconv>

namespace hayloft::s3 {
namespace {
struct string_sink : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override { out.append(static_cast<const char*>(data), size); }
};
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
  if (!text.empty()) n.append_child(pugi::node_pcdata).set_value(text.data(), text.size());
  return n;
}

pugi::xml_node xml_writer::child(pugi::xml_node parent, std::string_view name, std::uint64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return child(parent, name, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::string xml_writer::str() const {
  string_sink sink;
  doc_.save(sink, "", pugi::format_raw, pugi::encoding_utf8);
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

bool parse_xml(std::string_view body, pugi::xml_document& doc) {
  auto r = doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  return static_cast<bool>(r) && doc.document_element();
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
