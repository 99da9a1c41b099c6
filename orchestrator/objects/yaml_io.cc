#include "orchestrator/objects/yaml_io.h"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "emulator/core/utf8.h"

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::objects {
namespace {

bool is_bool_true(std::string_view s) {
  static const std::set<std::string_view> v{"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  return v.count(s) > 0;
}
bool is_bool_false(std::string_view s) {
  static const std::set<std::string_view> v{"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  return v.count(s) > 0;
}
bool is_null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// Go's strconv.ParseUint with base 0 on text without '_' (go-yaml v2 removes them first):
// 0x/0o/0b prefixes, a leading 0 for octal.
bool parse_go_uint(std::string_view body, unsigned long long& out) {
  int base = 10;
  if (body.size() > 2 && body[0] == '0') {
    const char p = body[1];
    base = p == 'x' || p == 'X' ? 16 : p == 'o' || p == 'O' ? 8 : p == 'b' || p == 'B' ? 2 : 10;
    if (base != 10) body.remove_prefix(2);
  }
  if (base == 10 && body.size() > 1 && body[0] == '0') {
    base = 8;
    body.remove_prefix(1);
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return false;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), out, base);
  return ec == std::errc{} && p == body.data() + body.size();
}

std::string without_underscores(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_') out.push_back(c);
  return out;
}

// Go's strconv.ParseInt(s, 0, 64) after go-yaml v2 removed the '_'.
bool parse_int(std::string_view s, long long& out) {
  const std::string plain = without_underscores(s);
  std::string_view body = plain;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  unsigned long long v = 0;
  if (!parse_go_uint(body, v)) return false;
  constexpr auto max = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
  if (v > max + (neg ? 1 : 0)) return false;
  out = neg ? static_cast<long long>(0 - v) : static_cast<long long>(v);
  return true;
}

// go-yaml v2: the YAML 1.1 infinities, else text matching
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (after removing '_') read by ParseFloat.
bool parse_float(std::string_view s, double& out) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    out = INFINITY;
    return true;
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    out = -INFINITY;
    return true;
  }
  const std::string plain = without_underscores(s);
  std::string_view t = plain;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
  auto digits = [&t] {
    std::size_t n = 0;
    while (n < t.size() && t[n] >= '0' && t[n] <= '9') ++n;
    t.remove_prefix(n);
    return n;
  };
  if (t.starts_with('.')) {
    t.remove_prefix(1);
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (t.starts_with('.')) {
      t.remove_prefix(1);
      digits();
    }
  }
  if (t.starts_with('e') || t.starts_with('E')) {
    t.remove_prefix(1);
    if (t.starts_with('+') || t.starts_with('-')) t.remove_prefix(1);
    if (digits() == 0) return false;
  }
  if (!t.empty()) return false;
  std::string_view num = plain;
  if (num.starts_with('+')) num.remove_prefix(1);  // from_chars takes no '+'
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), out);
  return ec == std::errc{} && p == num.data() + num.size();
}

// A plain scalar without a tag, resolved as YAML 1.1 (go-yaml v2 resolve()).
json scalar_to_json(const std::string& text) {
  if (is_null(text)) return nullptr;
  if (is_bool_true(text)) return true;
  if (is_bool_false(text)) return false;
  long long i;
  if (parse_int(text, i)) return i;
  std::string_view unsigned_text = text;
  if (unsigned_text.starts_with('+')) unsigned_text.remove_prefix(1);
  unsigned long long u;
  if (parse_go_uint(without_underscores(unsigned_text), u)) return u;
  double d;
  if (parse_float(text, d) && std::isfinite(d)) return d;
  return text;
}

// A parse failure raised while building (go-yaml's failf).
struct conversion_error {
  std::string message;
};

// Builds JSON documents from libyaml's parse events without a node graph, the way go-yaml v2
// (sigs.k8s.io/yaml, which the API server uses) decodes into interface{}: aliases are expanded
// under its rules (an alias to an unknown anchor is "unknown anchor 'x' referenced", to one whose
// value is not complete "anchor 'x' value contains itself", and expansion stops with "document
// contains excessive aliasing" once aliased nodes outnumber the document's own by its ratio);
// `<<` merge keys take a mapping or a sequence of mappings. Depth (including what aliases add) is
// capped at max_manifest_depth.
class json_builder final {
 public:
  std::vector<json> docs;

  void document_start() {
    anchors_.clear();
    decode_count_ = alias_count_ = 0;
    root_ = json();
  }
  void document_end() { docs.push_back(std::move(root_)); }

