#pragma once
// The kubectl-like verbs of the `hayloft` command line (apply, delete, get, describe, scale,
// logs, create namespace), as a client of a running `hayloft up` over the admin API. The app's
// CLI11 front end parses flags into a `command` (or lets add_subcommands do it) and calls run()
// with an HTTP client; everything else, including kubectl's output and exit codes, is here.
#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::cli {

struct http_response {
  unsigned status = 0;
  std::string body;
};

struct http_client {
  // target: path and query, e.g. "/_hayloft/get?kind=pods&namespace=indexing".
  std::function<result<http_response>(const std::string& target)> get;
  std::function<result<http_response>(const std::string& target, const std::string& body)> post;
  // Pauses between polls of `get -w` and `logs -f`; returning false stops watching (Ctrl-C).
  std::function<bool(std::chrono::milliseconds)> wait;
};

struct command {
  std::string verb;               // apply | delete | get | describe | scale | logs | top | create
  std::vector<std::string> args;  // positional: "pods", "deployment name", "deployment/name", "namespace x"
  std::vector<std::string> files; // -f/--filename (files, directories, "-" for stdin)
  bool recursive = false;         // -R
  std::optional<std::string> namespace_name;  // -n/--namespace
  bool all_namespaces = false;    // -A
  std::string output;             // -o: "", wide, json, yaml, name
  bool watch = false;             // -w (get)
  bool follow = false;            // -f (logs)
  std::optional<long long> tail;  // --tail
  bool previous = false;          // -p (logs)
  bool containers = false;        // --containers (top)
  std::string container;          // -c
  std::optional<long long> replicas;  // --replicas
};

// Runs one verb. Output and errors are printed as kubectl prints them; the return value is the
// process exit code (0 success, 1 any error).
int run(const command& cmd, const http_client& http, std::istream& in, std::ostream& out, std::ostream& err);

// Adds apply, delete, get, describe, scale, logs and create to `app`, with kubectl's flags, each
// filling `cmd` (and setting cmd.verb) when it is the one invoked.
void add_subcommands(CLI::App& app, command& cmd);

}  // namespace hayloft::orchestrator::cli
