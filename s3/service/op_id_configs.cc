// Inventory, Analytics, Metrics and IntelligentTiering configurations: Get/Put/Delete by ?id= and
// List (100 per page, continuation tokens), stored in s3_bucket_configs (one row per id).
#include "s3/api/id_configurations.h"
#include "s3/api/xml_writer.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

constexpr int list_page = 100;

result<std::string> id_param(const call& c) {
  auto id = c.req.param("id");
  if (!id || id->empty()) return fail(errc::invalid_argument, "Missing required parameter: id");
  return std::string(*id);
}

void id_get(engine& e, const call_ptr& c, id_kind k) {
  auto id = id_param(*c);
  if (!id.ok()) return e.reply_error(*c, id.err());
  if (auto b = read_bucket(e, c->addr.bucket); !b.ok()) return e.reply_error(*c, b.err());
  auto reader = e.store.reader();
  auto doc = find_bucket_config(*reader, c->addr.bucket, id_kind_param(k), *id);
  if (!doc.ok()) return e.reply_error(*c, doc.err());
  if (!*doc) return e.reply_error(*c, fail(errc::no_such_configuration));
  e.reply(*c, xml_response("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + **doc));
}

void id_put(engine& e, const call_ptr& c, id_kind k) {
  auto id = id_param(*c);
  if (!id.ok()) return e.reply_error(*c, id.err());
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto doc = parse_id_configuration(k, *body, *id);
  if (!doc.ok()) return e.reply_error(*c, doc.err());
  e.store.submit(
      [bucket = c->addr.bucket, kind = std::string(id_kind_param(k)), id = *id, doc = std::move(*doc)](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        auto existing = find_bucket_config(db, bucket, kind, id);
        if (!existing.ok()) return existing.err();
        if (!*existing) {
          auto all = list_bucket_configs(db, bucket, kind, "", static_cast<int>(max_id_configurations));
          if (!all.ok()) return all.err();
          if (all->size() >= max_id_configurations) return fail(errc::too_many_configurations);
        }
        return put_bucket_config(db, bucket, kind, id, doc);
      },
      [&e, c](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        e.reply(*c, core::response{});
      });
}

void id_delete(engine& e, const call_ptr& c, id_kind k) {
  auto id = id_param(*c);
  if (!id.ok()) return e.reply_error(*c, id.err());
  e.store.submit(
      [bucket = c->addr.bucket, kind = std::string(id_kind_param(k)), id = *id](database& db) -> result<void> {
        auto b = find_bucket(db, bucket);
        if (!b.ok()) return b.err();
        if (!*b) return fail(errc::no_such_bucket);
        auto removed = delete_bucket_config(db, bucket, kind, id);
        if (!removed.ok()) return removed.err();
        if (!*removed) return fail(errc::no_such_configuration);
        return {};
      },
      [&e, c](result<void> r) {
        if (!r.ok()) return e.reply_error(*c, r.err());
        core::response resp;
        resp.status = 204;
        e.reply(*c, std::move(resp));
      });
}

void id_list(engine& e, const call_ptr& c, id_kind k) {
  if (auto b = read_bucket(e, c->addr.bucket); !b.ok()) return e.reply_error(*c, b.err());
  const std::string scope = c->addr.bucket + "?" + std::string(id_kind_param(k));
  std::string after;
  auto token = c->req.param("continuation-token");
  if (token && !read_continuation_token(scope, *token, after))
    return e.reply_error(*c, fail(errc::invalid_argument, "The continuation token provided is incorrect"));
  auto reader = e.store.reader();
  auto rows = list_bucket_configs(*reader, c->addr.bucket, id_kind_param(k), after, list_page + 1);
  if (!rows.ok()) return e.reply_error(*c, rows.err());
  bool truncated = rows->size() > static_cast<std::size_t>(list_page);
  if (truncated) rows->resize(list_page);
  // The stored documents are canonical, escaped XML: embedded as they are.
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + std::string(id_kind_list_root(k)) +
                     " xmlns=\"" + std::string(s3_xmlns) + "\">";
  if (token) body += "<ContinuationToken>" + std::string(*token) + "</ContinuationToken>";
  for (const auto& [id, doc] : *rows) body += doc;
  body += std::string("<IsTruncated>") + (truncated ? "true" : "false") + "</IsTruncated>";
  if (truncated) body += "<NextContinuationToken>" + make_continuation_token(scope, rows->back().first) + "</NextContinuationToken>";
  body += "</" + std::string(id_kind_list_root(k)) + ">";
  e.reply(*c, xml_response(std::move(body)));
}

}  // namespace

#define HAYLOFT_S3_ID_OPS(kind, name)                                            \
  void get_##name(engine& e, call_ptr c) { id_get(e, c, id_kind::kind); }       \
  void put_##name(engine& e, call_ptr c) { id_put(e, c, id_kind::kind); }       \
  void delete_##name(engine& e, call_ptr c) { id_delete(e, c, id_kind::kind); } \
  void list_##name(engine& e, call_ptr c) { id_list(e, c, id_kind::kind); }
HAYLOFT_S3_ID_OPS(inventory, bucket_inventory)
HAYLOFT_S3_ID_OPS(analytics, bucket_analytics)
HAYLOFT_S3_ID_OPS(metrics, bucket_metrics)
HAYLOFT_S3_ID_OPS(intelligent_tiering, bucket_intelligent_tiering)
#undef HAYLOFT_S3_ID_OPS

}  // namespace hayloft::s3::detail