  void alias(const std::string& name) {
    auto it = anchors_.find(name);
    if (it == anchors_.end()) throw conversion_error{"yaml: unknown anchor '" + name + "' referenced"};
    if (!it->second.complete) throw conversion_error{"yaml: anchor '" + name + "' value contains itself"};
    const stored& a = it->second;
    decode_count_ += a.nodes;
    alias_count_ += a.nodes;
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        static_cast<double>(alias_count_) / static_cast<double>(decode_count_) > allowed_alias_ratio(decode_count_))
      throw conversion_error{"yaml: document contains excessive aliasing"};
    if (stack_.size() + a.depth > max_manifest_depth) throw too_deep();
    add(a.value, {}, 0, a.depth, a.nodes);
  }

  // `plain` is a plain scalar without a tag (go-yaml resolves those), `tag` an explicit one.
  void scalar(std::string anchor, std::string_view tag, std::string value, bool plain) {
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
      stack_.back().merge = plain && value == "<<";
      stack_.back().key = value;  // keys are taken as written (sigs.k8s.io/yaml stringifies scalar keys)
      ++decode_count_;
      remember(anchor, json(value), 1, 0);
      return;
    }
    add(resolve(tag, std::move(value), plain), std::move(anchor), 1, 0);
  }
  void open(json value, bool is_map, std::string anchor) {
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().key)
      throw conversion_error{"yaml: unsupported map key: a key must be a scalar"};
    if (stack_.size() >= max_manifest_depth) throw too_deep();
    ++decode_count_;
    if (!anchor.empty()) anchors_[anchor] = stored{json(), false, 0, 0};
    stack_.push_back(frame{std::move(value), is_map, std::nullopt, false, std::move(anchor)});
  }
  void close() {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    if (!f.anchor.empty()) anchors_[f.anchor] = stored{f.value, true, f.nodes, f.depth};
    place(std::move(f.value), f.nodes, f.depth + 1);
  }

 private:
  struct frame {
    json value;
    bool is_map = false;
    std::optional<std::string> key;
    bool merge = false;  // the pending key is a plain `<<`
    std::string anchor;
    std::size_t nodes = 1;  // this node and everything below it, aliases expanded
    std::size_t depth = 0;  // levels below it
  };
  struct stored {
    json value;
    bool complete = false;
    std::size_t nodes = 0, depth = 0;
  };

  // go-yaml v2 resolve(): a quoted or `!`-tagged scalar is a string; `!!str`/`!!int`/... are
  // honoured; a plain one is resolved by its text; any other tag leaves the text a string.
  static json resolve(std::string_view tag, std::string text, bool plain) {
    if (!plain && tag.empty()) return text;
    if (tag == "tag:yaml.org,2002:str") return text;
    if (tag == "tag:yaml.org,2002:null") {
      if (is_null(text)) return nullptr;
      throw conversion_error{"yaml: cannot decode !!str `" + text.substr(0, 7) + "` as a !!null"};
    }
    if (tag == "tag:yaml.org,2002:bool") {
      if (is_bool_true(text)) return true;
      if (is_bool_false(text)) return false;
      throw conversion_error{"yaml: cannot decode !!str `" + text.substr(0, 7) + "` as a !!bool"};
    }
    if (tag == "tag:yaml.org,2002:int") {
      long long v;
      if (parse_int(text, v)) return v;
      throw conversion_error{"yaml: cannot decode !!str `" + text.substr(0, 7) + "` as a !!int"};
    }
    if (tag == "tag:yaml.org,2002:float") {
      long long i;
      if (parse_int(text, i)) return static_cast<double>(i);
      double d;
      if (parse_float(text, d) && std::isfinite(d)) return d;
      throw conversion_error{"yaml: cannot decode !!str `" + text.substr(0, 7) + "` as a !!float"};
    }
    if (!tag.empty()) return text;
    return scalar_to_json(text);
  }

  static conversion_error too_deep() {
    return conversion_error{"yaml: exceeded max depth of " + std::to_string(max_manifest_depth)};
  }
  // go-yaml v2 decode.go allowedAliasRatio.
  static double allowed_alias_ratio(std::size_t decode_count) {
    constexpr double low = 400000, high = 4000000;
    const auto n = static_cast<double>(decode_count);
    if (n <= low) return 0.99;
    if (n >= high) return 0.10;
    return 0.99 - 0.89 * ((n - low) / (high - low));
  }

  void remember(const std::string& anchor, const json& value, std::size_t nodes, std::size_t depth) {
    if (!anchor.empty()) anchors_[anchor] = stored{value, true, nodes, depth};
  }

  void add(json value, std::string anchor, std::size_t counted, std::size_t depth, std::size_t nodes = 1) {
    decode_count_ += counted;
    remember(anchor, value, nodes, depth);
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
      // An alias (or null) in key position: only a string value can serve as a key.
      if (value.is_string()) {
        stack_.back().merge = false;
        stack_.back().key = value.get<std::string>();
        return;
      }
      if (value.is_null()) {
        stack_.back().merge = false;
        stack_.back().key = "null";
        return;
      }
      throw conversion_error{"yaml: unsupported map key: a key must be a scalar"};
    }
    place(std::move(value), nodes, depth);
  }

  void place(json value, std::size_t nodes, std::size_t depth) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    frame& parent = stack_.back();
    parent.nodes += nodes;
    parent.depth = std::max(parent.depth, depth);
    if (parent.is_map) {
      if (parent.merge) merge_into(parent.value, std::move(value));
      else parent.value[*parent.key] = std::move(value);
      parent.key.reset();
      parent.merge = false;
    } else {
      parent.value.push_back(std::move(value));
    }
  }

  // go-yaml v2 decoder.merge: the keys of a mapping, or of each mapping of a sequence (the first
  // one winning), are set in place of the `<<` entry; later keys of the mapping override them.
  static void merge_into(json& target, json value) {
    const char* wrong = "yaml: map merge requires map or sequence of maps as the value";
    if (value.is_object()) {
      for (auto& [k, v] : value.items()) target[k] = std::move(v);
      return;
    }
    if (!value.is_array()) throw conversion_error{wrong};
    for (const auto& m : value)
      if (!m.is_object()) throw conversion_error{wrong};
    for (auto m = value.rbegin(); m != value.rend(); ++m)
      for (auto& [k, v] : m->items()) target[k] = std::move(v);
  }

  std::vector<frame> stack_;
  std::map<std::string, stored, std::less<>> anchors_;
  json root_;
  std::size_t decode_count_ = 0, alias_count_ = 0;
};

