#include "s3/api/cors.h"

#include <algorithm>
#include <charconv>

#include "emulator/core/http_message.h"
#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

bool valid_method(std::string_view m) { return m == "GET" || m == "PUT" || m == "HEAD" || m == "POST" || m == "DELETE"; }

std::size_t stars(std::string_view s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '*')); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_chars(std::string_view a, std::string_view b, bool ignore_case) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ignore_case ? lower(a[i]) != lower(b[i]) : a[i] != b[i]) return false;
  return true;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return equal_chars(pattern, text, ignore_case);
  auto head = pattern.substr(0, star);
  auto tail = pattern.substr(star + 1);
  if (text.size() < head.size() + tail.size()) return false;
  if (!equal_chars(head, text.substr(0, head.size()), ignore_case)) return false;
  // Patterns hold at most one '*' (validated), but a stored or hand-made one may hold more: the
  // rest of the pattern is matched against every suffix, which stays linear for one star.
  if (tail.find('*') == std::string_view::npos)
    return equal_chars(tail, text.substr(text.size() - tail.size()), ignore_case);
  auto rest = text.substr(head.size());
  for (std::size_t i = 0; i <= rest.size(); ++i)
    if (wildcard_match(tail, rest.substr(i), ignore_case)) return true;
  return false;
}

result<cors_configuration> parse_cors_configuration(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != "CORSConfiguration") return fail(errc::malformed_xml);
  cors_configuration c;
  for (auto r : root.children()) {
    if (r.type() != pugi::node_element) continue;
    if (local_name(r) != "CORSRule" || c.rules.size() == max_cors_rules) return fail(errc::malformed_xml);
    cors_rule rule;
    bool has_id = false;
    for (auto e : r.children()) {
      if (e.type() != pugi::node_element) continue;
      auto name = local_name(e);
      std::string v = e.child_value();
      if (name == "ID") {
        if (has_id || v.size() > 255) return fail(errc::malformed_xml);
        has_id = true;
        rule.id = std::move(v);
      } else if (name == "AllowedMethod") {
        if (!valid_method(v))
          return fail(errc::invalid_request, "Found unsupported HTTP method in CORS config. Unsupported method is " + v);
        rule.methods.push_back(std::move(v));
      } else if (name == "AllowedOrigin") {
        if (stars(v) > 1) return fail(errc::invalid_request, "AllowedOrigin \"" + v + "\" can not have more than one wildcard.");
        rule.origins.push_back(std::move(v));
      } else if (name == "AllowedHeader") {
        if (stars(v) > 1) return fail(errc::invalid_request, "AllowedHeader \"" + v + "\" can not have more than one wildcard.");
        rule.allowed_headers.push_back(std::move(v));
      } else if (name == "ExposeHeader") {
        rule.expose_headers.push_back(std::move(v));
      } else if (name == "MaxAgeSeconds") {
        long long n = 0;
        auto res = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || res.ec != std::errc{} || res.ptr != v.data() + v.size() || rule.max_age_seconds)
          return fail(errc::malformed_xml);
        rule.max_age_seconds = n;
      } else {
        return fail(errc::malformed_xml);
      }
    }
    if (rule.methods.empty() || rule.origins.empty()) return fail(errc::malformed_xml);
    c.rules.push_back(std::move(rule));
  }
  if (c.rules.empty()) return fail(errc::malformed_xml);
  return c;
}

std::string render_cors_configuration(const cors_configuration& c) {
  xml_writer w("CORSConfiguration");
  for (const auto& r : c.rules) {
    auto n = xml_writer::node(w.root(), "CORSRule");
    if (!r.id.empty()) xml_writer::child(n, "ID", r.id);
    for (const auto& h : r.allowed_headers) xml_writer::child(n, "AllowedHeader", h);
    for (const auto& m : r.methods) xml_writer::child(n, "AllowedMethod", m);
    for (const auto& o : r.origins) xml_writer::child(n, "AllowedOrigin", o);
    for (const auto& h : r.expose_headers) xml_writer::child(n, "ExposeHeader", h);
    if (r.max_age_seconds) xml_writer::child(n, "MaxAgeSeconds", std::to_string(*r.max_age_seconds));
  }
  return w.str();
}

const cors_rule* match_cors(const cors_configuration& c, std::string_view origin, std::string_view method,
                            const std::vector<std::string>& request_headers) {
  for (const auto& r : c.rules) {
    bool origin_ok = false;
    for (const auto& o : r.origins)
      if (wildcard_match(o, origin, false)) origin_ok = true;
    if (!origin_ok) continue;
    if (std::find(r.methods.begin(), r.methods.end(), method) == r.methods.end()) continue;
    bool headers_ok = true;
    for (const auto& h : request_headers) {
      bool allowed = false;
      for (const auto& a : r.allowed_headers)
        if (wildcard_match(a, h, true)) allowed = true;
      if (!allowed) {
        headers_ok = false;
        break;
      }
    }
    if (headers_ok) return &r;
  }
  return nullptr;
}

std::vector<std::string> split_header_list(std::string_view value) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    auto comma = value.find(',', pos);
    auto item = value.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace hayloft::s3
