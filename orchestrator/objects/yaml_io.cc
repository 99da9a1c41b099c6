#include "orchestrator/objects/yaml_io.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

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

bool parse_int(std::string_view s, long long& out) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  int base = 10;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16;
    body.remove_prefix(2);
  }
  std::string digits;
  for (char c : body) {
    if (c == '_') continue;
    digits.push_back(c);
  }
  if (digits.empty()) return false;
  unsigned long long v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec != std::errc{} || p != digits.data() + digits.size()) return false;
  if (v > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) return false;
  out = neg ? -static_cast<long long>(v) : static_cast<long long>(v);
  return true;
}

bool parse_float(std::string_view s, double& out) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") {
    out = INFINITY;
    return true;
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    out = -INFINITY;
    return true;
  }
  // A YAML 1.1 float needs a digit and a '.' or exponent; bare words never qualify.
  bool digit = false, marker = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c == '.' || c == 'e' || c == 'E') marker = true;
    else if (c != '+' && c != '-' && c != '_') return false;
  }
  if (!digit || !marker) return false;
  std::string clean;
  for (char c : s)
    if (c != '_') clean.push_back(c);
  auto [p, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), out);
  return ec == std::errc{} && p == clean.data() + clean.size();
}

json scalar_to_json(const std::string& text, const std::string& tag) {
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
  if (tag == "tag:yaml.org,2002:int") {
    long long v;
    if (parse_int(text, v)) return v;
    return text;
  }
  if (tag == "tag:yaml.org,2002:bool") return is_bool_true(text);
  if (tag == "tag:yaml.org,2002:null") return nullptr;
  if (is_null(text)) return nullptr;
  if (is_bool_true(text)) return true;
  if (is_bool_false(text)) return false;
  long long i;
  if (parse_int(text, i)) return i;
  double d;
  if (parse_float(text, d) && std::isfinite(d)) return d;
  return text;
}

// A parse failure raised from inside the event handler (yaml-cpp's parser calls it and unwinds).
struct conversion_error {
  std::string message;
};

// Builds JSON documents from yaml-cpp's parse events without a node graph, so that aliases are
// expanded under go-yaml v2's rules (sigs.k8s.io/yaml): an alias to an anchor whose value is not
// complete is "anchor 'x' value contains itself", and expansion stops with "document contains
// excessive aliasing" once aliased nodes outnumber the document's own by go-yaml's ratio. Depth
// (including what aliases add) is capped at max_manifest_depth.
class json_builder final : public YAML::EventHandler {
 public:
  std::vector<json> docs;

  void OnDocumentStart(const YAML::Mark&) override {
    anchors_.clear();
    decode_count_ = alias_count_ = 0;
    root_ = json();
  }
  void OnDocumentEnd() override { docs.push_back(std::move(root_)); }
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { add(nullptr, anchor, 1, 0); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end() || !it->second.complete)
      throw conversion_error{"yaml: anchor '" + (it == anchors_.end() ? std::string() : it->second.name) +
                             "' value contains itself"};
    const stored& a = it->second;
    decode_count_ += a.nodes;
    alias_count_ += a.nodes;
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        static_cast<double>(alias_count_) / static_cast<double>(decode_count_) > allowed_alias_ratio(decode_count_))
      throw conversion_error{"yaml: document contains excessive aliasing"};
    if (stack_.size() + a.depth > max_manifest_depth) throw too_deep();
    add(a.value, 0, 0, a.depth, a.nodes);
  }
  void OnScalar(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
      stack_.back().key = value;  // keys are taken as written (sigs.k8s.io/yaml stringifies scalar keys)
      ++decode_count_;
      remember(anchor, json(value), 1, 0);
      return;
    }
    add(scalar_to_json(value, tag), anchor, 1, 0);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(json::array(), false, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(json::object(), true, anchor);
  }
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }

 private:
  struct frame {
    json value;
    bool is_map = false;
    std::optional<std::string> key;
    YAML::anchor_t anchor = 0;
    std::size_t nodes = 1;  // this node and everything below it, aliases expanded
    std::size_t depth = 0;  // levels below it
  };
  struct stored {
    std::string name;
    json value;
    bool complete = false;
    std::size_t nodes = 0, depth = 0;
  };

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

  void remember(YAML::anchor_t anchor, const json& value, std::size_t nodes, std::size_t depth) {
    if (anchor == 0) return;
    anchors_[anchor] = stored{std::move(pending_name_), value, true, nodes, depth};
    pending_name_.clear();
  }

  void open(json value, bool is_map, YAML::anchor_t anchor) {
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().key)
      throw conversion_error{"yaml: unsupported map key: a key must be a scalar"};
    if (stack_.size() >= max_manifest_depth) throw too_deep();
    ++decode_count_;
    if (anchor != 0) {
      anchors_[anchor] = stored{std::move(pending_name_), json(), false, 0, 0};
      pending_name_.clear();
    }
    stack_.push_back(frame{std::move(value), is_map, std::nullopt, anchor});
  }

  void close() {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.anchor != 0) {
      stored& a = anchors_[f.anchor];
      a.value = f.value;
      a.complete = true;
      a.nodes = f.nodes;
      a.depth = f.depth;
    }
    place(std::move(f.value), f.nodes, f.depth + 1);
  }

  void add(json value, YAML::anchor_t anchor, std::size_t counted, std::size_t depth, std::size_t nodes = 1) {
    decode_count_ += counted;
    remember(anchor, value, nodes, depth);
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
      // An alias (or null) in key position: only a string value can serve as a key.
      if (value.is_string()) {
        stack_.back().key = value.get<std::string>();
        return;
      }
      if (value.is_null()) {
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
      parent.value[*parent.key] = std::move(value);
      parent.key.reset();
    } else {
      parent.value.push_back(std::move(value));
    }
  }

  std::vector<frame> stack_;
  std::map<YAML::anchor_t, stored> anchors_;
  std::string pending_name_;
  json root_;
  std::size_t decode_count_ = 0, alias_count_ = 0;
};

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

// yaml-cpp 0.7 loops forever, allocating until the process dies, when a ',' stands where a node
// must start at the top level: ",{" as a document, " ,[" after "---", or "- x\n,{" (found by the
// kube_patch fuzz target with the 4-byte body ",.{"). No Kubernetes object can hold such a line
// (its root is a mapping, and a ',' cannot start a YAML node), so the line is refused before
// yaml-cpp sees it, with go-yaml's message. Returns the 1-based line, or 0.
std::size_t stray_top_level_comma(std::string_view text) {
  bool document_start = true;  // nothing but directives, markers and comments yet
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.starts_with("---") || line.starts_with("...")) {
      document_start = true;
      line.remove_prefix(3);
    } else if (document_start && line.starts_with('%')) {
      continue;
    }
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (line[first] == ',' && (document_start || first == 0)) return line_no;
    document_start = false;
  }
  return 0;
}

}  // namespace

result<std::vector<json>> parse_manifests(std::string_view text) {
  auto bad = [](std::string m) { return error{make_error_code(errc::bad_request), "error converting YAML to JSON: " + std::move(m)}; };
  if (text.size() > max_manifest_bytes)
    return bad("yaml: the document is larger than " + std::to_string(max_manifest_bytes) + " bytes");
  if (auto problem = utf8_problem(text)) return bad("yaml: " + *problem);
  if (auto line = stray_top_level_comma(text))
    return bad("yaml: line " + std::to_string(line) + ": did not find expected node content");
  json_builder builder;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const conversion_error& e) {
    return bad(e.message);
  } catch (const YAML::Exception& e) {
    return bad("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
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
