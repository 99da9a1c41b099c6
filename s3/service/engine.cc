#include "s3/service/engine.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <unordered_set>

#include "emulator/core/hash.h"
#include "emulator/core/logging.h"
#include "s3/api/conditions.h"
#include "s3/api/notifications.h"
#include "s3/service/object_headers.h"
#include "s3/store/schema.h"
#include "s3/store/uploads.h"

namespace hayloft::s3::detail {

inflight::guard& inflight::guard::operator=(guard&& o) noexcept {
  if (this != &o) {
    if (f_) f_->release();
    f_ = std::exchange(o.f_, nullptr);
  }
  return *this;
}

inflight::guard::~guard() {
  if (f_) f_->release();
}

inflight::guard inflight::hold() {
  std::lock_guard lock(mutex_);
  ++count_;
  return guard(this);
}

void inflight::release() {
  std::lock_guard lock(mutex_);
  if (--count_ == 0) idle_.notify_all();
}

void inflight::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return count_ == 0; });
}

engine::engine(hayloft::store::state_store& s, core::clock& c, core::task_runner& b, options o)
    : store(s),
      clock(c),
      blocking(b),
      opts(std::move(o)),
      blobs(s.dir() / "blobs" / "s3", s.blobs().tmp_dir(), s.durable()),
      cache(opts.cache_bytes),
      sink_(opts.events) {
  auto migrated = store.migrate(schema());
  if (!migrated.ok()) throw std::runtime_error("s3 schema: " + migrated.err().message);
  // Blob files written before a crash whose metadata never committed (or whose removal never
  // ran) are unreferenced: drop them.
  auto reader = store.reader();
  auto ids = referenced_blobs(*reader);
  if (!ids.ok()) throw std::runtime_error("s3 blob scan: " + ids.err().message);
  std::unordered_set<std::string> referenced(ids->begin(), ids->end());
  auto removed = blobs.collect_garbage(referenced);
  if (removed > 0) spdlog::info("s3: removed {} unreferenced blob file(s)", removed);
  start_timers();
}

engine::~engine() {
  stop_timers();
  work.wait_idle();
}

void engine::reply(call& c, core::response r) const {
  r.headers.add("x-amz-request-id", c.request_id);
  r.headers.add("x-amz-id-2", c.host_id);
  if (c.done) {
    auto done = std::move(c.done);
    c.done = nullptr;
    done(std::move(r));
  }
}

core::response engine::error_response(const call& c, const hayloft::error& err) const {
  auto code = to_errc(err.code);
  const auto& entry = describe(code);
  if (code == errc::internal_error) spdlog::error("s3: {} {}: {}", c.req.method, c.req.target, err.message);
  std::string_view message = err.message.empty() || code == errc::internal_error ? entry.message : err.message;
  error_fields fields;
  switch (code) {
    case errc::no_such_bucket:
    case errc::bucket_already_exists:
    case errc::bucket_already_owned_by_you:
    case errc::bucket_not_empty:
    case errc::invalid_bucket_name: fields.emplace_back("BucketName", c.addr.bucket); break;
    case errc::no_such_key: fields.emplace_back("Key", c.addr.key); break;
    case errc::no_such_version:
      fields.emplace_back("Key", c.addr.key);
      fields.emplace_back("VersionId", std::string(c.req.param("versionId").value_or("")));
      break;
    case errc::access_forbidden:
      fields.emplace_back("Method", std::string(c.req.headers.value_or("access-control-request-method", c.req.method)));
      fields.emplace_back("ResourceType", c.addr.key.empty() ? "BUCKET" : "OBJECT");
      break;
    case errc::no_such_upload:
      fields.emplace_back("UploadId", std::string(c.req.param("uploadId").value_or("")));
      break;
    case errc::method_not_allowed:
      fields.emplace_back("Method", c.req.method);
      // On an object, the one 405 hayloft sends is for a delete marker addressed by its version.
      fields.emplace_back("ResourceType", c.addr.key.empty() ? "BUCKET"
                                          : c.req.has_param("versionId") ? "DeleteMarker" : "OBJECT");
      break;
    default: break;
  }
  core::response r;
  r.status = entry.status;
  if (!c.head) {
    r.headers.add("Content-Type", "application/xml");
    r.body = render_error_xml(entry.code, message, fields, c.req.raw_path, c.request_id, c.host_id);
  }
  return r;
}

void engine::reply_error(call& c, const hayloft::error& e) const {
  c.error = e;
  reply(c, error_response(c, e));
}

void engine::remove_blobs_later(std::vector<std::string> ids) const {
  if (ids.empty()) return;
  if (opts.blob_grace.count() <= 0) {
    for (const auto& id : ids) blobs.remove(id);
    return;
  }
  // Captures a copy of the (path-only) blob_files so the timer may outlive the service; files a
  // shutdown leaves behind are collected at the next start.
  clock.call_after(opts.blob_grace, [files = blobs, ids = std::move(ids), epoch = blob_epoch, at = blob_epoch->load()] {
    if (epoch->load() != at) return;
    for (const auto& id : ids) files.remove(id);
  });
}

