#pragma once
// A thin builder over pugixml for S3 response documents: every document starts with the XML
// declaration and (for results) the S3 namespace on the root element.
#include <pugixml.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace hayloft::s3 {

inline constexpr std::string_view s3_xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

class xml_writer {
 public:
  explicit xml_writer(std::string_view root_name, bool with_namespace = true);
  pugi::xml_node root() const { return root_; }
  // Appends <name>text</name> to parent (default: the root) and returns it.
  pugi::xml_node child(std::string_view name, std::string_view text) { return child(root_, name, text); }
  static pugi::xml_node child(pugi::xml_node parent, std::string_view name, std::string_view text);
  static pugi::xml_node child(pugi::xml_node parent, std::string_view name, std::uint64_t value);
  static pugi::xml_node node(pugi::xml_node parent, std::string_view name);
  // The document as one line after the declaration.
  std::string str() const;

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

// Parses a request body; false when it is not well-formed XML.
bool parse_xml(std::string_view body, pugi::xml_document& doc);
// Text of the first child element with this local name (namespace prefixes ignored).
std::string child_text(pugi::xml_node parent, std::string_view name);
// The first child element with this local name, or an empty node.
pugi::xml_node find_child(pugi::xml_node parent, std::string_view name);
// The element's name without a namespace prefix ("s3:Key" -> "Key").
std::string_view local_name(pugi::xml_node n);

}  // namespace hayloft::s3
