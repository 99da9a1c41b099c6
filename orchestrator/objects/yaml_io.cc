#include "orchestrator/objects/yaml_io.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <set>

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

json scalar_to_json(const YAML::Node& n) {
  const std::string& text = n.Scalar();
  const std::string& tag = n.Tag();
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

json node_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return scalar_to_json(n);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : n) arr.push_back(node_to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : n) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        obj[key] = node_to_json(kv.second);
      }
      return obj;
    }
  }
  return nullptr;
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
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return error{make_error_code(errc::bad_request),
                 "error converting YAML to JSON: yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
  std::vector<json> out;
  for (const auto& d : docs) {
    json j = node_to_json(d);
    if (j.is_null()) continue;
    if (!j.is_object()) {
      return error{make_error_code(errc::bad_request),
                   "error unmarshaling JSON: json: cannot unmarshal " + std::string(j.is_array() ? "array" : "string") +
                       " into Go value of type map[string]interface {}"};
    }
    if (j.value("kind", "") == "List" && j.contains("items") && j["items"].is_array()) {
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
