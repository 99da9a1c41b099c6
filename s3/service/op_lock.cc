// Object Lock: the bucket configuration, retention and legal holds of object versions, and the
// lock a write asks for (headers or the bucket's default rule). hayloft's clock decides when a
// retention has expired.
#include "s3/api/object_lock.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

constexpr std::string_view missing_lock = "Bucket is missing Object Lock Configuration";

// The addressed version of a lock-enabled bucket inside a writer job.
result<object_row> locked_version(database& db, const std::string& bucket, const std::string& key,
                                  const std::optional<std::string>& version) {
  auto b = find_bucket(db, bucket);
  if (!b.ok()) return b.err();
  if (!*b) return fail(errc::no_such_bucket);
  if ((*b)->object_lock.empty()) return fail(errc::invalid_request, std::string(missing_lock));
  auto row = version ? find_object_version(db, bucket, key, *version, false)
                     : find_object(db, bucket, key, false);
  if (!row.ok()) return row.err();
  if (!*row) return fail(version ? errc::no_such_version : errc::no_such_key);
  if ((*row)->delete_marker) return fail(version ? errc::method_not_allowed : errc::no_such_key);
  return std::move(**row);
}

// Runs change(row) on the addressed version in one transaction and answers 200.
void change_version(engine& e, const call_ptr& c, std::function<result<void>(object_row&)> change) {
  auto version = version_param(c->req);
  if (!version.ok()) return e.reply_error(*c, version.err());
  e.store.submit(
      [bucket = c->addr.bucket, key = c->addr.key, version = *version,
       change = std::move(change)](database& db) -> result<void> {
        auto row = locked_version(db, bucket, key, version);
        if (!row.ok()) return row.err();
        HAYLOFT_TRY(change(*row));
        auto updated = update_object_state(db, bucket, *row);
        if (!updated.ok()) return updated.err();
        return {};
      },
      [&e, c](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.cache.invalidate(c->addr.bucket, c->addr.key);
        e.reply(*c, core::response{});
      });
}

// The addressed version read for Get{ObjectRetention,ObjectLegalHold}.
result<object_row> read_locked_version(engine& e, const call& c) {
  auto bucket = read_bucket(e, c.addr.bucket);
  if (!bucket.ok()) return bucket.err();
  if (bucket->object_lock.empty()) return fail(errc::invalid_request, std::string(missing_lock));
  return read_version(e, c, false);
}

}  // namespace

result<void> apply_write_lock(const bucket_row& bucket, const std::optional<lock_headers>& asked,
                              object_row& row) {
  if (bucket.object_lock.empty()) {
    if (asked && asked->any()) return fail(errc::invalid_request, std::string(missing_lock));
    return {};
  }
  if (asked && asked->retain) {
    row.lock_mode = asked->retain->mode;
    row.lock_until_ms = core::to_unix_ms(asked->retain->until);
  } else if (auto config = parse_object_lock_configuration(bucket.object_lock);
             config.ok() && config->has_rule()) {
    row.lock_mode = config->mode;
    row.lock_until_ms =
        core::to_unix_ms(default_retain_until(*config, core::from_unix_ms(row.modified_ms)));
  }
  if (asked && asked->legal_hold) row.legal_hold = *asked->legal_hold ? 1 : 2;
  return {};
}

void add_lock_headers(core::response& r, const object_row& row) {
  if (!row.lock_mode.empty()) {
    r.headers.add("x-amz-object-lock-mode", row.lock_mode);
    r.headers.add("x-amz-object-lock-retain-until-date",
                  lock_date(core::from_unix_ms(row.lock_until_ms)));
  }
  if (row.legal_hold != 0)
    r.headers.add("x-amz-object-lock-legal-hold", row.legal_hold == 1 ? "ON" : "OFF");
}

void put_object_lock_configuration(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto config = parse_object_lock_configuration(*body);
  if (!config.ok()) return e.reply_error(*c, config.err());
  e.store.submit(
      [name = c->addr.bucket,
       xml = render_object_lock_configuration(*config)](database& db) -> result<void> {
        auto b = find_bucket(db, name);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        if ((*b)->versioning != "Enabled")
          return fail(
              errc::invalid_bucket_state,
              "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
        return set_bucket_object_lock(db, name, xml);
      },
      [&e, c](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.reply(*c, core::response{});
      });
}

void get_object_lock_configuration(engine& e, call_ptr c) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  if (b->object_lock.empty())
    return e.reply_error(*c, fail(errc::object_lock_configuration_not_found));
  e.reply(*c, xml_response(b->object_lock));
}

void put_object_retention(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto wanted = parse_retention(*body);
  if (!wanted.ok()) return e.reply_error(*c, wanted.err());
  auto now_ms = core::to_unix_ms(e.clock.now());
  if (!wanted->mode.empty() && core::to_unix_ms(wanted->until) <= now_ms)
    return e.reply_error(
        *c, fail(errc::invalid_argument, "The retain until date must be in the future!"));
  bool bypass = bypass_governance(c->req);
  change_version(e, c, [wanted = *wanted, now_ms, bypass](object_row& row) -> result<void> {
    auto until = wanted.mode.empty() ? 0 : core::to_unix_ms(wanted.until);
    bool active = !row.lock_mode.empty() && row.lock_until_ms > now_ms;
    // An active retention can be lengthened (and GOVERNANCE raised to COMPLIANCE); shortening,
    // removing it or lowering the mode needs bypass for GOVERNANCE and is never allowed for
    // COMPLIANCE.
    bool weaker = wanted.mode.empty() || until < row.lock_until_ms ||
                  (row.lock_mode == "COMPLIANCE" && wanted.mode != "COMPLIANCE");
    if (active && weaker && (row.lock_mode == "COMPLIANCE" || !bypass))
      return fail(errc::access_denied, "Access Denied because object protected by object lock.");
    row.lock_mode = wanted.mode;
    row.lock_until_ms = until;
    return {};
  });
}

void get_object_retention(engine& e, call_ptr c) {
  auto row = read_locked_version(e, *c);
  if (!row.ok()) return e.reply_error(*c, row.err());
  if (row->lock_mode.empty())
    return e.reply_error(*c, fail(errc::no_such_object_lock_configuration));
  e.reply(*c,
          xml_response(render_retention({row->lock_mode, core::from_unix_ms(row->lock_until_ms)})));
}

void put_object_legal_hold(engine& e, call_ptr c) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto on = parse_legal_hold(*body);
  if (!on.ok()) return e.reply_error(*c, on.err());
  change_version(e, c, [on = *on](object_row& row) -> result<void> {
    row.legal_hold = on ? 1 : 2;
    return {};
  });
}

void get_object_legal_hold(engine& e, call_ptr c) {
  auto row = read_locked_version(e, *c);
  if (!row.ok()) return e.reply_error(*c, row.err());
  if (row->legal_hold == 0) return e.reply_error(*c, fail(errc::no_such_object_lock_configuration));
  e.reply(*c, xml_response(render_legal_hold(row->legal_hold == 1)));
}

}  // namespace hayloft::s3::detail
