// The static website endpoint ({bucket}.s3-website.localhost, or s3-website.localhost/{bucket}):
// GET and HEAD served from the bucket's WebsiteConfiguration as S3's website endpoint serves
// them: index documents for "folders", a 302 to "key/" when only "key/index" exists, routing
// rules, RedirectAllRequestsTo, x-amz-website-redirect-location, and the error document (or an
// HTML error page). Objects are read through GetObject with a request of our own, so ranges and
// conditional headers behave as on the REST endpoint.
#include <pugixml.hpp>

#include "s3/api/xml_writer.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

struct routing_rule {
  std::string prefix, error_code;                              // conditions
  std::string protocol, host, replace_prefix, replace_key, code;  // redirect
};

struct website {
  std::string redirect_host, redirect_protocol;
  std::string index, error_key;
  std::vector<routing_rule> rules;
};

website load_website(std::string_view stored) {
  website w;
  pugi::xml_document doc;
  if (!parse_xml(stored, doc)) return w;
  auto root = doc.document_element();
  if (auto all = find_child(root, "RedirectAllRequestsTo")) {
    w.redirect_host = child_text(all, "HostName");
    w.redirect_protocol = child_text(all, "Protocol");
  }
  w.index = child_text(find_child(root, "IndexDocument"), "Suffix");
  w.error_key = child_text(find_child(root, "ErrorDocument"), "Key");
  for (auto r : find_child(root, "RoutingRules").children()) {
    if (r.type() != pugi::node_element) continue;
    auto cond = find_child(r, "Condition");
    auto red = find_child(r, "Redirect");
    w.rules.push_back({child_text(cond, "KeyPrefixEquals"), child_text(cond, "HttpErrorCodeReturnedEquals"),
                       child_text(red, "Protocol"), child_text(red, "HostName"), child_text(red, "ReplaceKeyPrefixWith"),
                       child_text(red, "ReplaceKeyWith"), child_text(red, "HttpRedirectCode")});
  }
  return w;
}

core::response html_error(unsigned status, std::string_view code, std::string_view message, const call& c) {
  core::response r;
  r.status = status;
  r.headers.add("Content-Type", "text/html; charset=utf-8");
  if (c.head) return r;
  auto esc = [](std::string_view s) {
    std::string o;
    for (char ch : s) {
      if (ch == '<') o += "&lt;";
      else if (ch == '>') o += "&gt;";
      else if (ch == '&') o += "&amp;";
      else if (ch == '"') o += "&quot;";
      else o.push_back(ch);
    }
    return o;
  };
  std::string title = std::to_string(status) + (status == 404 ? " Not Found" : status == 403 ? " Forbidden" : " Error");
  r.body = "<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title + "</h1>\n<ul>\n<li>Code: " +
           esc(code) + "</li>\n<li>Message: " + esc(message) + "</li>\n" +
           (c.addr.key.empty() ? "" : "<li>Key: " + esc(c.addr.key) + "</li>\n") + "<li>RequestId: " + c.request_id +
           "</li>\n</ul>\n<hr/>\n</body>\n</html>\n";
  return r;
}

// The part of a Location before the key: "/" on the bucket's own host, "/{bucket}/" path style.
std::string base_of(const call& c) { return c.addr.virtual_host ? "/" : "/" + c.addr.bucket + "/"; }

core::response redirect(const call& c, const routing_rule& rule, std::string_view key) {
  std::string target;
  if (!rule.replace_key.empty()) target = rule.replace_key;
  else if (!rule.replace_prefix.empty() || !rule.prefix.empty())
    target = rule.replace_prefix + std::string(key.substr(std::min(key.size(), rule.prefix.size())));
  else target = std::string(key);
  core::response r;
  r.status = rule.code.empty() ? 301 : static_cast<unsigned>(std::stoi(rule.code));
  std::string location;
  if (!rule.host.empty()) location = (rule.protocol.empty() ? "http" : rule.protocol) + "://" + rule.host + "/" + target;
  else location = base_of(c) + target;
  r.headers.add("Location", location);
  return r;
}

