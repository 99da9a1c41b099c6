#include "emulator/app/upload_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "emulator/app/upload_progress.h"
#include "emulator/core/http_message.h"
#include "emulator/http/aws_client.h"
#include "emulator/http/client.h"

namespace hayloft::app {
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t multipart_threshold = 8ull << 20;
constexpr std::uint64_t min_part_size = 8ull << 20;
constexpr std::uint64_t max_parts = 10000;

struct upload_item {
  fs::path path;
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // set once uploaded
  bool ok = false;
};

// Lists the files to upload, or an error message naming the first bad argument.
std::string collect(const upload_options& o, std::vector<upload_item>& out) {
  for (const auto& arg : o.paths) {
    std::error_code ec;
    fs::path p(arg);
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) return arg + ": no such file or directory";
    if (fs::is_regular_file(st)) {
      out.push_back({p, o.prefix + p.filename().string(), fs::file_size(p, ec)});
      continue;
    }
    if (!fs::is_directory(st)) return arg + ": not a regular file or directory";
    for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      out.push_back({it->path(), o.prefix + fs::relative(it->path(), p, ec).generic_string(),
                     it->file_size(ec)});
    }
    if (ec) return arg + ": " + ec.message();
  }
  std::sort(out.begin(), out.end(),
            [](const upload_item& a, const upload_item& b) { return a.key < b.key; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].key == out[i - 1].key)
      return "two files map to the key " + out[i].key + " (" + out[i - 1].path.string() + ", " +
             out[i].path.string() + ")";
  return {};
}

// What `aws s3 cp` would guess for the types the consumer converts.
std::string content_type_for(const fs::path& p) {
  static const std::map<std::string, std::string> types = {
      {".txt", "text/plain"},        {".md", "text/markdown"},    {".markdown", "text/markdown"},
      {".html", "text/html"},        {".htm", "text/html"},       {".pdf", "application/pdf"},
      {".json", "application/json"}, {".csv", "text/csv"},        {".zip", "application/zip"},
      {".tar", "application/x-tar"}, {".gz", "application/gzip"}, {".tgz", "application/gzip"},
  };
  std::string ext = core::to_lower(p.extension().string());
  auto it = types.find(ext);
  return it == types.end() ? std::string() : it->second;
}

result<std::string> upload_multipart(http::aws_client& aws, const std::string& bucket,
                                     const upload_item& f, upload_progress& progress) {
  std::uint64_t part = std::max(min_part_size, (f.size + max_parts - 1) / max_parts);
  part = (part + (1ull << 20) - 1) & ~((1ull << 20) - 1);  // whole MiB
  auto id = aws.create_multipart_upload(bucket, f.key, content_type_for(f.path));
  if (!id.ok()) return id.err();
  std::vector<http::completed_part> parts;
  for (std::uint64_t off = 0, n = 1; off < f.size; off += part, ++n) {
    http::file_range range{f.path, off, std::min(part, f.size - off)};
    auto etag = aws.upload_part(bucket, f.key, *id, static_cast<int>(n), range,
                                [&progress](std::size_t b) { progress.add_bytes(b); });
    if (!etag.ok()) {
      (void)aws.abort_multipart_upload(bucket, f.key, *id);
      return etag.err();
    }
    parts.push_back({static_cast<int>(n), *etag});
  }
  auto done = aws.complete_multipart_upload(bucket, f.key, *id, parts);
  if (!done.ok()) (void)aws.abort_multipart_upload(bucket, f.key, *id);
  return done;
}

void upload_one(http::aws_client& aws, const upload_options& o, const std::string& queue_url,
                upload_item& f, upload_progress& progress) {
  result<std::string> etag = std::string();
  if (f.size > multipart_threshold)
    etag = upload_multipart(aws, o.bucket, f, progress);
  else
    etag = aws.put_object(o.bucket, f.key, {f.path, 0, f.size}, content_type_for(f.path),
                          [&progress](std::size_t b) { progress.add_bytes(b); });
  if (!etag.ok()) {
    progress.error("upload of " + f.path.string() + " to s3://" + o.bucket + "/" + f.key +
                   " failed: " + etag.err().message);
    return;
  }
  f.etag = *etag;
  if (!o.no_queue) {
    if (auto m = aws.send_message(queue_url, f.key); !m.ok()) {
      progress.error("s3://" + o.bucket + "/" + f.key + " uploaded, but sending it to queue " +
                     o.queue + " failed: " + m.err().message);
      return;
    }
  }
  f.ok = true;
  progress.file_done(f.key, f.size);
}

