#include "orchestrator/scaling/adapter.h"

#include <re2/re2.h>

#include <cctype>
#include <set>

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

// Go's regexp.Expand: "$1", "${1}", "$name", "${name}" (the longest run of letters, digits and
// '_'; all digits = a group number, without leading zeros), "$$" = "$"; a malformed reference
// leaves the '$' as text; an unknown or unmatched group expands to nothing. Letters are ASCII
// here (Go also takes Unicode letters).
std::string expand(std::string_view tmpl, const re2::RE2& re, const std::vector<re2::StringPiece>& groups) {
  std::string out;
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (!tmpl.empty()) {
    auto dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view str = tmpl;
    bool brace = !str.empty() && str[0] == '{';
    if (brace) str.remove_prefix(1);
    std::size_t i = 0;
    while (i < str.size() && word(str[i])) ++i;
    if (i == 0 || (brace && (i >= str.size() || str[i] != '}'))) {
      out += '$';
      continue;
    }
    std::string_view name = str.substr(0, i);
    tmpl = str.substr(i + (brace ? 1 : 0));
    long num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    if (num < 0) {
      const auto& named = re.NamedCapturingGroups();
      auto it = named.find(std::string(name));
      if (it == named.end()) continue;
      num = it->second;
    }
    if (static_cast<std::size_t>(num) < groups.size() && groups[static_cast<std::size_t>(num)].data() != nullptr)
      out.append(groups[static_cast<std::size_t>(num)].data(), groups[static_cast<std::size_t>(num)].size());
  }
  out.append(tmpl);
  return out;
}

result<std::shared_ptr<const re2::RE2>> compile(const std::string& pattern, const std::string& what) {
  if (pattern.size() > 64 * 1024) return bad(what + ": the expression is longer than 65536 bytes");
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(8 << 20);
  auto re = std::make_shared<const re2::RE2>(pattern, opts);
  if (!re->ok()) return bad(what + " \"" + pattern + "\": error parsing regexp: " + re->error());
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

result<std::shared_ptr<const adapter_regexes>> compile_rule(const adapter_rule& rule, const std::string& path) {
  auto out = std::make_shared<adapter_regexes>();
  auto name = compile(rule.name_matches, path + ".name.matches: unable to compile series name match expression");
  if (!name) return name.err();
  out->name = std::move(*name);
  for (const auto& f : rule.filters_is) {
    auto re = compile(f, path + ".seriesFilters: unable to compile series filter");
    if (!re) return re.err();
    out->is.push_back(std::move(*re));
  }
  for (const auto& f : rule.filters_is_not) {
    auto re = compile(f, path + ".seriesFilters: unable to compile series filter");
    if (!re) return re.err();
    out->is_not.push_back(std::move(*re));
  }
  return std::shared_ptr<const adapter_regexes>(std::move(out));
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
  auto compiled = compile_rule(out, path);
  if (!compiled) return compiled.err();
  out.compiled = std::move(*compiled);
  if (out.name_as.empty()) {
    const int groups = out.compiled->name->NumberOfCapturingGroups();
    if (groups == 0)
      out.name_as = "$0";
    else if (groups == 1)
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
  std::shared_ptr<const adapter_regexes> compiled = rule.compiled;
  if (!compiled) {
    auto c = compile_rule(rule, "rule");
    if (!c) return std::nullopt;
    compiled = std::move(*c);
  }
  const re2::StringPiece subject(series_name.data(), series_name.size());
  for (const auto& re : compiled->is)
    if (!re2::RE2::PartialMatch(subject, *re)) return std::nullopt;
  for (const auto& re : compiled->is_not)
    if (re2::RE2::PartialMatch(subject, *re)) return std::nullopt;
  const re2::RE2& name = *compiled->name;
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(name.NumberOfCapturingGroups()) + 1);
  if (!name.Match(subject, 0, subject.size(), re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())))
    return std::nullopt;
  return expand(rule.name_as, name, groups);
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

