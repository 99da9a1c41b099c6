#include "orchestrator/scaling/triggers.h"

#include <cctype>
#include <cmath>

#include "orchestrator/errc.h"
#include "orchestrator/objects/quantity.h"

namespace hayloft::orchestrator::scaling {
namespace {

error bad(std::string msg) { return error{make_error_code(errc::invalid), std::move(msg)}; }

const std::string* find(const string_map& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

result<bool> parse_bool(const std::string& key, const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE" || s == "1" || s == "t" || s == "T") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "0" || s == "f" || s == "F") return false;
  return bad("error parsing " + key + ": strconv.ParseBool: parsing \"" + s + "\": invalid syntax");
}

result<std::int64_t> parse_int_milli(const std::string& key, const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i == s.size()) return bad("error parsing " + key + ": strconv.ParseInt: parsing \"" + s + "\": invalid syntax");
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return bad("error parsing " + key + ": strconv.ParseInt: parsing \"" + s + "\": invalid syntax");
  return std::stoll(s) * 1000;
}

result<std::int64_t> parse_float_milli(const std::string& key, const std::string& s) {
  auto v = objects::parse_milli(s);
  if (!v) return bad("error parsing " + key + ": strconv.ParseFloat: parsing \"" + s + "\": invalid syntax");
  return *v;
}

}  // namespace

std::string normalize_metric_string(const std::string& s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-');
  }
  return out;
}

std::string external_metric_name(std::size_t trigger_index, const std::string& base) {
  return "s" + std::to_string(trigger_index) + "-" + base;
}

result<sqs_trigger> parse_sqs_trigger(const objects::trigger_spec& t, const string_map& env, const string_map& auth) {
  sqs_trigger out;
  const auto& md = t.metadata;
  if (auto* v = find(md, "queueURL"); v && !v->empty()) {
    out.queue_url = *v;
  } else if (auto* e = find(md, "queueURLFromEnv"); e && !e->empty()) {
    auto* resolved = find(env, *e);
    if (!resolved) return bad("error parsing SQS queue metadata: queueURLFromEnv: no environment variable " + *e);
    out.queue_url = *resolved;
  } else {
    return bad("error parsing SQS queue metadata: no queueURL given");
  }
  // url.ParseRequestURI: an absolute URL's path must be /<account>/<queue>; anything else is
  // taken as the queue name itself.
  const std::string& url = out.queue_url;
  auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    auto path_start = url.find('/', scheme + 3);
    std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos <= path.size()) {
      auto next = path.find('/', pos);
      if (next == std::string::npos) next = path.size();
      parts.push_back(path.substr(pos, next - pos));
      pos = next + 1;
    }
    if (parts.size() != 3 || parts[2].empty())
      return bad("error parsing SQS queue metadata: cannot get queueName from queueURL");
    out.queue_name = parts[2];
  } else {
    out.queue_name = url;
  }
  if (auto* v = find(md, "queueLength"); v && !v->empty()) {
    auto q = parse_int_milli("queueLength", *v);
    if (!q) return q.err();
    out.queue_length_milli = *q;
  }
  if (out.queue_length_milli <= 0) return bad("error parsing SQS queue metadata: queueLength must be positive");
  if (auto* v = find(md, "activationQueueLength"); v && !v->empty()) {
    auto q = parse_int_milli("activationQueueLength", *v);
    if (!q) return q.err();
    out.activation_milli = *q;
  }
  if (auto* v = find(md, "scaleOnInFlight"); v && !v->empty()) {
    auto b = parse_bool("scaleOnInFlight", *v);
    if (!b) return b.err();
    out.scale_on_in_flight = *b;
  }
  if (auto* v = find(md, "scaleOnDelayed"); v && !v->empty()) {
    auto b = parse_bool("scaleOnDelayed", *v);
    if (!b) return b.err();
    out.scale_on_delayed = *b;
  }
  if (auto* v = find(md, "awsRegion")) out.region = *v;
  else if (auto* a = find(auth, "awsRegion")) out.region = *a;
  if (out.region.empty()) return bad("error parsing SQS queue metadata: no awsRegion given");
  if (auto* v = find(md, "awsEndpoint")) out.endpoint = *v;
  if (auto* v = find(md, "identityOwner")) out.operator_identity = *v == "operator";
  if (auto* a = find(auth, "awsAccessKeyID")) out.access_key_id = *a;
  if (auto* a = find(auth, "awsSecretAccessKey")) out.secret_access_key = *a;
  if (auto* e = find(md, "awsAccessKeyIDFromEnv"); e && out.access_key_id.empty())
    if (auto* v = find(env, *e)) out.access_key_id = *v;
  if (auto* e = find(md, "awsSecretAccessKeyFromEnv"); e && out.secret_access_key.empty())
    if (auto* v = find(env, *e)) out.secret_access_key = *v;
  return out;
}

