#include "orchestrator/kube/selectors.h"

#include <algorithm>
#include <cctype>

#include "emulator/core/utf8.h"
#include "orchestrator/errc.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Messages quote the client's text: invalid UTF-8 becomes U+FFFD, as Go's encoding/json writes it.
error bad(std::string message) { return error{make_error_code(errc::bad_request), core::coerce_utf8(message)}; }

// Splits on commas outside parentheses.
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur.push_back(c);
  }
  out.push_back(trim(cur));
  return out;
}

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], by hand.
bool qualified_name_shape(std::string_view s) {
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

const std::string qualified_name_regex_error =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
    "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

// validation.IsQualifiedName's messages, joined with "; ".
std::string qualified_name_errors(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name = value;
  auto slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos)
      return "a qualified name " + qualified_name_regex_error +
             " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty())
      errs.push_back("prefix part must be non-empty");
    else if (!dns1123_subdomain(prefix))
      errs.push_back(prefix.size() > 253 ? "prefix part must be no more than 253 characters"
                                          : "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                            "characters, '-' or '.', and must start and end with an alphanumeric character "
                                            "(e.g. 'example.com', regex used for validation is "
                                            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  if (name.empty()) errs.push_back("name part must be non-empty");
  else if (name.size() > 63) errs.push_back("name part must be no more than 63 characters");
  if (!qualified_name_shape(name)) errs.push_back("name part " + qualified_name_regex_error);
  std::string out;
  for (const auto& e : errs) out += (out.empty() ? "" : "; ") + e;
  return out;
}

// validation.IsValidLabelValue's messages, joined with "; ".
std::string label_value_errors(std::string_view value) {
  std::string out;
  if (value.size() > 63) out = "must be no more than 63 characters";
  if (!value.empty() && !qualified_name_shape(value))
    out += std::string(out.empty() ? "" : "; ") +
           "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
           "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
           "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  return out;
}

}  // namespace

bool label_selector::matches(const json& labels) const {
  for (const auto& r : requirements) {
    bool has = labels.is_object() && labels.contains(r.key);
    std::string v = has && labels[r.key].is_string() ? labels[r.key].get<std::string>() : std::string();
    bool in = std::find(r.values.begin(), r.values.end(), v) != r.values.end();
    switch (r.operation) {
      case label_requirement::op::equals:
      case label_requirement::op::in:
        if (!has || !in) return false;
        break;
      case label_requirement::op::not_equals:
      case label_requirement::op::not_in:
        if (has && in) return false;
        break;
      case label_requirement::op::exists:
        if (!has) return false;
        break;
      case label_requirement::op::does_not_exist:
        if (has) return false;
        break;
    }
  }
  return true;
}

result<label_selector> parse_label_selector(std::string_view text) {
  label_selector sel;
  if (trim(text).empty()) return sel;
  for (const auto& term : split_terms(text)) {
    if (term.empty()) return bad("unable to parse requirement: found '', expected: identifier");
    label_requirement r;
    auto set_values = [&](std::string_view list) -> bool {
      std::string body = trim(list);
      if (body.size() < 2 || body.front() != '(' || body.back() != ')') return false;
      body = body.substr(1, body.size() - 2);
      std::size_t pos = 0;
      while (pos <= body.size()) {
        auto comma = body.find(',', pos);
        r.values.push_back(trim(std::string_view(body).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      return true;
    };
    if (term[0] == '!') {
      r.operation = label_requirement::op::does_not_exist;
      r.key = trim(std::string_view(term).substr(1));
    } else if (auto p = term.find("!="); p != std::string::npos) {
      r.operation = label_requirement::op::not_equals;
      r.key = trim(std::string_view(term).substr(0, p));
      r.values.push_back(trim(std::string_view(term).substr(p + 2)));
    } else if (auto q = term.find(" notin "); q != std::string::npos) {
      r.operation = label_requirement::op::not_in;
      r.key = trim(std::string_view(term).substr(0, q));
      if (!set_values(std::string_view(term).substr(q + 7))) return bad("unable to parse requirement: found '" + term + "', expected: (");
    } else if (auto i = term.find(" in "); i != std::string::npos) {
      r.operation = label_requirement::op::in;
      r.key = trim(std::string_view(term).substr(0, i));
      if (!set_values(std::string_view(term).substr(i + 4))) return bad("unable to parse requirement: found '" + term + "', expected: (");
    } else if (auto e = term.find('='); e != std::string::npos) {
      r.operation = label_requirement::op::equals;
      r.key = trim(std::string_view(term).substr(0, e));
      std::size_t skip = e + 1 < term.size() && term[e + 1] == '=' ? 2 : 1;
      r.values.push_back(trim(std::string_view(term).substr(e + skip)));
    } else {
      r.operation = label_requirement::op::exists;
      r.key = term;
    }
    // labels.Parse: validateLabelKey (field path nil: "<nil>") and validateLabelValue ("[key]").
    if (auto e = qualified_name_errors(r.key); !e.empty())
      return bad("unable to parse requirement: <nil>: Invalid value: " + core::go_quote(r.key) + ": " + e);
    for (const auto& value : r.values)
      if (auto e = label_value_errors(value); !e.empty())
        return bad("unable to parse requirement: [" + r.key + "]: Invalid value: " + core::go_quote(value) + ": " + e);
    sel.requirements.push_back(std::move(r));
  }
  return sel;
}

std::string field_value(const json& object, std::string_view path) {
  const json* cur = &object;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto dot = path.find('.', pos);
    std::string part(path.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos));
    if (!cur->is_object() || !cur->contains(part)) return "";
    cur = &(*cur)[part];
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  if (cur->is_number()) return cur->dump();
  return "";
}

bool field_selector::matches(const json& object) const {
  for (const auto& r : requirements) {
    bool eq = field_value(object, r.field) == r.value;
    if (eq == r.negate) return false;
  }
  return true;
}

std::optional<std::string> field_selector::pinned_name() const {
  for (const auto& r : requirements)
    if (r.field == "metadata.name" && !r.negate) return r.value;
  return std::nullopt;
}

result<field_selector> parse_field_selector(std::string_view text) {
  field_selector sel;
  if (trim(text).empty()) return sel;
  for (const auto& term : split_terms(text)) {
    field_requirement r;
    std::size_t p;
    if ((p = term.find("!=")) != std::string::npos) {
      r.negate = true;
      r.field = trim(std::string_view(term).substr(0, p));
      r.value = trim(std::string_view(term).substr(p + 2));
    } else if ((p = term.find("==")) != std::string::npos) {
      r.field = trim(std::string_view(term).substr(0, p));
      r.value = trim(std::string_view(term).substr(p + 2));
    } else if ((p = term.find('=')) != std::string::npos) {
      r.field = trim(std::string_view(term).substr(0, p));
      r.value = trim(std::string_view(term).substr(p + 1));
    } else {
      return bad("invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'");
    }
    if (r.field.empty()) return bad("invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'");
    sel.requirements.push_back(std::move(r));
  }
  return sel;
}

}  // namespace hayloft::orchestrator::kube
