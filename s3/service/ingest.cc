#include "s3/service/ingest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include "s3/api/aws_chunked.h"

namespace hayloft::s3::detail {
namespace {

constexpr std::size_t io_chunk = 1 << 20;

// Buffered writer to a temp file.
class file_out {
 public:
  explicit file_out(const std::filesystem::path& p) {
    fd_ = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    buf_.reserve(io_chunk);
  }
  ~file_out() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0 && ok_; }
  void write(std::string_view d) {
    if (buf_.size() + d.size() > io_chunk) flush();
    if (d.size() >= io_chunk) {
      raw(d);
      return;
    }
    buf_.append(d);
  }
  bool close() {
    flush();
    if (fd_ >= 0 && ::close(fd_) != 0) ok_ = false;
    fd_ = -1;
    return ok_;
  }

 private:
  void flush() {
    raw(buf_);
    buf_.clear();
  }
  void raw(std::string_view d) {
    while (ok_ && !d.empty()) {
      auto n = ::write(fd_, d.data(), d.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok_ = false;
        return;
      }
      d.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  int fd_ = -1;
  bool ok_ = true;
  std::string buf_;
};

hayloft::error internal(std::string what) { return fail(errc::internal_error, std::move(what)); }

// Streams the request body (memory or file) to fn in chunks.
result<void> for_each_chunk(const core::request& req, const std::function<bool(std::string_view)>& fn) {
  if (!req.body_in_file()) {
    std::string_view b = req.body;
    while (!b.empty()) {
      auto n = std::min(b.size(), io_chunk);
      if (!fn(b.substr(0, n))) return {};
      b.remove_prefix(n);
    }
    return {};
  }
  int fd = ::open(req.body_file.path().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return internal("cannot open spilled body " + req.body_file.path().string());
  std::vector<char> buf(io_chunk);
  for (;;) {
    auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return internal("read of spilled body failed");
    }
    if (n == 0) break;
    if (!fn(std::string_view(buf.data(), static_cast<std::size_t>(n)))) break;
  }
  ::close(fd);
  return {};
}

// Checks the finished digest against what the client declared.
result<void> verify(const ingest_spec& spec, const body_digest& d, const std::string& sha256_raw,
                    const aws_chunked_decoder* dec) {
  if (spec.decoded_length && *spec.decoded_length != d.size()) return fail(errc::incomplete_body);
  if (spec.content_md5 && *spec.content_md5 != d.md5_raw()) return fail(errc::bad_digest);
  if (spec.content_sha256 && *spec.content_sha256 != sha256_raw) return fail(errc::content_sha256_mismatch);
  auto alg = spec.checksum.algorithm;
  if (alg == checksum_algorithm::none) return {};
  std::string expected = spec.checksum.expected;
  if (spec.checksum.in_trailer) {
    auto v = dec ? dec->trailer(algorithm_header(alg)) : std::nullopt;
    if (!v) return fail(errc::invalid_request, "x-amz-trailer header specified but no trailer was sent");
    if (!valid_checksum_value(alg, *v))
      return fail(errc::invalid_request, "Value for " + std::string(algorithm_header(alg)) + " trailing header is invalid.");
    expected = std::string(*v);
  }
  if (!expected.empty() && expected != d.checksum_b64())
    return fail(errc::bad_digest,
                "The " + std::string(algorithm_name(alg)) + " you specified did not match the calculated checksum.");
  return {};
}

ingested result_of(const ingest_spec& spec, const body_digest& d) {
  ingested out;
  out.size = d.size();
  out.md5_raw = d.md5_raw();
  out.checksum_alg = spec.checksum.algorithm;
  out.checksum = d.checksum_b64();
  return out;
}

// The whole pipeline for one body; `keep_inline` selects memory vs. blob file output.
result<ingested> process(engine& e, core::request& req, const ingest_spec& spec) {
  body_digest digest(spec.checksum.algorithm);
  std::optional<core::incremental_hash> sha256;
  if (spec.content_sha256) sha256.emplace(core::incremental_hash::kind::sha256);
  std::optional<aws_chunked_decoder> decoder;
  if (spec.chunked) decoder.emplace();

  std::uint64_t expected_size = spec.decoded_length.value_or(req.body_in_file() ? req.body_size : req.body.size());
  bool keep_inline = !spec.force_blob && expected_size <= e.opts.inline_threshold &&
                     (spec.chunked || !req.body_in_file());
  std::string memory;
  std::optional<core::temp_file> tmp;
  std::optional<file_out> out;
  // A spilled, non-chunked body is already the file we want: hash it and rename it into place.
  bool reuse_spill = !spec.chunked && req.body_in_file() && !keep_inline;
  if (!keep_inline && !reuse_spill) {
    tmp.emplace(e.blobs.make_temp());
    out.emplace(tmp->path());
    if (!out->ok()) return internal("cannot create temp file");
  }
  std::uint64_t raw_size = 0;
  auto emit = [&](std::string_view d) {
    digest.update(d);
    if (keep_inline) memory.append(d);
    else if (out) out->write(d);
  };
  bool malformed = false;
  auto r = for_each_chunk(req, [&](std::string_view chunk) {
    raw_size += chunk.size();
    if (sha256) sha256->update(chunk);
    if (decoder) {
      if (!decoder->feed(chunk, emit)) {
        malformed = true;
        return false;
      }
    } else {
      emit(chunk);
    }
    return true;
  });
  if (!r.ok()) return r.err();
  if (malformed || (decoder && !decoder->finish()))
    return fail(errc::incomplete_body, "The request body is not a valid aws-chunked stream");
  if (out && !out->close()) return internal("write to temp file failed");
  digest.finish();
  std::string sha_raw = sha256 ? sha256->final_raw() : std::string();
  HAYLOFT_TRY(verify(spec, digest, sha_raw, decoder ? &*decoder : nullptr));
  auto result = result_of(spec, digest);
  if (keep_inline) {
    result.body = std::move(memory);
    return result;
  }
  auto id = reuse_spill ? e.blobs.commit(std::move(req.body_file)) : e.blobs.commit(std::move(*tmp));
  if (!id.ok()) return id.err();
  result.blob = std::move(*id);
  return result;
}

}  // namespace

result<ingest_spec> ingest_spec_from(const engine& e, const core::request& req) {
  ingest_spec spec;
  auto md5 = content_md5(req.headers);
  if (!md5.ok()) return md5.err();
  spec.content_md5 = std::move(*md5);
  auto checksum = checksum_from_headers(req.headers);
  if (!checksum.ok()) return checksum.err();
  spec.checksum = std::move(*checksum);
  spec.chunked = is_aws_chunked(req.headers);
  if (auto sha = req.headers.get("x-amz-content-sha256"); sha && !spec.chunked && sha->size() == 64) {
    std::string raw;
    if (core::from_hex(*sha, raw)) spec.content_sha256 = std::move(raw);
  }
  if (spec.chunked) {
    if (auto dl = req.headers.get("x-amz-decoded-content-length")) {
      std::uint64_t n = 0;
      auto r = std::from_chars(dl->data(), dl->data() + dl->size(), n);
      if (r.ec != std::errc{} || r.ptr != dl->data() + dl->size())
        return fail(errc::invalid_argument, "Invalid x-amz-decoded-content-length");
      spec.decoded_length = n;
    }
  } else if (spec.checksum.in_trailer) {
    return fail(errc::invalid_request, "The x-amz-trailer header requires an aws-chunked request body");
  }
  if (!req.headers.has("content-length") && !req.headers.has("transfer-encoding") && req.body_size == 0 &&
      req.body.empty())
    return fail(errc::missing_content_length);
  std::uint64_t size = spec.decoded_length.value_or(req.body_in_file() ? req.body_size : req.body.size());
  if (size > e.opts.max_put_size) return fail(errc::entity_too_large);
  return spec;
}

void ingest_body(engine& e, const call_ptr& c, ingest_spec spec, std::function<void(result<ingested>)> done) {
  bool small = !c->req.body_in_file() && c->req.body.size() <= e.opts.inline_threshold && !spec.force_blob;
  if (small) {
    done(process(e, c->req, spec));
    return;
  }
  e.blocking.post([&e, c, spec = std::move(spec), done = std::move(done)] { done(process(e, c->req, spec)); });
}

}  // namespace hayloft::s3::detail
