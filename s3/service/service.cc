#include "s3/service/service.h"

#include <future>

#include "emulator/core/ids.h"

#include "s3/service/engine.h"
#include "s3/service/object_headers.h"

namespace hayloft::s3 {
namespace {

using detail::call_ptr;

struct sync_outcome {
  core::response response;
  std::optional<hayloft::error> error;
};

// Runs one request through the same code the HTTP edge uses and waits for its answer.
sync_outcome run(detail::engine& e, core::request req) {
  std::promise<core::response> p;
  auto f = p.get_future();
  auto c = detail::make_call(e, std::move(req), [&p](core::response r) { p.set_value(std::move(r)); });
  detail::route(e, c);
  auto resp = f.get();
  return {std::move(resp), c->error};
}

core::request make_request(std::string method, std::string_view bucket, std::string_view key) {
  core::request req;
  req.method = std::move(method);
  req.path = "/" + std::string(bucket);
  if (!key.empty()) req.path += "/" + std::string(key);
  req.raw_path = "/" + std::string(bucket) + (key.empty() ? "" : "/" + core::url_encode(key, true));
  req.target = req.raw_path;
  return req;
}

object_info info_from(std::string_view bucket, std::string_view key, const core::response& r) {
  object_info info;
  info.bucket = std::string(bucket);
  info.key = std::string(key);
  for (const auto& [name, value] : r.headers) {
    if (core::iequals(name, "ETag")) info.etag = value;
    else if (core::iequals(name, "Content-Type")) info.content_type = value;
    else if (core::iequals(name, "Last-Modified")) (void)core::parse_http_date(value, info.last_modified);
    else if (name.size() > 11 && core::iequals(std::string_view(name).substr(0, 11), "x-amz-meta-"))
      info.metadata.emplace_back(name.substr(11), value);
  }
  if (r.head_length) info.size = *r.head_length;
  else if (r.file) info.size = r.file->length;
  else info.size = r.body.size();
  return info;
}

}  // namespace

service::service(hayloft::store::state_store& store, core::clock& clock, core::task_runner& blocking, options opts)
    : engine_(std::make_unique<detail::engine>(store, clock, blocking, std::move(opts))) {}

service::~service() = default;

void service::handle(core::request req, core::completion done) {
  auto c = detail::make_call(*engine_, std::move(req), std::move(done));
  // A browser's actual request (Origin, not a preflight): every answer carries the CORS headers
  // of the bucket's matching rule. Requests without Origin pay one header lookup.
  if (c->req.method != "OPTIONS" && c->req.headers.has("origin")) {
    auto cors = detail::cors_headers_for(*engine_, *c);
    if (cors.size() > 0) {
      c->done = [cors = std::move(cors), done = std::move(c->done)](core::response r) {
        for (const auto& [k, v] : cors) r.headers.add(k, v);
        done(std::move(r));
      };
    }
  }
  if (engine_->opts.evaluate_access) {
    if (auto allowed = detail::authorize(*engine_, *c, detail::operation_name(c->req)); !allowed.ok())
      return engine_->reply_error(*c, allowed.err());
  }
  detail::route(*engine_, c);
}

core::response service::render_error(const core::request& req, const core::aws_error& err) const {
  detail::call c;
  c.req.method = req.method;
  c.req.raw_path = req.raw_path;
  c.req.query = req.query;
  c.request_id = req.request_id.empty() ? core::request_id() : req.request_id;
  c.host_id = core::base64_encode(c.request_id + "/hayloft");
  c.head = req.method == "HEAD";
  c.addr = resolve_address(req);
  core::response r;
  r.status = err.status;
  if (!c.head) {
    r.headers.add("Content-Type", "application/xml");
    r.body = render_error_xml(err.code, err.message, {}, req.raw_path, c.request_id, c.host_id);
  }
  r.headers.add("x-amz-request-id", c.request_id);
  r.headers.add("x-amz-id-2", c.host_id);
  return r;
}

result<void> service::create_bucket(std::string_view bucket, std::string_view region) {
  auto req = make_request("PUT", bucket, {});
  if (!region.empty() && region != "us-east-1")
    req.body = "<CreateBucketConfiguration><LocationConstraint>" + std::string(region) +
               "</LocationConstraint></CreateBucketConfiguration>";
  req.headers.add("Content-Length", std::to_string(req.body.size()));
  auto out = run(*engine_, std::move(req));
  if (out.error) return *out.error;
  return {};
}

result<std::vector<bucket_entry>> service::list_buckets() {
  auto reader = engine_->store.reader();
  auto rows = list_bucket_rows(*reader);
  if (!rows.ok()) return rows.err();
  std::vector<bucket_entry> out;
  for (auto& b : *rows) out.push_back({b.name, core::from_unix_ms(b.created_ms), b.region});
  return out;
}

std::string_view service::operation_of(const core::request& req) { return detail::operation_name(req); }

result<std::vector<service::bucket_usage>> service::usage() {
  auto reader = engine_->store.reader();
  auto rows = list_bucket_rows(*reader);
  if (!rows.ok()) return rows.err();
  auto counts = bucket_usage_rows(*reader);
  if (!counts.ok()) return counts.err();
  std::vector<bucket_usage> out;
  for (auto& b : *rows) {
    bucket_usage u{{b.name, core::from_unix_ms(b.created_ms), b.region}, 0, 0};
    for (const auto& c : *counts)
      if (c.name == b.name) u.objects = c.objects, u.bytes = c.bytes;
    out.push_back(std::move(u));
  }
  return out;
}

result<object_info> service::put_object(std::string_view bucket, std::string_view key, std::string bytes,
                                        std::string_view content_type) {
  auto req = make_request("PUT", bucket, key);
  req.headers.add("Content-Length", std::to_string(bytes.size()));
  if (!content_type.empty()) req.headers.add("Content-Type", std::string(content_type));
  req.body_size = bytes.size();
  req.body = std::move(bytes);
  auto out = run(*engine_, std::move(req));
  if (out.error) return *out.error;
  return head_object(bucket, key);
}

result<object_info> service::head_object(std::string_view bucket, std::string_view key) {
  auto out = run(*engine_, make_request("HEAD", bucket, key));
  if (out.error) return *out.error;
  return info_from(bucket, key, out.response);
}

result<object_data> service::get_object(std::string_view bucket, std::string_view key) {
  auto out = run(*engine_, make_request("GET", bucket, key));
  if (out.error) return *out.error;
  object_data data;
  static_cast<object_info&>(data) = info_from(bucket, key, out.response);
  if (out.response.file) data.file = out.response.file->path;
  else data.bytes = std::move(out.response.body);
  return data;
}

result<void> service::delete_object(std::string_view bucket, std::string_view key) {
  auto out = run(*engine_, make_request("DELETE", bucket, key));
  if (out.error) return *out.error;
  return {};
}

result<void> service::reset() {
  auto& e = *engine_;
  auto doomed = std::make_shared<std::vector<std::string>>();
  auto r = e.store.write([doomed](database& db) -> result<void> {
    auto ids = referenced_blobs(db);
    if (!ids.ok()) return ids.err();
    *doomed = std::move(*ids);
    return clear_all(db);
  });
  if (!r.ok()) return r;
  e.cache.clear();
  e.forget_buckets();
  // Blobs still being written by requests in flight are not referenced yet: they stay (and are
  // collected at the next start if their commit now fails).
  for (const auto& id : *doomed) e.blobs.remove(id);
  return {};
}

result<std::vector<std::filesystem::path>> service::blob_files_of(database& db) const {
  auto ids = referenced_blobs(db);
  if (!ids.ok()) return ids.err();
  std::vector<std::filesystem::path> out;
  out.reserve(ids->size());
  for (const auto& id : *ids) out.push_back(engine_->blobs.path(id));
  return out;
}

result<void> service::reload() {
  auto& e = *engine_;
  e.cache.clear();
  e.forget_buckets();
  ++*e.blob_epoch;
  std::vector<std::string> ids;
  try {
    auto reader = e.store.reader();
    auto referenced = referenced_blobs(*reader);
    if (!referenced.ok()) return referenced.err();
    ids = std::move(*referenced);
  } catch (const std::exception& ex) {
    return fail(errc::internal_error, ex.what());
  }
  e.remove_blobs_later(e.blobs.unreferenced({ids.begin(), ids.end()}));
  // Restores in progress in the restored state send their events too (timers of the replaced
  // state find their versions changed and stay silent).
  e.arm_pending_restores();
  return {};
}

void service::set_event_sink(event_sink* sink) { engine_->set_sink(sink); }

}  // namespace hayloft::s3
