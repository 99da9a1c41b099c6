// Bucket CORS: Get/Put/DeleteBucketCors, the preflight (OPTIONS on a bucket or object) and the
// CORS headers of actual requests that carry Origin (cors_headers_for, called by service::handle
// before routing, so the answer of any operation, errors included, carries them).
#include "s3/api/cors.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += i;
  }
  return out;
}

// The headers S3 adds for a rule that matched; `allowed_headers` is what a preflight asked for.
core::header_map headers_for(const cors_rule& rule, std::string_view origin, const std::vector<std::string>& asked) {
  core::header_map h;
  bool any_origin = std::find(rule.origins.begin(), rule.origins.end(), "*") != rule.origins.end();
  h.add("Access-Control-Allow-Origin", any_origin ? "*" : std::string(origin));
  h.add("Access-Control-Allow-Methods", join(rule.methods));
  if (!asked.empty()) h.add("Access-Control-Allow-Headers", join(asked));
  if (!rule.expose_headers.empty()) h.add("Access-Control-Expose-Headers", join(rule.expose_headers));
  if (rule.max_age_seconds) h.add("Access-Control-Max-Age", std::to_string(*rule.max_age_seconds));
  if (!any_origin) h.add("Access-Control-Allow-Credentials", "true");
  h.add("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  return h;
}

result<std::optional<cors_configuration>> bucket_cors(engine& e, std::string_view bucket) {
  auto b = e.cached_bucket(bucket);
  if (!b.ok()) return b.err();
  if (!*b) return fail(errc::no_such_bucket);
  const auto& stored = (*b)->doc(bucket_doc::cors);
  if (stored.empty()) return std::optional<cors_configuration>{};
  auto c = parse_cors_configuration(stored);
  if (!c.ok()) return c.err();
  return std::optional<cors_configuration>(std::move(*c));
}

}  // namespace

void get_bucket_cors(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& stored = b->doc(bucket_doc::cors);
  if (stored.empty()) return e.reply_error(*c, fail(errc::no_such_cors_configuration));
  e.reply(*c, xml_response(stored));
}

void put_bucket_cors(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto config = parse_cors_configuration(*body);
  if (!config.ok()) return e.reply_error(*c, config.err());
  store_bucket_doc(e, c, bucket_doc::cors, render_cors_configuration(*config), 200);
}

void delete_bucket_cors(engine& e, call_ptr c) { store_bucket_doc(e, c, bucket_doc::cors, {}, 204); }

void cors_preflight(engine& e, call_ptr c) {
  const auto& req = c->req;
  auto origin = req.headers.get("origin");
  if (!origin) return e.reply_error(*c, fail(errc::bad_request, "Insufficient information. Origin request header needed."));
  auto method = req.headers.get("access-control-request-method");
  if (!method || !(*method == "GET" || *method == "PUT" || *method == "HEAD" || *method == "POST" || *method == "DELETE"))
    return e.reply_error(*c, fail(errc::bad_request, "Invalid Access-Control-Request-Method: " +
                                                          std::string(method.value_or(""))));
  auto config = bucket_cors(e, c->addr.bucket);
  if (!config.ok()) {
    if (to_errc(config.err().code) == errc::no_such_bucket)
      return e.reply_error(*c, fail(errc::access_forbidden, "CORSResponse: Bucket not found"));
    return e.reply_error(*c, config.err());
  }
  if (!*config) return e.reply_error(*c, fail(errc::access_forbidden, "CORSResponse: CORS is not enabled for this bucket."));
  auto asked = split_header_list(req.headers.value_or("access-control-request-headers", ""));
  const auto* rule = match_cors(**config, *origin, *method, asked);
  if (!rule)
    return e.reply_error(*c, fail(errc::access_forbidden,
                                  "CORSResponse: This CORS request is not allowed. This is usually because the "
                                  "evalution of Origin, request method / Access-Control-Request-Method or "
                                  "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."));
  core::response r;
  for (auto& [k, v] : headers_for(*rule, *origin, asked)) r.headers.add(k, v);
  e.reply(*c, std::move(r));
}

core::header_map cors_headers_for(engine& e, const call& c) {
  auto origin = c.req.headers.get("origin");
  if (!origin || c.addr.bucket.empty()) return {};
  auto config = bucket_cors(e, c.addr.bucket);
  if (!config.ok() || !*config) return {};
  const auto* rule = match_cors(**config, *origin, c.req.method, {});
  if (!rule) return {};
  return headers_for(*rule, *origin, {});
}

}  // namespace hayloft::s3::detail
