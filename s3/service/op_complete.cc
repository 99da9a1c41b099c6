// CompleteMultipartUpload: validate the part list, concatenate on the task_runner, commit.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "s3/api/documents.h"
#include "s3/api/results.h"
#include "s3/service/engine.h"
#include "s3/service/object_headers.h"
#include "s3/store/uploads.h"

namespace hayloft::s3::detail {
namespace {

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

hayloft::error internal(std::string what) { return fail(errc::internal_error, std::move(what)); }

struct assembled {
  std::string body;
  std::optional<std::string> blob;
  std::string full_checksum;  // base64, when a FULL_OBJECT checksum was computed
};

// Reads a whole part file through fn (used when the bytes must be hashed or kept in memory).
result<void> read_part(const std::filesystem::path& p, const std::function<void(std::string_view)>& fn) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return internal("cannot open part " + p.string());
  std::vector<char> buf(1 << 20);
  for (;;) {
    auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return internal("read of part failed");
    }
    if (n == 0) break;
    fn(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  return {};
}

// Concatenates the parts: in memory when small, else into a new blob (copy_file_range unless a
// full-object checksum must be computed on the way).
result<assembled> assemble(engine& e, const std::vector<part_row>& parts, std::uint64_t total,
                           checksum_algorithm full_alg) {
  assembled out;
  std::optional<checksum_hasher> hasher;
  if (full_alg != checksum_algorithm::none) hasher.emplace(full_alg);
  if (total <= e.opts.inline_threshold) {
    out.body.reserve(static_cast<std::size_t>(total));
    for (const auto& p : parts)
      HAYLOFT_TRY(read_part(e.blobs.path(p.blob), [&](std::string_view d) { out.body.append(d); }));
    if (hasher) {
      hasher->update(out.body);
      out.full_checksum = hasher->final_base64();
    }
    return out;
  }
  auto tmp = e.blobs.make_temp();
  int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return internal("cannot create temp file");
  for (const auto& p : parts) {
    result<void> r;
    if (hasher) {
      r = read_part(e.blobs.path(p.blob), [&](std::string_view d) {
        hasher->update(d);
        while (!d.empty()) {
          auto n = ::write(fd, d.data(), d.size());
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) return;
          d.remove_prefix(static_cast<std::size_t>(n));
        }
      });
    } else {
      r = append_file_range(fd, e.blobs.path(p.blob), 0, p.size);
    }
    if (!r.ok()) {
      ::close(fd);
      return r.err();
    }
  }
  ::close(fd);
  std::error_code ec;
  if (std::filesystem::file_size(tmp.path(), ec) != total || ec) return internal("assembled object has the wrong size");
  if (hasher) out.full_checksum = hasher->final_base64();
  auto id = e.blobs.commit(std::move(tmp));
  if (!id.ok()) return id.err();
  out.blob = std::move(*id);
  return out;
}

}  // namespace