// Polls the document store until every uploaded key is indexed with its ETag.
bool wait_indexed(const upload_options& o, const std::string& endpoint,
                  const std::vector<upload_item>& items, upload_progress& progress,
                  std::chrono::steady_clock::time_point started) {
  http::client hayloft(endpoint, std::chrono::seconds(30));
  const auto deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(o.wait_timeout));
  std::string last_error;
  std::size_t indexed = 0;
  std::set<std::string> indexed_keys;
  while (true) {
    auto r = hayloft.get("/_hayloft/docs?index=" + core::url_encode(o.index));
    if (r.ok() && r->status == 200) {
      auto j = nlohmann::json::parse(r->body, nullptr, false);
      std::map<std::string, std::string> etags;
      if (!j.is_discarded() && j.contains("files") && j["files"].is_array())
        for (const auto& f : j["files"])
          if (f.is_object() && f.value("bucket", "") == o.bucket)
            etags[f.value("key", "")] = http::unquote_etag(f.value("etag", ""));
      indexed_keys.clear();
      for (const auto& it : items) {
        auto e = etags.find(it.key);
        if (e != etags.end() && e->second == it.etag) indexed_keys.insert(it.key);
      }
      indexed = indexed_keys.size();
      last_error.clear();
      if (indexed == items.size()) return true;
    } else {
      last_error = r.ok() ? "GET /_hayloft/docs answered HTTP " + std::to_string(r->status)
                          : r.err().message;
    }
    progress.set_status("waiting for indexing: " + std::to_string(indexed) + "/" +
                        std::to_string(items.size()) + " files indexed");
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string missing;
      int listed = 0;
      for (const auto& it : items) {
        if (indexed_keys.contains(it.key)) continue;
        if (listed++ == 5) {
          missing += ", ...";
          break;
        }
        missing += (missing.empty() ? "" : ", ") + it.key;
      }
      progress.error("timed out after " + std::to_string(static_cast<int>(o.wait_timeout)) +
                     "s waiting for indexing (" + std::to_string(indexed) + " of " +
                     std::to_string(items.size()) + " files indexed in index " + o.index +
                     "; not indexed: " + missing +
                     (last_error.empty() ? "" : "; last error: " + last_error) +
                     "; is a consumer running? its log says why a file was not indexed)");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace

CLI::App* add_upload_command(CLI::App& cli, upload_options& o) {
  auto* cmd = cli.add_subcommand(
      "upload", "upload files or directories to S3 and queue their keys (like upload.py)");
  cmd->add_option("paths", o.paths, "files or directories")->required();
  cmd->add_option("--endpoint", o.endpoint,
                  "hayloft endpoint (default $HAYLOFT_ENDPOINT or http://127.0.0.1:4566)");
  cmd->add_option("--bucket", o.bucket, "destination bucket")->capture_default_str();
  cmd->add_option("--queue", o.queue, "queue to send each key to")->capture_default_str();
  cmd->add_option("--prefix", o.prefix, "prepended to every key");
  cmd->add_flag("--no-queue", o.no_queue, "upload only, send no messages");
  cmd->add_flag("--wait", o.wait, "wait until every uploaded file is indexed");
  cmd->add_option("--index", o.index, "document index --wait watches")->capture_default_str();
  cmd->add_option("--wait-timeout", o.wait_timeout, "seconds --wait waits at most")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--jobs,-j", o.jobs, "files uploaded in parallel")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  return cmd;
}

int run_upload(const upload_options& o, const std::string& cli_endpoint) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<upload_item> items;
  if (auto problem = collect(o, items); !problem.empty()) {
    std::fprintf(stderr, "error: %s\n", problem.c_str());
    return 1;
  }
  if (items.empty()) {
    std::fprintf(stderr, "error: nothing to upload (the directories are empty)\n");
    return 1;
  }
  const std::string endpoint =
      http::default_endpoint(o.endpoint.empty() ? cli_endpoint : o.endpoint);
  std::unique_ptr<http::aws_client> aws;
  try {
    aws = std::make_unique<http::aws_client>(http::aws_config::from_env(endpoint));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  std::string queue_url;
  if (!o.no_queue) {
    auto url = aws->get_queue_url(o.queue);
    if (!url.ok()) {
      std::fprintf(stderr, "error: queue %s: %s\n", o.queue.c_str(), url.err().message.c_str());
      return 1;
    }
    queue_url = *url;
  }

  std::uint64_t total = 0;
  for (const auto& it : items) total += it.size;
  upload_progress progress(::isatty(STDOUT_FILENO) == 1, items.size(), total);
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  const auto jobs = std::min<std::size_t>(o.jobs, items.size());
  for (std::size_t w = 0; w < jobs; ++w)
    workers.emplace_back([&] {
      for (std::size_t i; (i = next++) < items.size();)
        upload_one(*aws, o, queue_url, items[i], progress);
    });
  for (auto& t : workers) t.join();

  const std::size_t failed = progress.failures();
  bool ok = failed == 0;
  if (ok && o.wait) ok = wait_indexed(o, endpoint, items, progress, started);
  progress.finish();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (failed) {
    std::fprintf(stderr, "error: %zu of %zu files failed\n", failed, items.size());
    return 1;
  }
  if (!ok) return 1;
  if (o.wait)
    std::printf("indexed %zu files in %.1fs\n", items.size(), secs);
  else
    std::printf("uploaded %zu files (%s) in %.1fs\n", items.size(),
                human_bytes(static_cast<double>(total)).c_str(), secs);
  return 0;
}

}  // namespace hayloft::app