void engine::commit_object(std::shared_ptr<object_commit> oc, std::function<void(result<void>)> done) {
  struct outcome {
    std::optional<std::string> old_blob;
    std::vector<std::string> part_blobs;
    std::string notification, region;
  };
  auto out = std::make_shared<outcome>();
  store.submit(
      [oc, out](database& db) -> result<void> {
        // The documents are needed only to judge an ACL other than private.
        auto bucket = find_bucket(db, oc->bucket, oc->row.acl != "private");
        if (!bucket.ok()) return bucket.err();
        if (!*bucket) return fail(errc::no_such_bucket);
        if (oc->if_match || oc->if_none_match) {
          auto current = find_object(db, oc->bucket, oc->row.key, false);
          if (!current.ok()) return current.err();
          bool exists = *current && !(*current)->delete_marker;
          if (oc->if_none_match && exists) return fail(errc::precondition_failed);
          if (oc->if_match) {
            if (!exists) return fail(errc::no_such_key);
            if (!etag_matches(*oc->if_match, (*current)->etag)) return fail(errc::precondition_failed);
          }
        }
        if (oc->upload_id) {
          auto upload = find_upload(db, *oc->upload_id);
          if (!upload.ok()) return upload.err();
          if (!*upload) return fail(errc::no_such_upload);
          auto parts = delete_upload(db, *oc->upload_id);
          if (!parts.ok()) return parts.err();
          out->part_blobs = std::move(*parts);
        }
        HAYLOFT_TRY(acl_allowed(**bucket, oc->row.acl));
        if (!oc->row.delete_marker) apply_default_encryption(oc->row.headers, (*bucket)->doc(bucket_doc::encryption));
        HAYLOFT_TRY(apply_write_lock(**bucket, oc->lock, oc->row));
        const auto& versioning = (*bucket)->versioning;
        oc->versioned = !versioning.empty();
        oc->row.version_id = versioning == "Enabled" ? new_version_id() : "null";
        auto old = upsert_object(db, oc->bucket, oc->row);
        if (!old.ok()) return old.err();
        out->old_blob = std::move(*old);
        out->notification = std::move((*bucket)->notification);
        out->region = std::move((*bucket)->region);
        return {};
      },
      [this, oc, out, done = std::move(done)](result<void> r) {
        if (!r.ok()) {
          // The new blob was never referenced by a committed row: nobody can be reading it.
          if (oc->row.blob) blobs.remove(*oc->row.blob);
          done(std::move(r));
          return;
        }
        cache.invalidate(oc->bucket, oc->row.key);
        auto doomed = std::move(out->part_blobs);
        if (out->old_blob && out->old_blob != oc->row.blob) doomed.push_back(*out->old_blob);
        remove_blobs_later(std::move(doomed));
        if (!out->notification.empty())
          emit(out->notification, out->region, oc->event_name, oc->bucket, oc->row.key, oc->row.size, oc->row.etag,
               oc->request_id, oc->host_id, oc->source_ip, oc->versioned ? oc->row.version_id : "");
        done({});
      });
}

void engine::after_deletion(const bucket_row& bucket, std::string_view key, const deletion& d, const call& c) {
  cache.invalidate(bucket.name, key);
  if (d.blob) remove_blobs_later({*d.blob});
  if (bucket.notification.empty() || !(d.existed || d.marker_created)) return;
  emit(bucket.notification, bucket.region, d.marker_created ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete",
       bucket.name, key, 0, "", c.request_id, c.host_id, c.req.remote, d.versioned ? d.version_id : "");
}

void engine::emit(std::string_view notification_xml, std::string_view region, std::string_view event_name,
                  std::string_view bucket, std::string_view key, std::uint64_t size, std::string_view etag,
                  std::string_view request_id, std::string_view host_id, std::string_view source_ip,
                  std::string_view version_id) {
  auto* s = sink();
  if (!s) return;
  auto config = parse_notification_configuration(notification_xml);
  if (!config.ok()) return;
  std::string sequencer;
  for (const auto& q : config->queues) {
    if (!matches(q, event_name, key)) continue;
    if (q.kind != destination_kind::queue) {
      // hayloft has no SNS or Lambda: the configuration is kept and each event is logged.
      spdlog::info("s3: {} of {}/{} for {} (not delivered: hayloft has no {})", event_name, bucket, key, q.queue_arn,
                   q.kind == destination_kind::topic ? "SNS" : "Lambda");
      continue;
    }
    if (sequencer.empty()) {
      char buf[24];
      auto n = std::snprintf(buf, sizeof buf, "%016llX",
                             static_cast<unsigned long long>(core::to_unix_ms(clock.now())) * 1000 +
                                 (sequencer_.fetch_add(1) % 1000));
      sequencer.assign(buf, static_cast<std::size_t>(n));
    }
    event_record ev;
    ev.event_name = std::string(event_name);
    ev.region = std::string(region);
    ev.time = clock.now();
    ev.bucket = std::string(bucket);
    ev.key = std::string(key);
    ev.size = size;
    std::string_view tag = etag;
    if (tag.size() >= 2 && tag.front() == '"') tag = tag.substr(1, tag.size() - 2);
    ev.etag = std::string(tag);
    ev.version_id = std::string(version_id);
    ev.sequencer = sequencer;
    ev.configuration_id = q.id;
    ev.request_id = std::string(request_id);
    ev.host_id = std::string(host_id);
    ev.source_ip = std::string(source_ip);
    s->deliver(q.queue_arn, render_event(ev));
  }
}

