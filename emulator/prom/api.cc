#include "emulator/prom/api.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <set>

#include "emulator/prom/errc.h"
#include "emulator/prom/exposition.h"
#include "emulator/prom/json_format.h"
#include "emulator/prom/promql_parser.h"
#include "emulator/prom/scraper.h"

namespace hayloft::prom {
namespace {

// Prometheus' minTime/maxTime: the defaults for series and label listings.
constexpr std::int64_t min_time_ms = std::numeric_limits<std::int64_t>::min() / 2;
constexpr std::int64_t max_time_ms = std::numeric_limits<std::int64_t>::max() / 2;

struct api_error {
  unsigned status;
  std::string type;
  std::string message;
};

api_error bad_data(std::string msg) { return {400, "bad_data", std::move(msg)}; }

api_error from_error(const error& e) {
  if (e.code == make_error_code(errc::execution)) return {422, "execution", e.message};
  return bad_data(e.message);
}

core::response json_response(unsigned status, std::string body) {
  core::response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

core::response success(const std::string& data) {
  return json_response(200, "{\"status\":\"success\",\"data\":" + data + "}");
}

core::response failure(const api_error& e) {
  return json_response(e.status, "{\"status\":\"error\",\"errorType\":" + json_string(e.type) +
                                     ",\"error\":" + json_string(e.message) + "}");
}

class params {
 public:
  explicit params(const core::request& req) {
    all_ = req.query;
    auto ct = req.header("Content-Type");
    if (req.method == "POST" && ct && core::to_lower(*ct).find("application/x-www-form-urlencoded") != std::string::npos) {
      core::query_params form;
      if (core::parse_query(req.body_text(), form, true)) {
        // Go's Request.Form lists body values before URL values.
        form.insert(form.end(), all_.begin(), all_.end());
        all_ = std::move(form);
      }
    }
  }
  const std::string* get(std::string_view name) const {
    for (const auto& [k, v] : all_)
      if (k == name) return &v;
    return nullptr;
  }
  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : all_)
      if (k == name) out.push_back(v);
    return out;
  }

 private:
  core::query_params all_;
};

// parseTime in web/api/v1/api.go: float seconds (rounded to ms) or RFC 3339.
result<std::int64_t> parse_time(const std::string& s) {
  if (auto f = parse_prom_float(s); f && std::isfinite(*f)) {
    double whole = std::trunc(*f);
    double frac = std::round((*f - whole) * 1000) / 1000;
    if (std::fabs(whole) < 9e15) return static_cast<std::int64_t>(whole) * 1000 + static_cast<std::int64_t>(std::llround(frac * 1000));
  }
  core::time_point tp;
  if (!s.empty() && s.find('T') != std::string::npos && core::parse_iso8601(s, tp)) return core::to_unix_ms(tp);
  return error{make_error_code(errc::bad_data), "cannot parse \"" + s + "\" to a valid timestamp"};
}

// parseDuration in web/api/v1/api.go: float seconds or a Prometheus duration.
result<std::int64_t> parse_step(const std::string& s) {
  if (auto f = parse_prom_float(s); f && std::isfinite(*f)) {
    double ms = *f * 1000;
    if (ms > 9e18 || ms < -9e18)
      return error{make_error_code(errc::bad_data), "cannot parse \"" + s + "\" to a valid duration. It overflows int64"};
    return static_cast<std::int64_t>(ms);
  }
  if (auto d = parse_prom_duration(s); d) return *d;
  return error{make_error_code(errc::bad_data), "cannot parse \"" + s + "\" to a valid duration"};
}

result<std::int64_t> time_param(const params& p, const char* name, std::int64_t fallback) {
  const std::string* v = p.get(name);
  if (!v || v->empty()) return fallback;
  auto t = parse_time(*v);
  if (!t) return error{t.err().code, "invalid parameter \"" + std::string(name) + "\": " + t.err().message};
  return t;
}

std::string metric_json(const labels& l) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : l) {
    if (!first) out.push_back(',');
    first = false;
    out += json_string(k) + ":" + json_string(v);
  }
  out.push_back('}');
  return out;
}

std::string sample_pair(std::int64_t t, double v) {
  return "[" + format_timestamp(t) + "," + json_string(format_value(v)) + "]";
}

std::string matrix_json(const std::vector<series_data>& m) {
  std::string out = "[";
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (i) out.push_back(',');
    out += "{\"metric\":" + metric_json(m[i].metric) + ",\"values\":[";
    for (std::size_t j = 0; j < m[i].points.size(); ++j) {
      if (j) out.push_back(',');
      out += sample_pair(m[i].points[j].t, m[i].points[j].v);
    }
    out += "]}";
  }
  out.push_back(']');
  return out;
}

std::string strings_json(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    out += json_string(v[i]);
  }
  out.push_back(']');
  return out;
}

result<std::vector<std::vector<matcher>>> match_params(const params& p) {
  std::vector<std::vector<matcher>> out;
  for (const auto& m : p.all("match[]")) {
    auto sel = parse_selector(m);
    if (!sel) return error{sel.err().code, "invalid parameter \"match[]\": " + sel.err().message};
    out.push_back(std::move(*sel));
  }
  return out;
}

}  // namespace

api_handler::api_handler(const series_store& store, core::clock& clock, core::task_runner* runner,
                         const scraper* targets, eval_options opts)
    : store_(store), clock_(clock), runner_(runner), scraper_(targets), opts_(opts) {}

void api_handler::handle(core::request req, core::completion done) {
  if (!runner_) {
    done(serve(req));
    return;
  }
  // std::function needs a copyable callable; the request (with its body file) is move-only.
  auto shared = std::make_shared<core::request>(std::move(req));
  runner_->post([this, shared, done = std::move(done)] { done(serve(*shared)); });
}

