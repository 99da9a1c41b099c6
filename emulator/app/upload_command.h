#pragma once
// `hayloft upload PATH...`: what the reference app's upload.py does, for files and whole
// directories: each file goes to S3 (multipart above 8 MiB, parts streamed from disk) and its key
// is sent to the queue as the message body. Several files upload in parallel (--jobs).
//
// Keys: a file argument becomes prefix + its file name; a directory argument contributes every
// regular file below it as prefix + its path relative to that directory, with '/' separators.
//
// Output: on a terminal one progress line that updates in place; otherwise one line per file,
// "uploaded KEY (N bytes)". Failures go to stderr with the AWS error code and message. --wait
// then polls the running hayloft's document store (GET /_hayloft/docs) until every uploaded key
// is indexed with the ETag it was uploaded with, and prints "indexed N files in X.Ys" (time
// since the upload started).
//
// Exit code 0 when every file was uploaded (and queued, and indexed with --wait), else 1.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace hayloft::app {

struct upload_options {
  std::vector<std::string> paths;
  std::string endpoint;  // empty: the CLI's --endpoint, $HAYLOFT_ENDPOINT, http://127.0.0.1:4566
  std::string bucket = "test-bucket";
  std::string queue = "test-queue";
  std::string prefix;
  bool no_queue = false;
  bool wait = false;
  std::string index = "default";  // --wait watches this document index
  double wait_timeout = 600;      // seconds --wait waits at most
  unsigned jobs = 4;
};

// Registers the `upload` subcommand and its flags on `cli`, filling `opts` when parsed.
CLI::App* add_upload_command(CLI::App& cli, upload_options& opts);

// Uploads; `cli_endpoint` is the top-level --endpoint (used when opts.endpoint is empty).
// Returns the process exit code. Blocking.
int run_upload(const upload_options& opts, const std::string& cli_endpoint);

}  // namespace hayloft::app