void complete_multipart_upload(engine& e, call_ptr c) {
  auto id = std::string(c->req.param("uploadId").value_or(""));
  upload_row upload;
  std::vector<part_row> stored;
  {
    auto reader = e.store.reader();
    auto u = find_upload(*reader, id);
    if (!u.ok()) return e.reply_error(*c, u.err());
    if (!*u || (*u)->bucket != c->addr.bucket || (*u)->key != c->addr.key) {
      auto b = find_bucket(*reader, c->addr.bucket);
      if (!b.ok()) return e.reply_error(*c, b.err());
      return e.reply_error(*c, fail(*b ? errc::no_such_upload : errc::no_such_bucket));
    }
    upload = std::move(**u);
    auto parts = list_part_rows(*reader, id, 0, 10001);
    if (!parts.ok()) return e.reply_error(*c, parts.err());
    stored = std::move(*parts);
  }
  auto body = xml_body(c->req);
  if (!body.ok()) return e.reply_error(*c, body.err());
  auto requested = parse_complete_multipart(*body);
  if (!requested.ok()) return e.reply_error(*c, requested.err());

  auto selected = std::make_shared<std::vector<part_row>>();
  std::string md5s;
  std::uint64_t total = 0;
  int previous = 0;
  std::vector<std::string> checksums;
  auto alg = static_cast<checksum_algorithm>(upload.checksum_alg);
  for (const auto& want : *requested) {
    if (want.number <= previous) return e.reply_error(*c, fail(errc::invalid_part_order));
    previous = want.number;
    // stored is ordered by part number (list_part_rows): a lookup per part, not a scan.
    auto it = std::lower_bound(stored.begin(), stored.end(), want.number,
                               [](const part_row& p, int n) { return p.number < n; });
    if (it == stored.end() || it->number != want.number || unquote(it->etag) != unquote(want.etag))
      return e.reply_error(*c, fail(errc::invalid_part));
    if (!want.checksum.empty() && !it->checksum.empty() && want.checksum != it->checksum)
      return e.reply_error(*c, fail(errc::invalid_part));
    selected->push_back(*it);
  }
  for (std::size_t i = 0; i + 1 < selected->size(); ++i)
    if ((*selected)[i].size < e.opts.min_part_size) return e.reply_error(*c, fail(errc::entity_too_small));
  for (const auto& p : *selected) {
    std::string raw;
    core::from_hex(unquote(p.etag), raw);
    md5s += raw;
    total += p.size;
    checksums.push_back(p.checksum);
  }
  auto oc = std::make_shared<object_commit>();
  oc->bucket = c->addr.bucket;
  oc->event_name = "ObjectCreated:CompleteMultipartUpload";
  oc->request_id = c->request_id;
  oc->host_id = c->host_id;
  oc->source_ip = c->req.remote;
  oc->upload_id = id;
  auto& row = oc->row;
  row.key = c->addr.key;
  row.size = total;
  // S3 dates a multipart object by its upload's initiation.
  row.modified_ms = upload.initiated_ms;
  row.etag = quote_etag(core::to_hex(core::md5_raw(md5s)) + "-" + std::to_string(selected->size()));
  row.headers = upload.headers;
  row.storage_class = take_storage_class(row.headers);
  auto mode = take_stored_header(row.headers, "x-amz-object-lock-mode");
  auto until = take_stored_header(row.headers, "x-amz-object-lock-retain-until-date");
  auto hold = take_stored_header(row.headers, "x-amz-object-lock-legal-hold");
  row.tags = take_stored_header(row.headers, "x-amz-tagging").value_or("");
  if (mode || hold) {
    lock_headers lock;
    retention r;
    if (mode && until && core::parse_iso8601(*until, r.until)) {
      r.mode = *mode;
      lock.retain = std::move(r);
    }
    if (hold) lock.legal_hold = *hold == "ON";
    oc->lock = std::move(lock);
  }
  row.acl = upload.acl;
  row.parts = static_cast<int>(selected->size());
  for (const auto& p : *selected) {
    row.part_list += std::to_string(p.number) + ' ' + std::to_string(p.size) + ' ' + p.checksum + '\n';
  }
  checksum_algorithm full_alg = checksum_algorithm::none;
  if (alg != checksum_algorithm::none) {
    row.checksum_alg = upload.checksum_alg;
    row.checksum_type = upload.checksum_type;
    if (upload.checksum_type == "FULL_OBJECT") {
      full_alg = alg;
    } else if (std::all_of(checksums.begin(), checksums.end(), [](const std::string& s) { return !s.empty(); })) {
      row.checksum = composite_checksum(alg, checksums);
    }
  }
  e.blocking.post([&e, c, oc, selected, total, full_alg] {
    auto built = assemble(e, *selected, total, full_alg);
    if (!built.ok()) return e.reply_error(*c, built.err());
    oc->row.blob = built->blob;
    oc->row.body = std::move(built->body);
    if (full_alg != checksum_algorithm::none) oc->row.checksum = built->full_checksum;
    e.commit_object(oc, [&e, c, oc](result<void> r) {
      if (!r.ok()) return e.reply_error(*c, r.err());
      std::string host(c->req.headers.value_or("host", "localhost"));
      std::string location = "http://" + host + "/" + (c->addr.virtual_host ? "" : c->addr.bucket + "/") +
                             core::url_encode(c->addr.key, true);
      core::response resp;
      resp.headers.add("Content-Type", "application/xml");
      add_version_headers(resp, oc->row, oc->versioned);
      add_encryption_headers(resp, oc->row.headers);
      resp.body = render_complete_multipart(location, c->addr.bucket, c->addr.key, oc->row.etag,
                                            static_cast<checksum_algorithm>(oc->row.checksum_alg), oc->row.checksum,
                                            oc->row.checksum_type);
      e.reply(*c, std::move(resp));
    });
  });
}

}  // namespace hayloft::s3::detail