// GET/HEAD of `key` through GetObject; `then` gets its answer.
void read_object(engine& e, const call& c, const std::string& key, core::completion then) {
  core::request r;
  r.method = c.req.method;
  r.path = "/" + c.addr.bucket + "/" + key;
  r.raw_path = "/" + c.addr.bucket + "/" + core::url_encode(key, true);
  r.target = r.raw_path;
  for (const auto& [k, v] : c.req.headers)
    if (!core::iequals(k, "host")) r.headers.add(k, v);
  r.headers.add("Host", "localhost");
  r.request_id = c.request_id;
  r.remote = c.req.remote;
  auto sub = make_call(e, std::move(r), std::move(then));
  get_object(e, sub);
}

void strip_ids(core::response& r) {
  r.headers.erase("x-amz-request-id");
  r.headers.erase("x-amz-id-2");
}

}  // namespace

void website_get(engine& e, call_ptr c) {
  if (c->req.method != "GET" && c->req.method != "HEAD")
    return e.reply(*c, html_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", *c));
  auto b = e.cached_bucket(c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  if (!*b) return e.reply(*c, html_error(404, "NoSuchBucket", "The specified bucket does not exist", *c));
  const auto& stored = (*b)->doc(bucket_doc::website);
  if (stored.empty())
    return e.reply(*c, html_error(404, "NoSuchWebsiteConfiguration",
                                  "The specified bucket does not have a website configuration", *c));
  auto site = std::make_shared<website>(load_website(stored));
  const std::string key = c->addr.key;
  if (!site->redirect_host.empty()) {
    core::response r;
    r.status = 301;
    r.headers.add("Location", (site->redirect_protocol.empty() ? "http" : site->redirect_protocol) + "://" +
                                  site->redirect_host + "/" + key);
    return e.reply(*c, std::move(r));
  }
  for (const auto& rule : site->rules)
    if (rule.error_code.empty() && key.starts_with(rule.prefix)) return e.reply(*c, redirect(*c, rule, key));
  std::string lookup = key.empty() || key.ends_with('/') ? key + site->index : key;
  read_object(e, *c, lookup, [&e, c, site, key](core::response r) {
    strip_ids(r);
    if (r.status < 400) {
      if (auto to = r.headers.get("x-amz-website-redirect-location")) {
        core::response red;
        red.status = 301;
        red.headers.add("Location", std::string(*to));
        return e.reply(*c, std::move(red));
      }
      return e.reply(*c, std::move(r));
    }
    for (const auto& rule : site->rules)
      if (rule.error_code == std::to_string(r.status) && key.starts_with(rule.prefix))
        return e.reply(*c, redirect(*c, rule, key));
    if (r.status == 404 && !key.empty() && !key.ends_with('/')) {
      // "docs" answered by "docs/index.html": S3 redirects to the folder.
      auto reader = e.store.reader();
      auto folder = find_object(*reader, c->addr.bucket, key + "/" + site->index, false);
      if (folder.ok() && *folder && !(*folder)->delete_marker) {
        core::response red;
        red.status = 302;
        red.headers.add("Location", base_of(*c) + key + "/");
        return e.reply(*c, std::move(red));
      }
    }
    unsigned status = r.status == 404 || r.status == 403 ? r.status : 404;
    if (site->error_key.empty() || r.status >= 500)
      return e.reply(*c, html_error(status, status == 404 ? "NoSuchKey" : "AccessDenied",
                                    status == 404 ? "The specified key does not exist." : "Access Denied", *c));
    read_object(e, *c, site->error_key, [&e, c, status](core::response doc) {
      strip_ids(doc);
      if (doc.status != 200)
        return e.reply(*c, html_error(status, "NoSuchKey", "The specified key does not exist.", *c));
      doc.status = status;
      e.reply(*c, std::move(doc));
    });
  });
}

}  // namespace hayloft::s3::detail
