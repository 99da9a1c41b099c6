#pragma once
// prometheus-adapter's rules, as hayloft applies them to the HPA's Pods, Object and External
// metrics (kubernetes-sigs/prometheus-adapter docs/config.md, pkg/naming):
//  - discovery: `seriesQuery` (series whose names are candidates) and `seriesFilters`
//    (`is` / `isNot` regexes on the name);
//  - association: `resources.overrides` (label -> resource) and `resources.template`
//    ("<<.Resource>>", "kube_<<.Group>>_<<.Resource>>"); `resources.namespaced` (default true)
//    for external rules;
//  - naming: `name.matches` (default ".*") and `name.as` (default "$0" without capture groups,
//    "$1" with one; required with more);
//  - querying: `metricsQuery`, a template over <<.Series>>, <<.LabelMatchers>> and <<.GroupBy>>.
// The configuration is the adapter's config.yaml, which users keep in a ConfigMap (the Helm
// chart's `<release>-prometheus-adapter` ConfigMap, key config.yaml): hayloft reads every
// ConfigMap whose config.yaml has `rules` or `externalRules`.
// Pure functions; any thread.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/result.h"
#include "orchestrator/interfaces.h"

namespace re2 {
class RE2;
}

namespace hayloft::orchestrator::scaling {

// A rule's regexes compiled by RE2 (Go's regexp syntax and leftmost-first semantics, as the
// adapter compiles them); shared by copies of a rule.
struct adapter_regexes {
  std::vector<std::shared_ptr<const re2::RE2>> is, is_not;
  std::shared_ptr<const re2::RE2> name;
};

struct adapter_rule {
  std::string series_query;
  std::vector<std::string> filters_is;
  std::vector<std::string> filters_is_not;
  std::map<std::string, std::string> overrides;  // label -> resource ("namespace", "pod", "service", ...)
  std::string resource_template;                 // "" or e.g. "<<.Resource>>"
  bool namespaced = true;
  std::string name_matches = ".*";
  std::string name_as;  // "" = the default for the capture groups
  std::string metrics_query;
  std::shared_ptr<const adapter_regexes> compiled;  // set by parse_adapter_config; compiled on use when null
};

struct adapter_config {
  std::vector<adapter_rule> rules;           // custom metrics: Pods and Object
  std::vector<adapter_rule> external_rules;  // external metrics
};

// True when a document (config.yaml parsed) is a prometheus-adapter configuration.
bool is_adapter_config(const nlohmann::json& doc);
// Parses it; an error names the rule and field at fault (bad regex, missing metricsQuery, `as`
// missing with several capture groups).
result<adapter_config> parse_adapter_config(const nlohmann::json& doc);

// One metric request, as the HPA makes it through the custom/external metrics APIs.
struct metric_request {
  std::string metric;          // the API name ("http_requests_per_second")
  std::string namespace_name;  // the HPA's namespace
  std::string resource;        // "pods", "services", "deployments"... ; "" for an external metric
  std::vector<std::string> names;  // the objects asked for (pods of the target; one object)
  label_set selector;              // metric.selector.matchLabels
};

// A query ready to run, and the label that maps its elements back to the objects asked for
// ("" for external metrics, whose elements are summed).
struct built_query {
  std::string promql;
  std::string object_label;
};

// Series names that a seriesQuery finds (the app runs it against the series store).
using series_lookup = std::function<result<std::vector<std::string>>(const std::string& series_query)>;

// The query for `req` from the first rule that exposes `req.metric` (among `rules` or
// `external_rules`), or nullopt when no rule does. An error when the matching rule cannot
// build it (no label for the resource, as the adapter answers).
result<std::optional<built_query>> build_adapter_query(const adapter_config& cfg, const metric_request& req,
                                                       const series_lookup& lookup);

// The API name a rule gives a series name, or nullopt when the rule's name pattern (or filters)
// do not match it.
std::optional<std::string> adapter_metric_name(const adapter_rule& rule, const std::string& series_name);

}  // namespace hayloft::orchestrator::scaling
