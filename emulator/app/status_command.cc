#include "emulator/app/status_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "emulator/dashboard/status_format.h"
#include "emulator/http/client.h"

namespace hayloft::app {

CLI::App* add_status_command(CLI::App& cli, status_options& opts) {
  auto* cmd = cli.add_subcommand(
      "status", "summary of a running hayloft: buckets, queues, deployments, pods, events");
  cmd->add_option("--endpoint", opts.endpoint,
                  "hayloft endpoint (default $HAYLOFT_ENDPOINT or http://127.0.0.1:4566)");
  cmd->add_option("-o,--output", opts.output, "json for the overview document")
      ->check(CLI::IsMember({"json"}));
  cmd->add_option("--events", opts.events, "how many of the last events to show")
      ->capture_default_str();
  cmd->add_flag("-w,--watch", opts.watch, "redraw every 2 seconds");
  return cmd;
}

namespace {

// One overview, printed; false (after printing the error) when it could not be had.
bool print_once(http::client& client, const status_options& opts, std::ostream& out,
                std::ostream& err) {
  auto r = client.get("/_hayloft/overview?history=0");
  if (!r.ok()) {
    err << "error: " << r.err().message << "\n";
    return false;
  }
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 300 || j.is_discarded()) {
    if (!j.is_discarded() && j.contains("error") && j["error"].is_object())
      err << "error: " << j["error"].value("message", r->body) << "\n";
    else
      err << "error: HTTP " << r->status << ": " << r->body << "\n";
    return false;
  }
  if (opts.output == "json")
    out << j.dump(2) << "\n";
  else
    out << dashboard::format_status(j, {.max_events = opts.events});
  out.flush();
  return true;
}

}  // namespace

int run_status(const status_options& opts, const std::string& endpoint_flag, std::ostream& out,
               std::ostream& err) {
  http::client client(
      http::default_endpoint(opts.endpoint.empty() ? endpoint_flag : opts.endpoint));
  if (!opts.watch) return print_once(client, opts, out, err) ? 0 : 1;
  bool tty = ::isatty(STDOUT_FILENO);
  while (true) {
    if (tty) out << "\033[H\033[2J";  // home, clear screen
    if (!print_once(client, opts, out, err)) return 1;
    if (!tty) out << "\n";
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

}  // namespace hayloft::app
