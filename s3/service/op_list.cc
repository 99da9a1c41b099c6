// ListObjects (v1 and v2), ListObjectVersions and ListMultipartUploads: read inline on the I/O
// thread.
#include "s3/api/results.h"
#include "s3/service/engine.h"
#include "s3/store/uploads.h"

namespace hayloft::s3::detail {
namespace {

result<bool> url_encoding(const core::request& req) {
  auto enc = req.param("encoding-type");
  if (!enc) return false;
  if (*enc != "url") return fail(errc::invalid_argument, "Invalid Encoding Method specified in Request");
  return true;
}

struct listing_page {
  std::vector<object_entry> contents;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last;  // the last key or common prefix returned (the next page starts after it)
};

// One page of keys and common prefixes after `start`, S3's ListObjects algorithm: a common
// prefix counts as one entry, and one at or before `start` was returned on an earlier page.
result<listing_page> collect(database& db, std::string_view bucket, const std::string& prefix,
                             const std::string& delim, const std::string& start, int max_keys) {
  listing_page out;
  std::string cursor = start;
  bool inclusive = false;
  int count = 0;
  bool done = max_keys == 0;
  while (!done) {
    const int batch = max_keys + 1;
    auto rows = list_object_rows(db, bucket, prefix, cursor, inclusive, batch);
    if (!rows.ok()) return rows.err();
    if (rows->empty()) break;
    bool requery = false;
    for (auto& row : *rows) {
      if (!delim.empty()) {
        auto pos = std::string_view(row.key).substr(prefix.size()).find(delim);
        if (pos != std::string_view::npos) {
          auto cp = row.key.substr(0, prefix.size() + pos + delim.size());
          if (start.empty() || cp > start) {
            if (count == max_keys) {
              out.truncated = true;
              done = true;
              break;
            }
            out.common_prefixes.push_back(cp);
            ++count;
            out.last = cp;
          }
          // Skip every other key under this common prefix.
          cursor = prefix_successor(cp);
          inclusive = true;
          if (cursor.empty()) done = true;
          requery = true;
          break;
        }
      }
      if (count == max_keys) {
        out.truncated = true;
        done = true;
        break;
      }
      object_entry o;
      o.key = std::move(row.key);
      o.last_modified = core::from_unix_ms(row.modified_ms);
      o.etag = std::move(row.etag);
      o.size = row.size;
      o.checksum_alg = static_cast<checksum_algorithm>(row.checksum_alg);
      o.checksum_type = std::move(row.checksum_type);
      o.storage_class = std::move(row.storage_class);
      out.last = o.key;
      cursor = o.key;
      inclusive = false;
      out.contents.push_back(std::move(o));
      ++count;
    }
    if (!requery && !done && static_cast<int>(rows->size()) < batch) break;
  }
  return out;
}

struct versions_page {
  std::vector<version_entry> versions;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key, next_version;
};

// S3's ListObjectVersions page: versions by key, newest first; a common prefix counts as one
// entry. Starts after (key_marker, the version with row id marker_id) when given, else after
// every version of key_marker.
class version_collector {
 public:
  version_collector(database& db, std::string_view bucket, const std::string& prefix, const std::string& delim,
                    const std::string& key_marker, int max_keys)
      : db_(db), bucket_(bucket), prefix_(prefix), delim_(delim), key_marker_(key_marker), max_(max_keys) {}

  result<versions_page> run(std::optional<std::int64_t> marker_id) {
    if (max_ == 0) return std::move(page_);
    bool done = false;
    if (marker_id && key_marker_.starts_with(prefix_) && rolled_prefix(key_marker_).empty())
      HAYLOFT_TRY(older_versions(key_marker_, *marker_id, done));
    std::string cursor = key_marker_;
    bool inclusive = false;
    while (!done) {
      auto rows = list_version_rows(db_, bucket_, prefix_, cursor, inclusive, batch());
      if (!rows.ok()) return rows.err();
      if (rows->empty()) break;
      bool requery = false;
      for (auto& v : *rows) {
        if (auto cp = rolled_prefix(v.key); !cp.empty()) {
          // A common prefix at or before the key marker was returned on an earlier page.
          if (key_marker_.empty() || cp > key_marker_) {
            if (!add_prefix(cp)) return std::move(page_);
          }
          cursor = prefix_successor(cp);
          inclusive = true;
          if (cursor.empty()) done = true;
          requery = true;
          break;
        }
        if (!add(std::move(v))) return std::move(page_);
      }
      if (done || requery) continue;
      if (static_cast<int>(rows->size()) < batch()) break;
      // The batch may have ended inside a key: finish its older versions, then go on after it.
      const auto last_key = rows->back().key;
      HAYLOFT_TRY(older_versions(last_key, rows->back().id, done));
      cursor = last_key;
      inclusive = false;
    }
    return std::move(page_);
  }