// Owns a libyaml parser and its current event.
struct libyaml_parser {
  yaml_parser_t parser{};
  explicit libyaml_parser(std::string_view text) {
    yaml_parser_initialize(&parser);
    // go-yaml parses an empty text as "\n".
    if (text.empty()) text = "\n";
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~libyaml_parser() { yaml_parser_delete(&parser); }
  libyaml_parser(const libyaml_parser&) = delete;
  libyaml_parser& operator=(const libyaml_parser&) = delete;

  // go-yaml v2 parser.fail(): the problem's line (one more for a scanner error), else the context's.
  std::string failure() const {
    std::size_t line = 0;
    if (parser.problem_mark.line != 0) {
      line = parser.problem_mark.line;
      if (parser.error == YAML_SCANNER_ERROR) ++line;
    } else if (parser.context_mark.line != 0) {
      line = parser.context_mark.line;
    }
    std::string where = line != 0 ? "line " + std::to_string(line) + ": " : std::string();
    return "yaml: " + where + (parser.problem != nullptr ? parser.problem : "unknown problem parsing YAML content");
  }
};

struct libyaml_event {
  yaml_event_t event{};
  libyaml_event() = default;
  ~libyaml_event() { yaml_event_delete(&event); }
  libyaml_event(const libyaml_event&) = delete;
  libyaml_event& operator=(const libyaml_event&) = delete;
};

std::string text_of(const yaml_char_t* s) { return s != nullptr ? std::string(reinterpret_cast<const char*>(s)) : std::string(); }

// Feeds every event of the text to the builder; the error text on failure.
std::optional<std::string> build(std::string_view text, json_builder& builder) {
  libyaml_parser p(text);
  for (;;) {
    libyaml_event e;
    if (yaml_parser_parse(&p.parser, &e.event) == 0) return p.failure();
    switch (e.event.type) {
      case YAML_STREAM_END_EVENT:
        return std::nullopt;
      case YAML_DOCUMENT_START_EVENT:
        builder.document_start();
        break;
      case YAML_DOCUMENT_END_EVENT:
        builder.document_end();
        break;
      case YAML_ALIAS_EVENT:
        builder.alias(text_of(e.event.data.alias.anchor));
        break;
      case YAML_SCALAR_EVENT: {
        const auto& s = e.event.data.scalar;
        builder.scalar(text_of(s.anchor), s.tag != nullptr ? reinterpret_cast<const char*>(s.tag) : "",
                       std::string(reinterpret_cast<const char*>(s.value), s.length), s.plain_implicit != 0);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        builder.open(json::array(), false, text_of(e.event.data.sequence_start.anchor));
        break;
      case YAML_MAPPING_START_EVENT:
        builder.open(json::object(), true, text_of(e.event.data.mapping_start.anchor));
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        builder.close();
        break;
      default:
        break;
    }
  }
}

// go-yaml's reader rejects input that is not UTF-8 before parsing (reader.go).
std::optional<std::string> utf8_problem(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = core::utf8_sequence_length(text.substr(i));
    if (n > 0) {
      i += n;
      continue;
    }
    std::size_t want = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (want == 0) return "invalid leading UTF-8 octet";
    if (text.size() - i < want) return "incomplete UTF-8 octet sequence";
    return "invalid trailing UTF-8 octet";
  }
  return std::nullopt;
}

bool needs_quotes(const std::string& s) {
  if (s.empty() || is_null(s) || is_bool_true(s) || is_bool_false(s)) return true;
  long long i;
  double d;
  if (parse_int(s, i) || parse_float(s, d)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  static const std::string_view leading = "-?:,[]{}#&*!|>'\"%@`";
  if (leading.find(s.front()) != std::string_view::npos) return true;
  for (std::size_t k = 0; k < s.size(); ++k) {
    unsigned char c = static_cast<unsigned char>(s[k]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == ':' && (k + 1 == s.size() || s[k + 1] == ' ')) return true;
    if (c == '#' && k > 0 && s[k - 1] == ' ') return true;
  }
  return false;
}

std::string scalar_text(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return needs_quotes(s) ? json(s).dump() : s;
  }
  return v.dump();
}

bool is_empty_container(const json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void emit(const json& v, int indent, std::string& out);

void emit_value_after_key(const json& v, int indent, std::string& out) {
  if (v.is_object() && !v.empty()) {
    out += "\n";
    emit(v, indent + 2, out);
  } else if (v.is_array() && !v.empty()) {
    out += "\n";
    emit(v, indent, out);  // go-yaml puts "- " at the parent key's indentation
  } else if (is_empty_container(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
  } else {
    out += " " + scalar_text(v) + "\n";
  }
}

void emit(const json& v, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) {
      out += pad + (needs_quotes(k) ? json(k).dump() : k) + ":";
      emit_value_after_key(child, indent, out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_object() && !item.empty()) {
        std::string nested;
        emit(item, indent + 2, nested);
        // Replace the first line's indentation with "- ".
        out += pad + "- " + nested.substr(static_cast<std::size_t>(indent) + 2);
      } else if (item.is_array() && !item.empty()) {
        std::string nested;
        emit(item, indent + 2, nested);
        out += pad + "- " + nested.substr(static_cast<std::size_t>(indent) + 2);
      } else if (is_empty_container(item)) {
        out += pad + (item.is_object() ? "- {}\n" : "- []\n");
      } else {
        out += pad + "- " + scalar_text(item) + "\n";
      }
    }
  } else {
    out += pad + scalar_text(v) + "\n";
  }
}

}  // namespace

