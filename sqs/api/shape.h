#pragma once
// A protocol-neutral output tree. Each result is converted into a `shape` once; the two
// serializers below write it as AWS JSON 1.0 or as the query protocol's XML, so both protocols
// always carry the same content.
//
// XML follows the SQS query model: every list and map is "flattened" (no wrapper element; each
// item is its own element named `item`), and a map entry is <item><Name>k</Name><Value>v</Value>
// (key/value element names configurable: tags use Key/Value).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hayloft::sqs::api {

struct shape {
  enum class kind { text, number, boolean, structure, list, map };
  struct member;  // {first: name or key, second: value}; a struct, not std::pair, so clang can
                  // instantiate the recursive type (pair's conditional explicit needs it complete)
  kind k = kind::structure;
  std::string text;
  std::int64_t number = 0;
  bool flag = false;
  std::vector<member> members;  // structure members; map entries (key -> value)
  std::vector<shape> items;                            // list items
  std::string item;                                    // XML element per list item / map entry
  std::string key_name = "Name";
  std::string value_name = "Value";

  // Defined below the class, where `shape` and `member` are complete.
  static shape of_text(std::string s);
  static shape of_number(std::int64_t v);
  static shape of_bool(bool v);
  static shape list(std::string item_name);
  static shape map(std::string item_name, std::string key = "Name", std::string value = "Value");
  shape& add(std::string name, shape v);
};

struct shape::member {
  std::string first;
  shape second;
};

inline shape shape::of_text(std::string s) {
  shape n;
  n.k = kind::text;
  n.text = std::move(s);
  return n;
}
inline shape shape::of_number(std::int64_t v) {
  shape n;
  n.k = kind::number;
  n.number = v;
  return n;
}
inline shape shape::of_bool(bool v) {
  shape n;
  n.k = kind::boolean;
  n.flag = v;
  return n;
}
inline shape shape::list(std::string item_name) {
  shape n;
  n.k = kind::list;
  n.item = std::move(item_name);
  return n;
}
inline shape shape::map(std::string item_name, std::string key, std::string value) {
  shape n;
  n.k = kind::map;
  n.item = std::move(item_name);
  n.key_name = std::move(key);
  n.value_name = std::move(value);
  return n;
}
inline shape& shape::add(std::string name, shape v) {
  members.push_back(member{std::move(name), std::move(v)});
  return *this;
}

// {"QueueUrl":"..."}: structures become objects, lists arrays, maps objects.
std::string to_json(const shape& s);
// The members of `s` as XML elements (no document wrapper).
std::string to_xml(const shape& s);
// XML character data escaping (&, <, >, quotes, and CR as &#xD; so it survives parsing). Bytes
// that are not valid UTF-8 and characters XML 1.0 forbids (control characters, U+FFFE ...) come
// out as U+FFFD, so a document echoing client input is always well-formed.
std::string xml_escape(std::string_view s);

// The length in bytes of the character starting at s[i] when it is valid UTF-8 and one of XML
// 1.0's characters (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF, the set
// SQS accepts in messages); 0 otherwise.
std::size_t xml_char_length(std::string_view s, std::size_t i);

}  // namespace hayloft::sqs::api