std::string engine::request_region(const core::request& req) const {
  auto r = signing_region(req);
  // Without --auth the scope is whatever the client wrote; only a region-shaped one is kept.
  bool plausible = !r.empty() && r.size() <= 32;
  for (char ch : r)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) plausible = false;
  return plausible ? r : opts.default_region;
}

result<std::shared_ptr<const bucket_row>> engine::cached_bucket(std::string_view name) {
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(buckets_mutex_);
    if (auto it = buckets_.find(std::string(name)); it != buckets_.end()) return it->second;
    epoch = buckets_epoch_;
  }
  auto reader = store.reader();
  auto b = find_bucket(*reader, name, true);
  if (!b.ok()) return b.err();
  if (!*b) return std::shared_ptr<const bucket_row>{};
  auto row = std::make_shared<const bucket_row>(std::move(**b));
  std::lock_guard lock(buckets_mutex_);
  // A change committed since the read may have made this row stale: do not keep it.
  if (epoch == buckets_epoch_) buckets_.emplace(std::string(name), row);
  return row;
}

void engine::forget_bucket(std::string_view name) {
  std::lock_guard lock(buckets_mutex_);
  buckets_.erase(std::string(name));
  ++buckets_epoch_;
}

void engine::forget_buckets() {
  std::lock_guard lock(buckets_mutex_);
  buckets_.clear();
  ++buckets_epoch_;
}

result<bucket_row> read_bucket(engine& e, std::string_view bucket) {
  auto reader = e.store.reader();
  auto b = find_bucket(*reader, bucket, true);
  if (!b.ok()) return b.err();
  if (!*b) return fail(errc::no_such_bucket);
  return std::move(**b);
}

result<std::string> xml_body(const core::request& req) {
  // 10000 parts or 1000 keys of 1024 bytes fit comfortably.
  constexpr std::uint64_t limit = 4 << 20;
  std::uint64_t size = req.body_in_file() ? req.body_size : req.body.size();
  if (size > limit) return fail(errc::max_message_length_exceeded);
  return req.body_text();
}

namespace {
constexpr std::size_t token_tag_bytes = 8;

std::string token_tag(std::string_view scope, std::string_view position) {
  std::string input = "hayloft-s3-continuation\n";
  input.append(scope).push_back('\n');
  input.append(position);
  return core::sha256_raw(input).substr(0, token_tag_bytes);
}
}  // namespace

std::string make_continuation_token(std::string_view scope, std::string_view position) {
  return core::base64_encode(std::string(position) + token_tag(scope, position));
}

bool read_continuation_token(std::string_view scope, std::string_view token, std::string& position) {
  // A position is at most a 1024-byte key: bound the text before decoding it.
  constexpr std::size_t max_token = (max_key_bytes + token_tag_bytes + 2) / 3 * 4;
  std::string raw;
  if (token.empty() || token.size() > max_token || !core::base64_decode(token, raw) || raw.size() < token_tag_bytes)
    return false;
  std::string_view pos = std::string_view(raw).substr(0, raw.size() - token_tag_bytes);
  if (token_tag(scope, pos) != std::string_view(raw).substr(pos.size())) return false;
  position = std::string(pos);
  return true;
}

core::response xml_response(std::string body) {
  core::response r;
  r.headers.add("Content-Type", "application/xml");
  r.body = std::move(body);
  return r;
}

std::string quote_etag(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() + 2);
  out.push_back('"');
  out.append(hex);
  out.push_back('"');
  return out;
}

result<int> int_param(const core::request& req, std::string_view name, int fallback, int min, int max) {
  auto v = req.param(name);
  if (!v) return fallback;
  long long n = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || r.ec != std::errc{} || r.ptr != v->data() + v->size())
    return fail(errc::invalid_argument, "Provided " + std::string(name) + " not an integer or within integer range");
  if (n < min) return fail(errc::invalid_argument, "Argument " + std::string(name) + " must be an integer between " +
                                                       std::to_string(min) + " and " + std::to_string(max));
  if (n > max) n = max;
  return static_cast<int>(n);
}

}  // namespace hayloft::s3::detail