result<std::vector<json>> parse_manifests(std::string_view text) {
  auto bad = [](std::string m) { return error{make_error_code(errc::bad_request), "error converting YAML to JSON: " + std::move(m)}; };
  if (text.size() > max_manifest_bytes)
    return bad("yaml: the document is larger than " + std::to_string(max_manifest_bytes) + " bytes");
  if (auto problem = utf8_problem(text)) return bad("yaml: " + *problem);
  json_builder builder;
  try {
    if (auto failure = build(text, builder)) return bad(std::move(*failure));
  } catch (const conversion_error& e) {
    return bad(e.message);
  }
  std::vector<json>& docs = builder.docs;
  std::vector<json> out;
  for (auto& j : docs) {
    if (j.is_null()) continue;
    if (!j.is_object()) {
      return error{make_error_code(errc::bad_request),
                   "error unmarshaling JSON: json: cannot unmarshal " + std::string(j.is_array() ? "array" : "string") +
                       " into Go value of type map[string]interface {}"};
    }
    const auto kind = j.find("kind");
    if (kind != j.end() && kind->is_string() && *kind == "List" && j.contains("items") && j["items"].is_array()) {
      for (auto& item : j["items"])
        if (item.is_object()) out.push_back(std::move(item));
      continue;
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::string to_yaml(const json& value) {
  std::string out;
  if (value.is_object() || value.is_array()) {
    if (value.empty()) return value.is_object() ? "{}\n" : "[]\n";
    emit(value, 0, out);
  } else {
    out = scalar_text(value) + "\n";
  }
  return out;
}

}  // namespace hayloft::orchestrator::objects