 private:
  int batch() const { return max_ + 1; }
  std::string rolled_prefix(std::string_view key) const {
    if (delim_.empty()) return {};
    auto pos = key.substr(prefix_.size()).find(delim_);
    if (pos == std::string_view::npos) return {};
    return std::string(key.substr(0, prefix_.size() + pos + delim_.size()));
  }
  bool full() {
    if (count_ < max_) return false;
    page_.truncated = true;
    return true;
  }
  bool add(listed_version v) {
    if (full()) return false;
    version_entry o;
    o.key = std::move(v.key);
    o.last_modified = core::from_unix_ms(v.modified_ms);
    o.etag = std::move(v.etag);
    o.size = v.size;
    o.checksum_alg = static_cast<checksum_algorithm>(v.checksum_alg);
    o.checksum_type = std::move(v.checksum_type);
    o.storage_class = std::move(v.storage_class);
    o.version_id = std::move(v.version_id);
    o.latest = v.latest;
    o.delete_marker = v.delete_marker;
    page_.next_key = o.key;
    page_.next_version = o.version_id;
    page_.versions.push_back(std::move(o));
    ++count_;
    return true;
  }
  bool add_prefix(const std::string& cp) {
    if (full()) return false;
    page_.common_prefixes.push_back(cp);
    page_.next_key = cp;
    page_.next_version.clear();
    ++count_;
    return true;
  }
  // Versions of `key` older than row id `before`; done when the page filled up.
  result<void> older_versions(const std::string& key, std::int64_t before, bool& done) {
    for (;;) {
      auto rows = list_older_versions(db_, bucket_, key, before, batch());
      if (!rows.ok()) return rows.err();
      for (auto& v : *rows) {
        before = v.id;
        if (!add(std::move(v))) {
          done = true;
          return {};
        }
      }
      if (static_cast<int>(rows->size()) < batch()) return {};
    }
  }

