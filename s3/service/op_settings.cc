// Bucket settings stored whole (s3/api/bucket_settings.h): accelerate, request payment, logging,
// default encryption, website and replication configurations. Get/Put/Delete share one
// table-driven implementation; each setting's special rule (a logging target must exist,
// replication needs versioning, acceleration refuses dotted names) is checked in the writer
// transaction or before it.
#include "s3/api/bucket_settings.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

struct setting {
  bucket_doc doc;
  // The answer of Get when the bucket has none: a default document, or this error.
  std::string (*absent_document)();
  errc absent_error;
  unsigned put_status;
};

const setting& setting_of(bucket_doc d) {
  static const setting accelerate{bucket_doc::accelerate, empty_accelerate_configuration, errc::ok, 200};
  static const setting payment{bucket_doc::request_payment, default_request_payment_configuration, errc::ok, 200};
  static const setting logging{bucket_doc::logging, empty_bucket_logging_status, errc::ok, 200};
  static const setting encryption{bucket_doc::encryption, default_encryption_configuration, errc::ok, 200};
  static const setting website{bucket_doc::website, nullptr, errc::no_such_website_configuration, 200};
  static const setting replication{bucket_doc::replication, nullptr, errc::replication_configuration_not_found, 200};
  switch (d) {
    case bucket_doc::accelerate: return accelerate;
    case bucket_doc::request_payment: return payment;
    case bucket_doc::logging: return logging;
    case bucket_doc::encryption: return encryption;
    case bucket_doc::website: return website;
    default: return replication;
  }
}

void get_setting(engine& e, const call_ptr& c, bucket_doc d) {
  auto b = read_bucket(e, c->addr.bucket);
  if (!b.ok()) return e.reply_error(*c, b.err());
  const auto& s = setting_of(d);
  const auto& stored = b->doc(d);
  if (!stored.empty()) return e.reply(*c, xml_response(stored));
  if (s.absent_document) return e.reply(*c, xml_response(s.absent_document()));
  e.reply_error(*c, fail(s.absent_error));
}

template <class Parse>
void put_setting(engine& e, const call_ptr& c, bucket_doc d, Parse parse,
                 std::function<result<void>(database&, const bucket_row&)> check = nullptr) {
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto doc = parse(*body);
  if (!doc.ok()) return e.reply_error(*c, doc.err());
  store_bucket_doc(e, c, d, std::move(*doc), setting_of(d).put_status, std::move(check));
}

}  // namespace

void store_bucket_doc(engine& e, const call_ptr& c, bucket_doc d, std::string value, unsigned status,
                      std::function<result<void>(database&, const bucket_row&)> check) {
  auto name = c->addr.bucket;
  e.store.submit(
      [name, d, value = std::move(value), check = std::move(check)](database& db) -> result<void> {
        auto existing = find_bucket(db, name, static_cast<bool>(check));
        if (!existing.ok()) return existing.err();
        if (!*existing) return fail(errc::no_such_bucket);
        if (check) HAYLOFT_TRY(check(db, **existing));
        return set_bucket_doc(db, name, d, value);
      },
      [&e, c, status](result<void> r) {
        e.forget_bucket(c->addr.bucket);
        if (!r.ok()) return e.reply_error(*c, r.err());
        core::response resp;
        resp.status = status;
        e.reply(*c, std::move(resp));
      });
}

void get_bucket_accelerate(engine& e, call_ptr c) { get_setting(e, c, bucket_doc::accelerate); }
void put_bucket_accelerate(engine& e, call_ptr c) {
  if (c->addr.bucket.find('.') != std::string::npos)
    return e.reply_error(*c, fail(errc::invalid_request,
                                  "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"));
  put_setting(e, c, bucket_doc::accelerate, parse_accelerate_configuration);
}

void get_bucket_request_payment(engine& e, call_ptr c) { get_setting(e, c, bucket_doc::request_payment); }
void put_bucket_request_payment(engine& e, call_ptr c) {
  put_setting(e, c, bucket_doc::request_payment, parse_request_payment_configuration);
}

void get_bucket_logging(engine& e, call_ptr c) { get_setting(e, c, bucket_doc::logging); }
void put_bucket_logging(engine& e, call_ptr c) {
  auto target = std::make_shared<std::string>();
  put_setting(
      e, c, bucket_doc::logging,
      [target](std::string_view body) { return parse_bucket_logging_status(body, *target); },
      [target](database& db, const bucket_row&) -> result<void> {
        if (target->empty()) return {};
        auto t = find_bucket(db, *target);
        if (!t.ok()) return t.err();
        if (!*t) return fail(errc::invalid_target_bucket_for_logging);
        return {};
      });
}

void get_bucket_encryption(engine& e, call_ptr c) { get_setting(e, c, bucket_doc::encryption); }
void put_bucket_encryption(engine& e, call_ptr c) {
  put_setting(e, c, bucket_doc::encryption, parse_encryption_configuration);
}
void delete_bucket_encryption(engine& e, call_ptr c) { store_bucket_doc(e, c, bucket_doc::encryption, {}, 204); }

void get_bucket_website(engine& e, call_ptr c) { get_setting(e, c, bucket_doc::website); }
void put_bucket_website(engine& e, call_ptr c) { put_setting(e, c, bucket_doc::website, parse_website_configuration); }
void delete_bucket_website(engine& e, call_ptr c) { store_bucket_doc(e, c, bucket_doc::website, {}, 204); }

void get_bucket_replication(engine& e, call_ptr c) { get_setting(e, c, bucket_doc::replication); }
void put_bucket_replication(engine& e, call_ptr c) {
  put_setting(e, c, bucket_doc::replication, parse_replication_configuration,
              [](database&, const bucket_row& b) -> result<void> {
                if (b.versioning != "Enabled")
                  return fail(errc::invalid_request,
                              "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
                return {};
              });
}
void delete_bucket_replication(engine& e, call_ptr c) { store_bucket_doc(e, c, bucket_doc::replication, {}, 204); }

}  // namespace hayloft::s3::detail
