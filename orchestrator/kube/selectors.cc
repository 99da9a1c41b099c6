#include "orchestrator/kube/selectors.h"

#include <algorithm>
#include <cctype>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

error bad(std::string message) { return error{make_error_code(errc::bad_request), std::move(message)}; }

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

bool valid_label_key(std::string_view k) {
  if (k.empty() || k.size() > 317) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
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
    if (!valid_label_key(r.key)) return bad("unable to parse requirement: invalid label key \"" + r.key + "\"");
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
