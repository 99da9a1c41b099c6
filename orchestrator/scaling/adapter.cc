#include "orchestrator/scaling/adapter.h"

#include <cctype>
#include <set>

// GCC 12 under -fsanitize=address,undefined reports a false -Wmaybe-uninitialized inside
// <regex>'s executor (instantiated here); the warning is about the library's code, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::scaling {
namespace {

using json = nlohmann::json;

error bad(std::string msg) { return error{make_error_code(errc::invalid), std::move(msg)}; }

std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

// "pods" / "pod" / "Pod" -> "pod": the adapter matches group-resources case-insensitively in
// singular or plural form.
std::string singular(std::string r) {
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (r.size() > 5 && r.ends_with("sses")) return r.substr(0, r.size() - 2);  // ingresses -> ingress
  if (r.size() > 1 && r.ends_with('s') && !r.ends_with("ss")) r.pop_back();     // pods -> pod, services -> service
  return r;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// Go's regexp Expand for "$1", "${1}", "$0"; "$$" is a literal dollar.
std::string expand(const std::string& tmpl, const std::smatch& m) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 == tmpl.size()) {
      out += tmpl[i];
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    bool braces = tmpl[j] == '{';
    if (braces) ++j;
    std::size_t start = j;
    while (j < tmpl.size() && std::isdigit(static_cast<unsigned char>(tmpl[j]))) ++j;
    if (j == start || (braces && (j >= tmpl.size() || tmpl[j] != '}'))) {
      out += tmpl[i];
      continue;
    }
    std::size_t n = std::stoul(tmpl.substr(start, j - start));
    if (n < m.size()) out += m[n].str();
    i = braces ? j : j - 1;
  }
  return out;
}

result<adapter_rule> parse_rule(const json& r, const std::string& path) {
  adapter_rule out;
  if (!r.is_object()) return bad(path + ": must be an object");
  out.series_query = str(r, "seriesQuery");
  if (out.series_query.empty()) return bad(path + ".seriesQuery: required");
  if (r.contains("seriesFilters") && r["seriesFilters"].is_array())
    for (const auto& f : r["seriesFilters"]) {
      if (auto s = str(f, "is"); !s.empty()) out.filters_is.push_back(s);
      if (auto s = str(f, "isNot"); !s.empty()) out.filters_is_not.push_back(s);
    }
  const json& res = r.value("resources", json::object());
  if (res.is_object()) {
    out.resource_template = str(res, "template");
    if (res.contains("overrides") && res["overrides"].is_object())
      for (const auto& [label, gr] : res["overrides"].items()) out.overrides[label] = singular(str(gr, "resource"));
    if (res.contains("namespaced") && res["namespaced"].is_boolean()) out.namespaced = res["namespaced"].get<bool>();
  }
  const json& name = r.value("name", json::object());
  if (auto m = str(name, "matches"); !m.empty()) out.name_matches = m;
  out.name_as = str(name, "as");
  std::regex re;
  try {
    re = std::regex(out.name_matches);
  } catch (const std::regex_error& e) {
    return bad(path + ".name.matches: unable to compile series name match expression \"" + out.name_matches + "\": " + e.what());
  }
  for (const auto& f : out.filters_is)
    try {
      (void)std::regex(f);
    } catch (const std::regex_error&) {
      return bad(path + ".seriesFilters: unable to compile series filter \"" + f + "\"");
    }
  for (const auto& f : out.filters_is_not)
    try {
      (void)std::regex(f);
    } catch (const std::regex_error&) {
      return bad(path + ".seriesFilters: unable to compile series filter \"" + f + "\"");
    }
  if (out.name_as.empty()) {
    if (re.mark_count() == 0)
      out.name_as = "$0";
    else if (re.mark_count() == 1)
      out.name_as = "$1";
    else
      return bad(path + ".name: must specify an 'as' value for name matcher \"" + out.name_matches +
                 "\" with multiple capture groups");
  }
  out.metrics_query = str(r, "metricsQuery");
  if (out.metrics_query.empty()) return bad(path + ".metricsQuery: required");
  return out;
}

// The label a rule uses for a resource ("pod", "namespace"), or "" when it has none.
std::string label_for(const adapter_rule& rule, const std::string& resource, const std::string& group) {
  for (const auto& [label, res] : rule.overrides)
    if (res == resource) return label;
  if (rule.resource_template.empty()) return "";
  return replace_all(replace_all(rule.resource_template, "<<.Resource>>", resource), "<<.Group>>", group);
}

