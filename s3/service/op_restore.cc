// RestoreObject for GLACIER and DEEP_ARCHIVE versions, and what a read sees of a restore. A
// restore's state is two instants on the version (when the copy is ready, when it expires), so
// it needs no write when it completes and survives restarts; timers on the engine's clock send
// the s3:ObjectRestore:Completed and :Delete events.
#include <chrono>

#include "emulator/core/hash.h"
#include "emulator/core/ids.h"
#include "s3/api/lifecycle.h"
#include "s3/api/xml_writer.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

// How long a retrieval takes (the upper bounds S3 documents for each tier), on hayloft's clock.
std::chrono::minutes retrieval_time(std::string_view storage_class, std::string_view tier) {
  using std::chrono::hours, std::chrono::minutes;
  if (storage_class == "DEEP_ARCHIVE")
    return tier == "Bulk" ? minutes(hours(48)) : minutes(hours(12));
  if (tier == "Expedited") return minutes(5);
  return tier == "Bulk" ? minutes(hours(12)) : minutes(hours(5));
}

}  // namespace

bool archived(const object_row& row) {
  return row.storage_class == "GLACIER" || row.storage_class == "DEEP_ARCHIVE";
}

bool readable_now(const object_row& row, std::int64_t now_ms) {
  if (!archived(row)) return true;
  return row.restore_ready_ms != 0 && row.restore_ready_ms <= now_ms &&
         now_ms < row.restore_until_ms;
}

void add_restore_header(core::response& r, const object_row& row, std::int64_t now_ms) {
  if (!archived(row) || row.restore_ready_ms == 0 || now_ms >= row.restore_until_ms) return;
  if (now_ms < row.restore_ready_ms) {
    r.headers.add("x-amz-restore", "ongoing-request=\"true\"");
    return;
  }
  r.headers.add("x-amz-restore", "ongoing-request=\"false\", expiry-date=\"" +
                                     core::http_date(core::from_unix_ms(row.restore_until_ms)) +
                                     "\"");
}

void restore_object(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto asked = parse_restore_request(*body);
  if (!asked.ok()) return e.reply_error(*c, asked.err());
  auto version = version_param(c->req);
  if (!version.ok()) return e.reply_error(*c, version.err());
  struct outcome {
    bucket_row bucket;
    object_row row;
    bool started = false;
  };
  auto out = std::make_shared<outcome>();
  auto now_ms = core::to_unix_ms(e.clock.now());
  e.store.submit(
      [out, bucket = c->addr.bucket, key = c->addr.key, version = *version, asked = *asked,
       now_ms](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        out->bucket = std::move(**b);
        auto row = version ? find_object_version(db, bucket, key, *version, false)
                           : find_object(db, bucket, key, false);
        if (!row.ok()) return row.err();
        if (!*row) return fail(version ? errc::no_such_version : errc::no_such_key);
        if ((*row)->delete_marker)
          return fail(version ? errc::method_not_allowed : errc::no_such_key);
        auto& r = **row;
        if (!archived(r))
          return fail(errc::invalid_object_state,
                      "Restore is not allowed for the object's current storage class");
        if (r.storage_class == "DEEP_ARCHIVE" && asked.tier == "Expedited")
          return fail(errc::invalid_argument,
                      "Expedited retrievals are not available for the DEEP_ARCHIVE storage class");
        if (r.restore_ready_ms > now_ms) return fail(errc::restore_already_in_progress);
        bool restored = r.restore_ready_ms != 0 && now_ms < r.restore_until_ms;
        auto now = core::from_unix_ms(now_ms);
        if (restored) {
          // A restored copy's expiry is moved to Days from now.
          r.restore_until_ms = core::to_unix_ms(due_after_days(now, asked.days));
        } else {
          auto ready = now + retrieval_time(r.storage_class, asked.tier);
          r.restore_ready_ms = core::to_unix_ms(ready);
          r.restore_until_ms = core::to_unix_ms(due_after_days(ready, asked.days));
          out->started = true;
        }
        auto changed = update_object_state(db, bucket, r);
        if (!changed.ok()) return changed.err();
        out->row = std::move(r);
        return {};
      },
      [&e, c, out](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.cache.invalidate(c->addr.bucket, c->addr.key);
        const auto& row = out->row;
        auto vid = out->bucket.versioning.empty() ? std::string() : row.version_id;
        if (out->started && !out->bucket.notification.empty())
          e.emit(out->bucket.notification, out->bucket.region, "ObjectRestore:Post",
                 out->bucket.name, row.key, row.size, row.etag, c->request_id, c->host_id,
                 c->req.remote, vid);
        e.schedule_restore_events(out->bucket.name, row.key, row.version_id, row.restore_ready_ms,
                                  row.restore_until_ms);
        core::response resp;
        resp.status = out->started ? 202 : 200;
        e.reply(*c, std::move(resp));
      });
}

void engine::restore_event(const std::string& bucket, const std::string& key,
                           const std::string& version_id, std::int64_t expected_ms,
                           bool completed) {
  auto reader = store.reader();
  auto b = find_bucket(*reader, bucket);
  if (!b.ok() || !*b || (*b)->notification.empty()) return;
  auto row = find_object_version(*reader, bucket, key, version_id, false);
  if (!row.ok() || !*row) return;
  // A later RestoreObject moved the instant: that one's timer sends the event.
  if ((completed ? (*row)->restore_ready_ms : (*row)->restore_until_ms) != expected_ms) return;
  auto id = core::request_id();
  emit((*b)->notification, (*b)->region,
       completed ? "ObjectRestore:Completed" : "ObjectRestore:Delete", bucket, key, (*row)->size,
       (*row)->etag, id, core::base64_encode(id + "/hayloft"), "",
       (*b)->versioning.empty() ? "" : version_id);
}

}  // namespace hayloft::s3::detail
