#pragma once
// `hayloft load`: a Locust-headless-style HTTP load test (engine in emulator/http/load/).
//
//   hayloft load -H http://127.0.0.1:8080 -u 64 -r 16 -t 180s (-f requests.jsonl | --kserve MODEL
//                [--kserve-text FILE] [--kserve-batch N])
//                [--think-time 0.1s] [--csv PREFIX] [--exit-code-on-error N]
//                [--replicas 1,2,4 --deployment NAME [-n NS] [--endpoint URL]]
//
// Output: a live status line once a second on stderr (updated in place on a terminal, one line
// per second otherwise), then the table of requests, failures, req/s, p50/p90/p99/max per
// request name and aggregated on stdout. --csv PREFIX writes PREFIX_stats.csv and
// PREFIX_stats_history.csv with Locust's columns.
//
// --replicas: for each count, scale the Deployment through the running hayloft's admin API
// (POST /_hayloft/scale), wait until its status reports that many replicas, all ready
// (GET /_hayloft/get), run the load, and finally print one latency row per count. With --csv the
// files of each count are PREFIX_rN_stats.csv and PREFIX_rN_stats_history.csv, and the table
// itself PREFIX_replicas.csv.
//
// --kserve MODEL: v2 infer requests (POST /v2/models/MODEL/infer, BYTES input `text`) cycling
// through a built-in list of sentences or the lines of --kserve-text FILE, --kserve-batch N
// sentences per request (shape [N]).
//
// Exit code: 0 when the run completes, even with failed requests (then --exit-code-on-error N,
// if given and not 0, is returned instead); 1 on bad arguments, an unreachable target, or a
// Deployment that does not become ready within --scale-timeout.
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace hayloft::app {

struct load_command_options {
  std::string host;  // target base URL
  unsigned users = 1;
  double spawn_rate = 1;
  std::string run_time = "60s";
  std::string think_time = "0s";
  std::string timeout = "30s";
  std::string request_file;
  std::string kserve_model;
  std::string kserve_text;   // sentences, one per line (default: a built-in list)
  unsigned kserve_batch = 1;  // sentences per infer request
  std::string csv_prefix;
  unsigned threads = 0;
  int exit_code_on_error = 0;
  std::vector<int> replicas;
  std::string deployment;
  std::string namespace_name = "default";
  std::string endpoint;  // hayloft admin endpoint for --replicas; empty: the CLI's --endpoint
  std::string scale_timeout = "300s";
};

// Registers the `load` subcommand and its flags on `cli`, filling `opts` when parsed.
CLI::App* add_load_command(CLI::App& cli, load_command_options& opts);

// Runs the load test(s); blocking. `live` selects the in-place status line (a terminal).
int run_load(const load_command_options& opts, const std::string& cli_endpoint, std::ostream& out, std::ostream& err,
             bool live);
// As above on stdout/stderr, live when stderr is a terminal.
int run_load(const load_command_options& opts, const std::string& cli_endpoint);

}  // namespace hayloft::app