std::string quote(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A regex alternation of literal names (object names are DNS labels, but escape anyway).
std::string alternation(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += '|';
    for (char c : n) {
      if (std::string_view(".+*?()[]{}|^$\\").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

std::string group_of(const std::string& resource) {
  if (resource == "deployment" || resource == "replicaset" || resource == "statefulset" || resource == "daemonset")
    return "apps";
  if (resource == "ingress") return "networking.k8s.io";
  return "";
}

std::string render(const adapter_rule& rule, const std::string& series, const std::vector<std::string>& matchers,
                   const std::string& group_by) {
  std::string joined;
  for (const auto& m : matchers) joined += (joined.empty() ? "" : ",") + m;
  std::string q = replace_all(rule.metrics_query, "<<.Series>>", series);
  q = replace_all(q, "<<.LabelMatchers>>", joined);
  return replace_all(q, "<<.GroupBy>>", group_by);
}

}  // namespace

bool is_adapter_config(const json& doc) {
  return doc.is_object() && (doc.contains("rules") || doc.contains("externalRules")) &&
         (doc.value("rules", json::array()).is_array() && doc.value("externalRules", json::array()).is_array());
}

result<adapter_config> parse_adapter_config(const json& doc) {
  adapter_config cfg;
  if (!doc.is_object()) return bad("the adapter configuration must be a mapping");
  for (auto [key, list] : {std::pair{"rules", &cfg.rules}, std::pair{"externalRules", &cfg.external_rules}}) {
    if (!doc.contains(key) || doc[key].is_null()) continue;
    if (!doc[key].is_array()) return bad(std::string(key) + ": must be a list");
    for (std::size_t i = 0; i < doc[key].size(); ++i) {
      auto r = parse_rule(doc[key][i], std::string(key) + "[" + std::to_string(i) + "]");
      if (!r) return r.err();
      list->push_back(std::move(*r));
    }
  }
  return cfg;
}

std::optional<std::string> adapter_metric_name(const adapter_rule& rule, const std::string& series_name) {
  for (const auto& f : rule.filters_is)
    if (!std::regex_search(series_name, std::regex(f))) return std::nullopt;
  for (const auto& f : rule.filters_is_not)
    if (std::regex_search(series_name, std::regex(f))) return std::nullopt;
  std::smatch m;
  if (!std::regex_search(series_name, m, std::regex(rule.name_matches))) return std::nullopt;
  return expand(rule.name_as, m);
}

result<std::optional<built_query>> build_adapter_query(const adapter_config& cfg, const metric_request& req,
                                                       const series_lookup& lookup) {
  const bool external = req.resource.empty();
  const auto& rules = external ? cfg.external_rules : cfg.rules;
  std::map<std::string, std::vector<std::string>> seen;  // series query -> names (one lookup each)
  for (const auto& rule : rules) {
    auto it = seen.find(rule.series_query);
    if (it == seen.end()) {
      auto names = lookup(rule.series_query);
      if (!names) return names.err();
      it = seen.emplace(rule.series_query, std::move(*names)).first;
    }
    std::optional<std::string> series;
    for (const auto& n : it->second)
      if (adapter_metric_name(rule, n) == req.metric) {
        series = n;
        break;
      }
    if (!series) continue;

    std::vector<std::string> matchers;
    for (const auto& [k, v] : req.selector) matchers.push_back(k + "=" + quote(v));
    built_query out;
    if (external) {
      if (rule.namespaced && !req.namespace_name.empty()) {
        std::string ns_label = label_for(rule, "namespace", "");
        if (ns_label.empty())
          return error{make_error_code(errc::unavailable),
                       "unable to construct query for external metric " + req.metric +
                           ": no generic resource label form specified for this metric"};
        matchers.push_back(ns_label + "=" + quote(req.namespace_name));
      }
      out.promql = render(rule, *series, matchers, "");
      return std::optional<built_query>(out);
    }
    const std::string resource = singular(req.resource);
    std::string label = label_for(rule, resource, group_of(resource));
    if (label.empty())
      return error{make_error_code(errc::unavailable), "unable to construct query for metric " + req.metric +
                                                           ": no label for resource \"" + req.resource + "\""};
    std::string ns_label = label_for(rule, "namespace", "");
    if (ns_label.empty())
      return error{make_error_code(errc::unavailable),
                   "unable to construct query for metric " + req.metric + ": no generic resource label form specified for this metric"};
    std::vector<std::string> all;
    all.push_back(req.names.size() == 1 ? label + "=" + quote(req.names[0]) : label + "=~" + quote(alternation(req.names)));
    all.push_back(ns_label + "=" + quote(req.namespace_name));
    all.insert(all.end(), matchers.begin(), matchers.end());
    out.promql = render(rule, *series, all, label);
    out.object_label = label;
    return std::optional<built_query>(out);
  }
  return std::optional<built_query>();
}

}  // namespace hayloft::orchestrator::scaling

#pragma GCC diagnostic pop
