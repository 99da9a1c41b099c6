#include "s3/service/copy_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "emulator/core/utf8.h"
#include "s3/api/conditions.h"

namespace hayloft::s3::detail {
namespace {

hayloft::error internal(std::string what) { return fail(errc::internal_error, std::move(what)); }

// Copies a file range into a new temp file, digesting when asked; commits it as a blob.
result<ingested> copy_file(engine& e, const std::filesystem::path& from, const copy_spec& spec) {
  auto tmp = e.blobs.make_temp();
  int out = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return internal("cannot create temp file");
  ingested result;
  result.size = spec.length;
  if (!spec.compute_md5 && spec.checksum == checksum_algorithm::none) {
    auto r = append_file_range(out, from, spec.first, spec.length);
    ::close(out);
    if (!r.ok()) return r.err();
  } else {
    body_digest digest(spec.checksum);
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      ::close(out);
      return internal("cannot open copy source");
    }
    std::vector<char> buf(1 << 20);
    std::uint64_t left = spec.length;
    off_t off = static_cast<off_t>(spec.first);
    bool ok = true;
    while (ok && left > 0) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      auto n = ::pread(in, buf.data(), want, off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = false;
        break;
      }
      digest.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
      std::size_t done = 0;
      while (done < static_cast<std::size_t>(n)) {
        auto w = ::write(out, buf.data() + done, static_cast<std::size_t>(n) - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          ok = false;
          break;
        }
        done += static_cast<std::size_t>(w);
      }
      off += n;
      left -= static_cast<std::uint64_t>(n);
    }
    ::close(in);
    ::close(out);
    if (!ok) return internal("copy of source object failed");
    digest.finish();
    result.md5_raw = digest.md5_raw();
    result.checksum_alg = spec.checksum;
    result.checksum = digest.checksum_b64();
  }
  auto id = e.blobs.commit(std::move(tmp));
  if (!id.ok()) return id.err();
  result.blob = std::move(*id);
  return result;
}

}  // namespace

result<copy_source> parse_copy_source(std::string_view header) {
  auto q = header.find('?');
  auto path = header.substr(0, q);
  std::optional<std::string> version;
  if (q != std::string_view::npos) {
    auto query = header.substr(q + 1);
    if (query.starts_with("versionId=")) {
      if (!valid_version_id(query.substr(10))) return fail(errc::invalid_argument, "Invalid version id specified");
      version = std::string(query.substr(10));
    }
  }
  std::string decoded;
  if (!core::url_decode(path, decoded) || !core::valid_utf8(decoded))
    return fail(errc::invalid_argument, "Invalid copy source encoding");
  std::string_view d = decoded;
  if (!d.empty() && d.front() == '/') d.remove_prefix(1);
  auto slash = d.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == d.size())
    return fail(errc::invalid_argument, "Invalid copy source object key");
  return copy_source{std::string(d.substr(0, slash)), std::string(d.substr(slash + 1)), std::move(version)};
}

result<object_row> load_copy_source(engine& e, const core::request& req, const copy_source& src) {
  auto reader = e.store.reader();
  auto bucket = find_bucket(*reader, src.bucket);
  if (!bucket.ok()) return bucket.err();
  if (!*bucket) return fail(errc::no_such_bucket);
  auto row = src.version_id ? find_object_version(*reader, src.bucket, src.key, *src.version_id, true)
                            : find_object(*reader, src.bucket, src.key, true);
  if (!row.ok()) return row.err();
  if (!*row) return fail(src.version_id ? errc::no_such_version : errc::no_such_key);
  if ((*row)->delete_marker) {
    if (!src.version_id) return fail(errc::no_such_key);
    return fail(errc::invalid_request,
                "The source of a copy request may not specifically refer to a delete marker by version id.");
  }
  if (!readable_now(**row, core::to_unix_ms(e.clock.now())))
    return fail(errc::invalid_object_state, "Operation is not valid for the source object's storage class");
  if (evaluate_copy_source_conditions(req.headers, (*row)->etag, core::from_unix_ms((*row)->modified_ms)) !=
      condition_result::proceed)
    return fail(errc::precondition_failed);
  return std::move(**row);
}

void reply_copy_source_error(engine& e, call& c, const copy_source& src, const hayloft::error& err) {
  switch (to_errc(err.code)) {
    case errc::no_such_bucket: c.addr.bucket = src.bucket; break;
    case errc::no_such_key:
    case errc::no_such_version:
      c.addr.bucket = src.bucket;
      c.addr.key = src.key;
      break;
    default: break;
  }
  e.reply_error(c, err);
}

void add_copy_source_version(engine& e, core::response& r, const copy_source& src, const object_row& row) {
  auto bucket = e.cached_bucket(src.bucket);
  bool versioned = bucket.ok() && *bucket && !(*bucket)->versioning.empty();
  if (versioned || row.version_id != "null") r.headers.add("x-amz-copy-source-version-id", row.version_id);
}

void copy_bytes(engine& e, std::shared_ptr<const object_row> src, copy_spec spec, inflight::guard guard,
                std::function<void(result<ingested>)> done) {
  if (!src->blob) {
    std::string_view bytes = std::string_view(src->body).substr(static_cast<std::size_t>(spec.first),
                                                                static_cast<std::size_t>(spec.length));
    ingested out;
    out.size = bytes.size();
    if (spec.compute_md5) out.md5_raw = core::md5_raw(bytes);
    if (spec.checksum != checksum_algorithm::none) {
      checksum_hasher h(spec.checksum);
      h.update(bytes);
      out.checksum_alg = spec.checksum;
      out.checksum = h.final_base64();
    }
    if (spec.force_blob || bytes.size() > e.opts.inline_threshold) {
      auto id = e.blobs.write(bytes);
      if (!id.ok()) return done(id.err());
      out.blob = std::move(*id);
    } else {
      out.body = std::string(bytes);
    }
    return done(std::move(out));
  }
  auto path = e.blobs.path(*src->blob);
  auto g = std::make_shared<inflight::guard>(std::move(guard));
  e.blocking.post([&e, path, spec, g, done = std::move(done)] { done(copy_file(e, path, spec)); });
}

}  // namespace hayloft::s3::detail