core::response api_handler::render_error(const core::request&, const core::aws_error& err) const {
  return failure({err.status, "bad_data", err.message});
}

core::response api_handler::serve(const core::request& req) const {
  constexpr std::string_view prefix = "/api/v1/";
  if (!req.path.starts_with(prefix)) return failure({404, "not_found", "unknown API endpoint " + req.path});
  const std::string_view endpoint = std::string_view(req.path).substr(prefix.size());
  if (req.method != "GET" && req.method != "POST")
    return failure({405, "bad_data", "method " + req.method + " not allowed for " + req.path});
  const params p(req);
  const std::int64_t now = core::to_unix_ms(clock_.now());
  evaluator ev(store_, opts_);

  if (endpoint == "query") {
    auto t = time_param(p, "time", now);
    if (!t) return failure(bad_data(t.err().message));
    const std::string* q = p.get("query");
    auto e = parse_promql(q ? *q : "");
    if (!e) return failure(bad_data("invalid parameter \"query\": " + e.err().message));
    auto v = ev.instant(**e, *t);
    if (!v) return failure(from_error(v.err()));
    std::string result;
    switch (v->type) {
      case value_type::scalar: result = sample_pair(*t, v->scalar); break;
      case value_type::string: result = "[" + format_timestamp(*t) + "," + json_string(v->string) + "]"; break;
      case value_type::matrix: result = matrix_json(v->matrix); break;
      case value_type::vector: {
        result = "[";
        for (std::size_t i = 0; i < v->vector.size(); ++i) {
          if (i) result.push_back(',');
          result += "{\"metric\":" + metric_json(v->vector[i].metric) + ",\"value\":" + sample_pair(*t, v->vector[i].v) + "}";
        }
        result.push_back(']');
        break;
      }
    }
    return success("{\"resultType\":" + json_string(value_type_name(v->type)) + ",\"result\":" + result + "}");
  }

  if (endpoint == "query_range") {
    auto start = parse_time(p.get("start") ? *p.get("start") : "");
    if (!start) return failure(bad_data("invalid parameter \"start\": " + start.err().message));
    auto end = parse_time(p.get("end") ? *p.get("end") : "");
    if (!end) return failure(bad_data("invalid parameter \"end\": " + end.err().message));
    if (*end < *start) return failure(bad_data("end timestamp must not be before start time"));
    auto step = parse_step(p.get("step") ? *p.get("step") : "");
    if (!step) return failure(bad_data("invalid parameter \"step\": " + step.err().message));
    if (*step <= 0)
      return failure(bad_data("zero or negative query resolution step widths are not accepted. Try a positive integer"));
    if ((*end - *start) / *step > opts_.max_points_per_series)
      return failure(bad_data(
          "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"));
    const std::string* q = p.get("query");
    auto e = parse_promql(q ? *q : "");
    if (!e) return failure(bad_data("invalid parameter \"query\": " + e.err().message));
    auto m = ev.range(**e, *start, *end, *step);
    if (!m) return failure(from_error(m.err()));
    return success("{\"resultType\":\"matrix\",\"result\":" + matrix_json(*m) + "}");
  }

  auto start = time_param(p, "start", min_time_ms);
  if (!start) return failure(bad_data(start.err().message));
  auto end = time_param(p, "end", max_time_ms);
  if (!end) return failure(bad_data(end.err().message));
  auto matches = match_params(p);
  if (!matches) return failure(bad_data(matches.err().message));

  if (endpoint == "series") {
    if (matches->empty()) return failure(bad_data("no match[] parameter provided"));
    auto found = store_.series(*matches, *start, *end);
    std::string out = "[";
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (i) out.push_back(',');
      out += metric_json(found[i]);
    }
    out.push_back(']');
    return success(out);
  }

  if (endpoint == "labels") {
    std::set<std::string> names;
    for (const auto& l : store_.series(*matches, *start, *end))
      for (const auto& [k, v] : l) names.insert(k);
    return success(strings_json({names.begin(), names.end()}));
  }

  if (endpoint.starts_with("label/") && endpoint.ends_with("/values")) {
    std::string name(endpoint.substr(6, endpoint.size() - 6 - 7));
    if (!valid_label_name(name)) return failure(bad_data("invalid label name: \"" + name + "\""));
    std::set<std::string> values;
    for (const auto& l : store_.series(*matches, *start, *end))
      if (auto v = l.get(name); !v.empty()) values.emplace(v);
    return success(strings_json({values.begin(), values.end()}));
  }

  if (endpoint == "targets" && scraper_) {
    std::string out = "{\"activeTargets\":[";
    bool first = true;
    for (const auto& t : scraper_->targets()) {
      if (!first) out.push_back(',');
      first = false;
      out += "{\"labels\":" + metric_json(t.target.target_labels) + ",\"scrapeUrl\":" + json_string(t.target.url) +
             ",\"health\":" + json_string(t.health) + ",\"lastError\":" + json_string(t.last_error) +
             ",\"lastScrape\":" + json_string(t.last_scrape_ms ? core::iso8601(core::from_unix_ms(t.last_scrape_ms)) : "") +
             ",\"lastScrapeDuration\":" + format_value(t.last_duration_seconds) +
             ",\"scrapeInterval\":" + json_string(std::to_string(t.target.interval.count()) + "ms") + "}";
    }
    out += "],\"droppedTargets\":[]}";
    return success(out);
  }

  return failure({404, "not_found", "unknown API endpoint " + req.path});
}

}  // namespace hayloft::prom
