// Bucket lifecycle: the configuration operations, and the passes that apply it. A pass runs at
// every midnight UTC of the engine's clock (S3 rounds every lifecycle date to one), one writer
// transaction per bucket, so an interrupted pass leaves each object before or after its action.
#include <map>

#include "emulator/core/hash.h"
#include "emulator/core/ids.h"
#include "emulator/core/logging.h"
#include "s3/api/checksums.h"
#include "s3/api/lifecycle.h"
#include "s3/service/engine.h"
#include "s3/store/uploads.h"

namespace hayloft::s3::detail {
namespace {

// What a pass did that must happen after its commit.
struct pass_effects {
  struct event {
    std::string name, key, etag, version_id;
    std::uint64_t size = 0;
  };
  std::vector<event> events;
  std::vector<std::string> keys, blobs;
};

// Every version under `prefix`, grouped by key (newest first within a key).
result<std::vector<std::vector<listed_version>>> versions_by_key(database& db,
                                                                 const std::string& bucket,
                                                                 const std::string& prefix) {
  std::vector<std::vector<listed_version>> out;
  std::string cursor;
  bool inclusive = false;
  constexpr int batch = 1000;
  for (;;) {
    auto rows = list_version_rows(db, bucket, prefix, cursor, inclusive, batch);
    if (!rows.ok()) return rows.err();
    for (auto& v : *rows) {
      if (out.empty() || out.back().front().key != v.key) out.emplace_back();
      out.back().push_back(std::move(v));
    }
    if (static_cast<int>(rows->size()) < batch) break;
    // Finish the last key's older versions, then go on after it.
    const auto last_key = out.back().back().key;
    for (;;) {
      auto older = list_older_versions(db, bucket, last_key, out.back().back().id, batch);
      if (!older.ok()) return older.err();
      for (auto& v : *older) out.back().push_back(std::move(v));
      if (static_cast<int>(older->size()) < batch) break;
    }
    cursor = last_key;
  }
  return out;
}

result<void> remove_version(database& db, const bucket_row& b, const listed_version& v,
                            std::int64_t now_ms, pass_effects& fx) {
  auto row = find_object_version(db, b.name, v.key, v.version_id, false);
  if (!row.ok()) return row.err();
  if (!*row || !check_lock(**row, now_ms, false).ok()) return {};  // locked versions stay
  auto removed = delete_object_version(db, b.name, v.key, v.version_id);
  if (!removed.ok()) return removed.err();
  if (removed->blob) fx.blobs.push_back(*removed->blob);
  fx.keys.push_back(v.key);
  fx.events.push_back(
      {"LifecycleExpiration:Delete", v.key, "", b.versioning.empty() ? "" : v.version_id, 0});
  return {};
}

result<void> transition(database& db, const bucket_row& b, const listed_version& v,
                        const std::string& to, pass_effects& fx) {
  auto row = find_object_version(db, b.name, v.key, v.version_id, false);
  if (!row.ok()) return row.err();
  if (!*row) return {};
  (*row)->storage_class = to;
  auto changed = update_object_state(db, b.name, **row);
  if (!changed.ok()) return changed.err();
  fx.keys.push_back(v.key);
  fx.events.push_back(
      {"LifecycleTransition", v.key, v.etag, b.versioning.empty() ? "" : v.version_id, v.size});
  return {};
}

// The current version's actions of one rule: expiration, else the coldest due transition.
result<void> current_actions(database& db, const bucket_row& b,
                             const lifecycle_configuration& config, const lifecycle_rule& r,
                             const listed_version& v, core::time_point at, pass_effects& fx) {
  auto created = core::from_unix_ms(v.modified_ms);
  bool expire = (r.expiration_days && due_after_days(created, *r.expiration_days) <= at) ||
                (r.expiration_date && *r.expiration_date <= at);
  if (expire) {
    if (b.versioning.empty()) return remove_version(db, b, v, core::to_unix_ms(at), fx);
    object_row marker;
    marker.key = v.key;
    marker.delete_marker = true;
    marker.modified_ms = core::to_unix_ms(at);
    marker.version_id = b.versioning == "Enabled" ? new_version_id() : "null";
    if (marker.version_id == "null" && v.version_id == "null") {
      // Suspended: the marker replaces the null version, which must not be locked.
      auto row = find_object_version(db, b.name, v.key, "null", false);
      if (!row.ok()) return row.err();
      if (*row && !check_lock(**row, core::to_unix_ms(at), false).ok()) return {};
    }
    auto replaced = upsert_object(db, b.name, marker);
    if (!replaced.ok()) return replaced.err();
    if (*replaced) fx.blobs.push_back(**replaced);
    fx.keys.push_back(v.key);
    fx.events.push_back(
        {"LifecycleExpiration:DeleteMarkerCreated", v.key, "", marker.version_id, 0});
    return {};
  }
  const lifecycle_transition* best = nullptr;
  for (const auto& t : r.transitions) {
    bool due = (t.days && due_after_days(created, *t.days) <= at) || (t.date && *t.date <= at);
    if (due && transition_applies(config, r, best ? best->storage_class : v.storage_class,
                                  t.storage_class, v.size))
      best = &t;
  }
  if (best && transition_applies(config, r, v.storage_class, best->storage_class, v.size))
    return transition(db, b, v, best->storage_class, fx);
  return {};
}

// One rule over one key's versions (newest first).
result<void> apply_rule(database& db, const bucket_row& b, const lifecycle_configuration& config,
                        const lifecycle_rule& r, const std::vector<listed_version>& versions,
                        core::time_point at, pass_effects& fx) {
  const auto& latest = versions.front();
  if (latest.latest && !latest.delete_marker && selects(r.filter, latest.key, latest.size, latest.tags))
    HAYLOFT_TRY(current_actions(db, b, config, r, latest, at, fx));
  if (latest.latest && latest.delete_marker && versions.size() == 1 &&
      r.expired_object_delete_marker && selects(r.filter, latest.key, 0, latest.tags))
    return remove_version(db, b, latest, core::to_unix_ms(at), fx);
  // Noncurrent versions: the i-th newest noncurrent version is kept while i <
  // NewerNoncurrentVersions.
  int index = 0;
  for (std::size_t i = 1; i < versions.size(); ++i, ++index) {
    const auto& v = versions[i];
    if (!selects(r.filter, v.key, v.size, v.tags)) continue;
    auto row = find_object_version(db, b.name, v.key, v.version_id, false);
    if (!row.ok()) return row.err();
    if (!*row) continue;
    auto since = core::from_unix_ms((*row)->noncurrent_ms);
    if (r.noncurrent_expiration_days &&
        due_after_days(since, *r.noncurrent_expiration_days) <= at &&
        index >= r.noncurrent_newer_versions.value_or(0)) {
      HAYLOFT_TRY(remove_version(db, b, v, core::to_unix_ms(at), fx));
      continue;
    }
    if (v.delete_marker) continue;
    for (const auto& t : r.noncurrent_transitions) {
      if (due_after_days(since, t.days.value_or(0)) <= at &&
          index >= t.newer_noncurrent.value_or(0) &&
          transition_applies(config, r, v.storage_class, t.storage_class, v.size)) {
        HAYLOFT_TRY(transition(db, b, v, t.storage_class, fx));
        break;
      }
    }
  }
  return {};
}

result<void> abort_uploads(database& db, const bucket_row& b, const lifecycle_rule& r,
                           core::time_point at, pass_effects& fx) {
  auto uploads = list_upload_rows(db, b.name, r.filter.prefix, "", "", 100000);
  if (!uploads.ok()) return uploads.err();
  for (const auto& u : *uploads) {
    if (due_after_days(core::from_unix_ms(u.initiated_ms), *r.abort_multipart_days) > at) continue;
    auto parts = delete_upload(db, u.upload_id);
    if (!parts.ok()) return parts.err();
    fx.blobs.insert(fx.blobs.end(), parts->begin(), parts->end());
  }
  return {};
}

result<void> lifecycle_pass_bucket(database& db, const std::string& name, core::time_point at,
                                   bucket_row& b, pass_effects& fx) {
  auto found = find_bucket(db, name);
  if (!found.ok()) return found.err();
  if (!*found || (*found)->lifecycle.empty()) return {};
  b = std::move(**found);
  auto config = load_lifecycle(b.lifecycle);
  if (!config.ok()) return config.err();
  for (const auto& r : config->rules) {
    if (!r.enabled) continue;
    if (r.abort_multipart_days) HAYLOFT_TRY(abort_uploads(db, b, r, at, fx));
    auto keys = versions_by_key(db, b.name, r.filter.prefix);
    if (!keys.ok()) return keys.err();
    for (const auto& versions : *keys) HAYLOFT_TRY(apply_rule(db, b, *config, r, versions, at, fx));
  }
  return {};
}

}  // namespace

void engine::lifecycle_pass(core::time_point at) {
  std::vector<std::string> names;
  {
    auto reader = store.reader();
    auto rows = list_bucket_rows(*reader);
    if (!rows.ok()) {
      spdlog::warn("s3 lifecycle: {}", rows.err().message);
      return;
    }
    for (auto& b : *rows)
      if (!b.lifecycle.empty()) names.push_back(std::move(b.name));
  }
  for (auto& name : names) {
    auto fx = std::make_shared<pass_effects>();
    auto bucket = std::make_shared<bucket_row>();
    store.submit(
        [name, at, fx, bucket](database& db) {
          return lifecycle_pass_bucket(db, name, at, *bucket, *fx);
        },
        [this, fx, bucket, guard = std::make_shared<inflight::guard>(work.hold())](result<void> r) {
          if (!r.ok()) {
            spdlog::warn("s3 lifecycle pass of {}: {}", bucket->name, r.err().message);
            return;
          }
          for (const auto& k : fx->keys) cache.invalidate(bucket->name, k);
          remove_blobs_later(std::move(fx->blobs));
          if (bucket->notification.empty()) return;
          auto id = core::request_id();
          for (const auto& ev : fx->events)
            emit(bucket->notification, bucket->region, ev.name, bucket->name, ev.key, ev.size,
                 ev.etag, id, core::base64_encode(id + "/hayloft"), "", ev.version_id);
        });
  }
}

void put_bucket_lifecycle(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  if (auto md5 = content_md5(c->req.headers); !md5.ok()) {
    return e.reply_error(*c, md5.err());
  } else if (*md5 && **md5 != core::md5_raw(*body)) {
    return e.reply_error(*c, fail(errc::bad_digest));
  }
  auto config = parse_lifecycle_configuration(*body);
  if (!config.ok()) return e.reply_error(*c, config.err());
  if (auto min = c->req.headers.get("x-amz-transition-default-minimum-object-size")) {
    if (*min != "varies_by_storage_class" && *min != "all_storage_classes_128K")
      return e.reply_error(
          *c, fail(errc::invalid_request,
                   "Invalid TransitionDefaultMinimumObjectSize found: " + std::string(*min)));
    config->minimum_size = std::string(*min);
  }
  auto minimum = config->minimum_size;
  e.store.submit(
      [name = c->addr.bucket, stored = store_lifecycle(*config)](database& db) -> result<void> {
        auto b = find_bucket(db, name);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        return set_bucket_lifecycle(db, name, stored);
      },
      [&e, c, minimum](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        core::response resp;
        resp.headers.add("x-amz-transition-default-minimum-object-size", minimum);
        e.reply(*c, std::move(resp));
      });
}

void get_bucket_lifecycle(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  if (b->lifecycle.empty()) return e.reply_error(*c, fail(errc::no_such_lifecycle_configuration));
  auto config = load_lifecycle(b->lifecycle);
  if (!config.ok()) return e.reply_error(*c, config.err());
  auto r = xml_response(render_lifecycle_configuration(*config));
  r.headers.add("x-amz-transition-default-minimum-object-size", config->minimum_size);
  e.reply(*c, std::move(r));
}

void delete_bucket_lifecycle(engine& e, call_ptr c) {
  e.store.submit(
      [name = c->addr.bucket](database& db) -> result<void> {
        auto b = find_bucket(db, name);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        return set_bucket_lifecycle(db, name, "");
      },
      [&e, c](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        core::response resp;
        resp.status = 204;
        e.reply(*c, std::move(resp));
      });
}

std::string expiration_of(const bucket_row& b, const object_row& row) {
  if (b.lifecycle.empty() || row.delete_marker || !row.latest) return {};
  auto config = load_lifecycle(b.lifecycle);
  if (!config.ok()) return {};
  return expiration_header(*config, row.key, row.size, row.tags, core::from_unix_ms(row.modified_ms));
}

}  // namespace hayloft::s3::detail