std::int64_t sqs_queue_length(const sqs_trigger& t, const queue_counts& c) {
  std::int64_t n = c.visible;
  if (t.scale_on_in_flight) n += c.not_visible;
  if (t.scale_on_delayed) n += c.delayed;
  return n;
}

result<cpu_trigger> parse_cpu_trigger(const objects::trigger_spec& t) {
  cpu_trigger out;
  out.metric_type = t.metric_type;
  if (auto* type = find(t.metadata, "type")) out.metric_type = *type;  // deprecated metadata.type
  if (out.metric_type != "Utilization" && out.metric_type != "AverageValue")
    return bad("error parsing cpu metadata: unsupported metricType " + out.metric_type);
  auto* v = find(t.metadata, "value");
  if (!v) return bad("error parsing cpu metadata: no value given");
  auto q = parse_float_milli("value", *v);
  if (!q) return q.err();
  out.value_milli = *q;
  if (auto* c = find(t.metadata, "containerName")) out.container_name = *c;
  return out;
}

result<prometheus_trigger> parse_prometheus_trigger(const objects::trigger_spec& t) {
  // NewPrometheusScaler and parsePrometheusMetadata both wrap TypedConfig's error.
  auto missing = [](const char* name) {
    return bad(std::string("error parsing prometheus metadata: error parsing prometheus metadata: missing required parameter \"") +
               name + "\" in [triggerMetadata]");
  };
  prometheus_trigger out;
  auto* addr = find(t.metadata, "serverAddress");
  if (!addr || addr->empty()) return missing("serverAddress");
  out.server_address = *addr;
  auto* q = find(t.metadata, "query");
  if (!q || q->empty()) return missing("query");
  out.query = *q;
  auto* th = find(t.metadata, "threshold");
  if (!th || th->empty()) return missing("threshold");
  auto threshold = parse_float_milli("threshold", *th);
  if (!threshold) return threshold.err();
  out.threshold_milli = *threshold;
  if (auto* a = find(t.metadata, "activationThreshold"); a && !a->empty()) {
    auto act = parse_float_milli("activationThreshold", *a);
    if (!act) return act.err();
    out.activation_milli = *act;
  }
  if (auto* n = find(t.metadata, "ignoreNullValues"); n && !n->empty()) {
    auto b = parse_bool("ignoreNullValues", *n);
    if (!b) return b.err();
    out.ignore_null_values = *b;
  }
  return out;
}

result<double> prometheus_value(const prometheus_trigger& t, const std::vector<metric_sample>& elements) {
  if (elements.empty()) {
    if (t.ignore_null_values) return 0.0;
    return error{make_error_code(errc::unavailable), "prometheus metrics 'prometheus' target may be lost, the result is empty"};
  }
  if (elements.size() > 1)
    return error{make_error_code(errc::unavailable), "prometheus query " + t.query + " returned multiple elements"};
  const double v = elements[0].value;
  if (std::isinf(v) || std::isnan(v)) {
    if (t.ignore_null_values) return 0.0;
    // Go's %f: +Inf, -Inf, NaN.
    return error{make_error_code(errc::unavailable),
                 std::string("prometheus query returns ") + (std::isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf")};
  }
  return v;
}

}  // namespace hayloft::orchestrator::scaling