  database& db_;
  std::string_view bucket_;
  const std::string& prefix_;
  const std::string& delim_;
  const std::string& key_marker_;
  int max_;
  int count_ = 0;
  versions_page page_;
};

}  // namespace

void list_objects(engine& e, call_ptr c, bool v2) {
  const auto& req = c->req;
  list_objects_result out;
  out.v2 = v2;
  out.bucket = c->addr.bucket;
  out.prefix = std::string(req.param("prefix").value_or(""));
  out.delimiter = std::string(req.param("delimiter").value_or(""));
  auto url = url_encoding(req);
  if (!url.ok()) return e.reply_error(*c, url.err());
  out.url_encoding = *url;
  auto max = int_param(req, "max-keys", 1000, 0, 1000);
  if (!max.ok()) return e.reply_error(*c, max.err());
  out.max_keys = *max;
  std::string start;
  if (v2) {
    out.fetch_owner = req.param("fetch-owner").value_or("") == "true";
    if (auto token = req.param("continuation-token")) {
      out.has_continuation_token = true;
      out.continuation_token = std::string(*token);
      if (!read_continuation_token(c->addr.bucket, *token, start))
        return e.reply_error(*c, fail(errc::invalid_argument, "The continuation token provided is incorrect"));
    }
    if (auto sa = req.param("start-after")) {
      out.has_start_after = true;
      out.start_after = std::string(*sa);
      if (!out.has_continuation_token) start = out.start_after;
    }
  } else {
    out.marker = std::string(req.param("marker").value_or(""));
    start = out.marker;
  }

  auto reader = e.store.reader();
  auto bucket = find_bucket(*reader, c->addr.bucket);
  if (!bucket.ok()) return e.reply_error(*c, bucket.err());
  if (!*bucket) return e.reply_error(*c, fail(errc::no_such_bucket));
  auto page = collect(*reader, c->addr.bucket, out.prefix, out.delimiter, start, out.max_keys);
  if (!page.ok()) return e.reply_error(*c, page.err());
  out.contents = std::move(page->contents);
  out.common_prefixes = std::move(page->common_prefixes);
  out.truncated = page->truncated;
  const auto& delim = out.delimiter;
  const auto& last = page->last;
  if (out.truncated) {
    if (v2) out.next_continuation_token = make_continuation_token(c->addr.bucket, last);
    else if (!delim.empty()) out.next_marker = last;
  }
  core::response r;
  r.headers.add("Content-Type", "application/xml");
  r.body = render_list_objects(out);
  e.reply(*c, std::move(r));
}

void list_object_versions(engine& e, call_ptr c) {
  const auto& req = c->req;
  list_versions_result out;
  out.bucket = c->addr.bucket;
  out.prefix = std::string(req.param("prefix").value_or(""));
  out.delimiter = std::string(req.param("delimiter").value_or(""));
  out.key_marker = std::string(req.param("key-marker").value_or(""));
  out.version_id_marker = std::string(req.param("version-id-marker").value_or(""));
  auto url = url_encoding(req);
  if (!url.ok()) return e.reply_error(*c, url.err());
  out.url_encoding = *url;
  auto max = int_param(req, "max-keys", 1000, 0, 1000);
  if (!max.ok()) return e.reply_error(*c, max.err());
  out.max_keys = *max;
  if (req.has_param("version-id-marker")) {
    if (out.key_marker.empty())
      return e.reply_error(*c, fail(errc::invalid_argument, "A version-id marker cannot be specified without a key marker."));
    if (!valid_version_id(out.version_id_marker))
      return e.reply_error(*c, fail(errc::invalid_argument, "Invalid version id specified"));
  }
  auto reader = e.store.reader();
  auto bucket = find_bucket(*reader, c->addr.bucket);
  if (!bucket.ok()) return e.reply_error(*c, bucket.err());
  if (!*bucket) return e.reply_error(*c, fail(errc::no_such_bucket));
  std::optional<std::int64_t> marker_id;
  if (!out.version_id_marker.empty()) {
    auto id = version_row_id(*reader, c->addr.bucket, out.key_marker, out.version_id_marker);
    if (!id.ok()) return e.reply_error(*c, id.err());
    // A marker version that no longer exists: continue after the whole key.
    marker_id = *id;
  }
  version_collector collector(*reader, c->addr.bucket, out.prefix, out.delimiter, out.key_marker, out.max_keys);
  auto page = collector.run(marker_id);
  if (!page.ok()) return e.reply_error(*c, page.err());
  out.versions = std::move(page->versions);
  out.common_prefixes = std::move(page->common_prefixes);
  out.truncated = page->truncated;
  if (out.truncated) {
    out.next_key_marker = page->next_key;
    out.next_version_id_marker = page->next_version;
  }
  core::response r;
  r.headers.add("Content-Type", "application/xml");
  r.body = render_list_versions(out);
  e.reply(*c, std::move(r));
}

void list_multipart_uploads(engine& e, call_ptr c) {
  const auto& req = c->req;
  list_uploads_result out;
  out.bucket = c->addr.bucket;
  out.prefix = std::string(req.param("prefix").value_or(""));
  out.delimiter = std::string(req.param("delimiter").value_or(""));
  out.key_marker = std::string(req.param("key-marker").value_or(""));
  out.upload_id_marker = std::string(req.param("upload-id-marker").value_or(""));
  auto url = url_encoding(req);
  if (!url.ok()) return e.reply_error(*c, url.err());
  out.url_encoding = *url;
  auto max = int_param(req, "max-uploads", 1000, 1, 1000);
  if (!max.ok()) return e.reply_error(*c, max.err());
  out.max_uploads = *max;
  auto reader = e.store.reader();
  auto bucket = find_bucket(*reader, c->addr.bucket);
  if (!bucket.ok()) return e.reply_error(*c, bucket.err());
  if (!*bucket) return e.reply_error(*c, fail(errc::no_such_bucket));
  auto rows = list_upload_rows(*reader, c->addr.bucket, out.prefix, out.key_marker, out.upload_id_marker, 100000);
  if (!rows.ok()) return e.reply_error(*c, rows.err());
  int count = 0;
  for (auto& u : *rows) {
    std::string cp;
    if (!out.delimiter.empty()) {
      auto pos = std::string_view(u.key).substr(out.prefix.size()).find(out.delimiter);
      if (pos != std::string_view::npos) cp = u.key.substr(0, out.prefix.size() + pos + out.delimiter.size());
    }
    if (!cp.empty() && !out.common_prefixes.empty() && out.common_prefixes.back() == cp) continue;
    if (count == out.max_uploads) {
      out.truncated = true;
      break;
    }
    ++count;
    if (!cp.empty()) {
      out.common_prefixes.push_back(cp);
      out.next_key_marker = cp;
      out.next_upload_id_marker.clear();
      continue;
    }
    out.next_key_marker = u.key;
    out.next_upload_id_marker = u.upload_id;
    out.uploads.push_back({std::move(u.key), std::move(u.upload_id), core::from_unix_ms(u.initiated_ms),
                           static_cast<checksum_algorithm>(u.checksum_alg)});
  }
  core::response r;
  r.headers.add("Content-Type", "application/xml");
  r.body = render_list_uploads(out);
  e.reply(*c, std::move(r));
}

}  // namespace hayloft::s3::detail
