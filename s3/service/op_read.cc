// GetObject and HeadObject: answered inline on the I/O thread from the cache or one indexed
// SQLite read; file-backed bodies are handed to the edge as a file range to stream.
#include <charconv>

#include "s3/api/conditions.h"
#include "s3/api/tagging.h"
#include "s3/service/engine.h"
#include "s3/service/object_headers.h"

namespace hayloft::s3::detail {
namespace {

constexpr std::pair<std::string_view, std::string_view> overrides[] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};

std::string content_range(std::uint64_t first, std::uint64_t last, std::uint64_t size) {
  std::string s = "bytes ";
  s += std::to_string(first);
  s += '-';
  s += std::to_string(last);
  s += '/';
  s += std::to_string(size);
  return s;
}

// The cached or freshly read latest version of (bucket, key) (or the version asked for, which
// is not cached), nullptr when absent.
result<object_cache::entry> load(engine& e, std::string_view bucket, std::string_view key,
                                 const std::optional<std::string>& version) {
  if (version) {
    auto reader = e.store.reader();
    auto row = find_object_version(*reader, bucket, key, *version, true);
    if (!row.ok()) return row.err();
    if (!*row) return object_cache::entry{};
    return std::make_shared<const object_row>(std::move(**row));
  }
  if (auto hit = e.cache.find(bucket, key)) return hit;
  auto epoch = e.cache.epoch();
  auto reader = e.store.reader();
  auto row = find_object(*reader, bucket, key, true);
  if (!row.ok()) return row.err();
  if (!*row) return object_cache::entry{};
  auto entry = std::make_shared<const object_row>(std::move(**row));
  if (!entry->blob) e.cache.insert(bucket, entry, epoch);
  return entry;
}

}  // namespace

void get_object(engine& e, call_ptr c) {
  const auto& req = c->req;
  auto version = version_param(req);
  if (!version.ok()) return e.reply_error(*c, version.err());
  auto loaded = load(e, c->addr.bucket, c->addr.key, *version);
  if (!loaded.ok()) return e.reply_error(*c, loaded.err());
  auto& obj = *loaded;
  auto bucket = e.cached_bucket(c->addr.bucket);
  if (!bucket.ok()) return e.reply_error(*c, bucket.err());
  if (!*bucket) return e.reply_error(*c, fail(errc::no_such_bucket));
  if (!obj) return e.reply_error(*c, fail(*version ? errc::no_such_version : errc::no_such_key));
  auto last_modified = core::from_unix_ms(obj->modified_ms);
  const bool versioned = !(*bucket)->versioning.empty();
  if (obj->delete_marker) {
    // The latest version is a delete marker: 404 as if absent; addressed by its id: 405.
    auto resp = e.error_response(*c, fail(*version ? errc::method_not_allowed : errc::no_such_key));
    add_version_headers(resp, *obj, versioned);
    if (*version) resp.headers.add("Last-Modified", core::http_date(last_modified));
    return e.reply(*c, std::move(resp));
  }
  const auto now_ms = core::to_unix_ms(e.clock.now());
  // An archived version's bytes can be read only while a restored copy exists (HEAD always works).
  if (!c->head && !readable_now(*obj, now_ms))
    return e.reply_error(*c, fail(errc::invalid_object_state, "The operation is not valid for the object's storage class"));
  core::response r;
  std::string_view failed_header;
  switch (evaluate_read_conditions(req.headers, obj->etag, last_modified, &failed_header)) {
    case condition_result::proceed: break;
    case condition_result::not_modified:
      r.status = 304;
      r.headers.add("ETag", obj->etag);
      r.headers.add("Last-Modified", core::http_date(last_modified));
      return e.reply(*c, std::move(r));
    case condition_result::precondition_failed: return e.reply_error(*c, fail(errc::precondition_failed));
  }
  if (auto pn = req.param("partNumber")) {
    int n = 0;
    auto res = std::from_chars(pn->data(), pn->data() + pn->size(), n);
    if (res.ec != std::errc{} || res.ptr != pn->data() + pn->size() || n < 1 || n > 10000)
      return e.reply_error(*c, fail(errc::invalid_part_number));
    // Multipart objects are stored concatenated, so only a single-part view exists.
    if (n != 1 || obj->parts > 1)
      return e.reply_error(*c, fail(errc::not_implemented, "GetObject with partNumber is supported for part 1 of "
                                                           "single-part objects only"));
  }
  std::uint64_t first = 0, length = obj->size;
  bool ranged = false;
  if (auto range = req.headers.get("range")) {
    byte_range br;
    switch (parse_range(*range, obj->size, br)) {
      case range_status::none: break;
      case range_status::unsatisfiable: {
        auto resp = e.error_response(*c, fail(errc::invalid_range));
        resp.headers.add("Content-Range", "bytes */" + std::to_string(obj->size));
        return e.reply(*c, std::move(resp));
      }
      case range_status::satisfiable:
        ranged = true;
        first = br.first;
        length = br.length();
        break;
    }
  }
  r.status = ranged ? 206 : 200;
  bool overridden[std::size(overrides)] = {};
  for (std::size_t i = 0; i < std::size(overrides); ++i) {
    if (auto v = req.param(overrides[i].first)) {
      // The value becomes a response header: a control character (CR, LF, NUL) cannot be in one.
      for (char ch : *v)
        if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\t') || ch == 0x7f)
          return e.reply_error(*c, fail(errc::invalid_argument, "A response header override holds a control character."));
      r.headers.add(std::string(overrides[i].second), std::string(*v));
      overridden[i] = true;
    }
  }
  for_each_stored_header(obj->headers, [&](std::string_view name, std::string_view value) {
    for (std::size_t i = 0; i < std::size(overrides); ++i)
      if (overridden[i] && name == overrides[i].second) return;
    r.headers.add(std::string(name), std::string(value));
  });
  r.headers.add("ETag", obj->etag);
  r.headers.add("Last-Modified", core::http_date(last_modified));
  r.headers.add("Accept-Ranges", "bytes");
  add_version_headers(r, *obj, versioned);
  add_lock_headers(r, *obj);
  add_restore_header(r, *obj, now_ms);
  if (auto expiration = expiration_of(**bucket, *obj); !expiration.empty()) r.headers.add("x-amz-expiration", expiration);
  if (obj->storage_class != "STANDARD") r.headers.add("x-amz-storage-class", obj->storage_class);
  if (auto n = stored_tag_count(obj->tags); n > 0) r.headers.add("x-amz-tagging-count", std::to_string(n));
  if (ranged) r.headers.add("Content-Range", content_range(first, first + length - 1, obj->size));
  if (obj->parts > 0 && req.has_param("partNumber")) r.headers.add("x-amz-mp-parts-count", std::to_string(obj->parts));
  // Full-object checksums only describe the whole body: never send them with a range.
  auto mode = req.headers.get("x-amz-checksum-mode");
  if (mode && core::iequals(*mode, "ENABLED") && !ranged && obj->checksum_alg != 0 && !obj->checksum.empty()) {
    r.headers.add(std::string(algorithm_header(static_cast<checksum_algorithm>(obj->checksum_alg))), obj->checksum);
    if (!obj->checksum_type.empty()) r.headers.add("x-amz-checksum-type", obj->checksum_type);
  }
  if (c->head) {
    r.head_length = length;
  } else if (obj->blob) {
    r.file = core::response::file_range{e.blobs.path(*obj->blob), first, length};
  } else {
    r.body.assign(obj->body, static_cast<std::size_t>(first), static_cast<std::size_t>(length));
  }
  e.reply(*c, std::move(r));
}

}  // namespace hayloft::s3::detail
