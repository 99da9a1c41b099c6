#pragma once
// `hayloft status`: a terminal summary of a running hayloft (GET /_hayloft/overview?history=0)
// as kubectl-like tables: buckets with object counts, queues with visible / in-flight / delayed
// counts, deployments with replicas and their scaler, pods, the last events.
// `-o json` prints the overview document itself; `-w` redraws it every 2 seconds until
// interrupted. Exit code 0, or 1 when hayloft cannot be reached or answers with an error.
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace hayloft::app {

struct status_options {
  std::string endpoint;     // empty: the CLI's --endpoint, $HAYLOFT_ENDPOINT, http://127.0.0.1:4566
  std::string output;       // "" (tables) or "json"
  std::size_t events = 10;  // last events shown
  bool watch = false;
};

// Registers the `status` subcommand and its flags on `cli`, filling `opts` when parsed.
CLI::App* add_status_command(CLI::App& cli, status_options& opts);

// Runs it against opts.endpoint, else `endpoint_flag` (the CLI's --endpoint), else
// $HAYLOFT_ENDPOINT, else http://127.0.0.1:4566.
int run_status(const status_options& opts, const std::string& endpoint_flag, std::ostream& out,
               std::ostream& err);

}  // namespace hayloft::app
