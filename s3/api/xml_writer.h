#pragma once
// A thin builder over pugixml for S3 response documents: every document starts with the XML
// declaration and (for results) the S3 namespace on the root element. And the one way request
// documents are parsed: bounded, strict XML 1.0, no DTD.
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
  // Appends text to n (escaped as str() documents). Every text of a document goes through here.
  static void set_text(pugi::xml_node n, std::string_view text);
  // The document as one line after the declaration. Text is written as S3 writes it: a
  // character XML 1.0 cannot carry (C0 controls other than tab and LF, U+FFFE, U+FFFF) becomes a
  // numeric reference ("&#x1;", as S3 lists such keys without encoding-type=url), CR becomes
  // "&#xD;" (so it survives line-end normalisation), and a byte that is not valid UTF-8 (none
  // should arrive: keys and documents are checked on the way in) becomes U+FFFD.
  std::string str() const;

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

// A parsed document written back on one line, its text made safe as xml_writer::str() does.
std::string save_xml(const pugi::xml_document& doc);

// What a request document may hold. S3's own documents are small and shallow (a 10,000-part
// CompleteMultipartUpload is about 50,000 elements; the deepest, NotificationConfiguration, nests
// 6 levels); these bounds keep pugixml's tree (about 50 bytes per node) and any walk over it
// small whatever a client sends. The body's byte size is bounded before this (xml_body).
struct xml_limits {
  std::size_t max_markup = 100000;  // '<' characters: elements, comments, PIs, CDATA sections
  int max_depth = 32;
};

// True when `body` may be handed to pugixml: valid UTF-8; only characters of XML 1.0's Char
// production; every '&' starts a predefined entity or a character reference to a Char; no "<!"
// other than a comment or CDATA section (so no DOCTYPE, no DTD, no entity declarations: nothing
// is expanded); at most max_markup '<'. One pass, no allocation.
bool acceptable_xml_text(std::string_view body, const xml_limits& limits = {});
// Parses a request body: false when it is not acceptable_xml_text, not well-formed, has no root
// element or nests deeper than max_depth. pugixml's parser is iterative, so depth costs no stack.
bool parse_xml(std::string_view body, pugi::xml_document& doc, const xml_limits& limits = {});
// Text of the first child element with this local name (namespace prefixes ignored).
std::string child_text(pugi::xml_node parent, std::string_view name);
// The first child element with this local name, or an empty node.
pugi::xml_node find_child(pugi::xml_node parent, std::string_view name);
// The element's name without a namespace prefix ("s3:Key" -> "Key").
std::string_view local_name(pugi::xml_node n);

}  // namespace hayloft::s3
