#include "emulator/app/load_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "emulator/http/client.h"
#include "emulator/http/load/report.h"
#include "emulator/http/load/runner.h"

namespace hayloft::app {
namespace {
namespace load = http::load;
using json = nlohmann::json;

bool to_millis(const std::string& text, const char* flag, std::chrono::milliseconds& out, std::ostream& err) {
  core::duration d{};
  if (!core::parse_duration(text, d) || d.count() < 0) {
    err << "hayloft load: bad " << flag << " \"" << text << "\" (e.g. 30s, 5m, 250ms)\n";
    return false;
  }
  out = std::chrono::duration_cast<std::chrono::milliseconds>(d);
  return true;
}

// Writes the CSV files of one run as it goes (history rows each tick, stats at the end).
class csv_writer {
 public:
  explicit csv_writer(std::string prefix) : prefix_(std::move(prefix)) {}
  bool open(std::ostream& err) {
    if (prefix_.empty()) return true;
    history_.open(prefix_ + "_stats_history.csv", std::ios::trunc);
    if (!history_) {
      err << "hayloft load: cannot write " << prefix_ << "_stats_history.csv\n";
      return false;
    }
    history_ << load::stats_history_header();
    return true;
  }
  void tick(const load::snapshot& now, const load::snapshot& previous) {
    if (prefix_.empty()) return;
    auto unix_time = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    history_ << load::stats_history_rows(now, previous, unix_time.count());
    history_.flush();
  }
  bool finish(const load::snapshot& s, std::ostream& err) {
    if (prefix_.empty()) return true;
    std::ofstream stats(prefix_ + "_stats.csv", std::ios::trunc);
    stats << load::stats_csv(s);
    if (!stats || !history_) {
      err << "hayloft load: writing " << prefix_ << "_stats*.csv failed\n";
      return false;
    }
    return true;
  }

 private:
  std::string prefix_;
  std::ofstream history_;
};

result<load::snapshot> run_once(const load::load_options& lo, const std::string& csv_prefix, std::ostream& out,
                                std::ostream& err, bool live) {
  csv_writer csv(csv_prefix);
  if (!csv.open(err)) return error{load::errc::bad_options, "cannot write the CSV files"};
  std::size_t last_width = 0;
  auto r = load::run_load_test(lo, [&](const load::snapshot& now, const load::snapshot& previous) {
    csv.tick(now, previous);
    auto line = load::status_line(now, previous, lo.users);
    if (live) {
      err << '\r' << line << std::string(last_width > line.size() ? last_width - line.size() : 0, ' ') << std::flush;
      last_width = line.size();
    } else {
      err << line << '\n' << std::flush;
    }
  });
  if (live && last_width) err << '\n';
  if (!r.ok()) return r;
  out << load::format_table(*r) << std::flush;
  if (!csv.finish(*r, err)) return error{load::errc::bad_options, "cannot write the CSV files"};
  return r;
}

// Scales the Deployment and waits until its status shows `n` replicas, all ready.
bool scale_and_wait(http::client& admin, const load_command_options& o, int n, std::chrono::milliseconds limit,
                    std::ostream& err) {
  std::string q = "kind=deployment&name=" + core::url_encode(o.deployment) + "&namespace=" + core::url_encode(o.namespace_name);
  auto r = admin.post("/_hayloft/scale?" + q + "&replicas=" + std::to_string(n), "");
  if (!r.ok() || r->status >= 300) {
    err << "hayloft load: scaling " << o.deployment << " to " << n << " failed: "
        << (r.ok() ? std::to_string(r->status) + " " + r->body : r.err().message) << "\n";
    return false;
  }
  auto started = std::chrono::steady_clock::now();
  for (;;) {
    auto g = admin.get("/_hayloft/get?kind=deployments&name=" + core::url_encode(o.deployment) +
                       "&namespace=" + core::url_encode(o.namespace_name));
    if (g.ok() && g->status < 300) {
      auto j = json::parse(g->body, nullptr, false);
      // /_hayloft/get answers {"kind", "object": {...}}; a list answers {"items": [...]}.
      if (j.is_object() && j.contains("object")) j = j["object"];
      if (j.is_object() && j.contains("items") && j["items"].is_array() && !j["items"].empty()) j = j["items"][0];
      if (j.is_object()) {
        auto st = j.value("status", json::object());
        if (st.is_object() && st.value("readyReplicas", 0) == n && st.value("replicas", 0) == n) {
          err << "deployment " << o.deployment << ": " << n << " ready replicas after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
              << " ms\n";
          return true;
        }
      }
    }
    if (std::chrono::steady_clock::now() - started > limit) {
      err << "hayloft load: deployment " << o.deployment << " did not reach " << n << " ready replicas in time\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}
}  // namespace

CLI::App* add_load_command(CLI::App& cli, load_command_options& o) {
  auto* cmd = cli.add_subcommand("load", "HTTP load test in the style of Locust's headless mode");
  cmd->add_option("-H,--host", o.host, "target base URL, e.g. http://127.0.0.1:8080")->required();
  cmd->add_option("-u,--users", o.users, "concurrent users")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("-r,--spawn-rate", o.spawn_rate, "users started per second")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("-t,--run-time", o.run_time, "run time (30s, 5m, ...)")->capture_default_str();
  auto* file = cmd->add_option("-f,--request-file", o.request_file, "JSON-lines request file (see emulator/http/load/README.md)");
  auto* kserve = cmd->add_option("--kserve", o.kserve_model, "send KServe v2 infer requests to this model");
  file->excludes(kserve);
  cmd->add_option("--kserve-text", o.kserve_text, "with --kserve: sentences to send, one per line")->needs(kserve);
  cmd->add_option("--kserve-batch", o.kserve_batch, "with --kserve: sentences per infer request")
      ->capture_default_str()
      ->check(CLI::Range(1u, 4096u))
      ->needs(kserve);
  cmd->add_option("--think-time", o.think_time, "wait between a user's requests")->capture_default_str();
  cmd->add_option("--timeout", o.timeout, "per-request timeout")->capture_default_str();
  cmd->add_option("--csv", o.csv_prefix, "write PREFIX_stats.csv and PREFIX_stats_history.csv");
  cmd->add_option("--threads", o.threads, "I/O threads (default: one per core)");
  cmd->add_option("--exit-code-on-error", o.exit_code_on_error, "exit code when any request failed (default 0)");
  cmd->add_option("--replicas", o.replicas, "run once per replica count, e.g. 1,2,4")->delimiter(',')->check(CLI::NonNegativeNumber);
  cmd->add_option("--deployment", o.deployment, "Deployment to scale for --replicas");
  cmd->add_option("-n,--namespace", o.namespace_name, "namespace of --deployment")->capture_default_str();
  cmd->add_option("--endpoint", o.endpoint, "hayloft endpoint for --replicas (default $HAYLOFT_ENDPOINT or http://127.0.0.1:4566)");
  cmd->add_option("--scale-timeout", o.scale_timeout, "how long to wait for the replicas to be ready")->capture_default_str();
  return cmd;
}

int run_load(const load_command_options& o, const std::string& cli_endpoint, std::ostream& out, std::ostream& err,
             bool live) {
  load::load_options lo;
  lo.url = o.host;
  lo.users = o.users;
  lo.spawn_rate = o.spawn_rate;
  lo.threads = o.threads;
  std::chrono::milliseconds scale_limit{};
  if (!to_millis(o.run_time, "--run-time", lo.run_time, err) || !to_millis(o.think_time, "--think-time", lo.think_time, err) ||
      !to_millis(o.timeout, "--timeout", lo.timeout, err) || !to_millis(o.scale_timeout, "--scale-timeout", scale_limit, err))
    return 1;
  if (o.request_file.empty() == o.kserve_model.empty()) {
    err << "hayloft load: give exactly one of --request-file and --kserve\n";
    return 1;
  }
  if (!o.replicas.empty() && o.deployment.empty()) {
    err << "hayloft load: --replicas needs --deployment\n";
    return 1;
  }
  if (o.kserve_model.empty()) {
    auto specs = load::read_request_file(o.request_file);
    if (!specs.ok()) {
      err << "hayloft load: " << specs.err().message << "\n";
      return 1;
    }
    lo.requests = std::move(*specs);
  } else {
    std::vector<std::string> texts;
    if (!o.kserve_text.empty()) {
      auto t = load::read_kserve_texts(o.kserve_text);
      if (!t.ok()) {
        err << "hayloft load: " << t.err().message << "\n";
        return 1;
      }
      texts = std::move(*t);
    }
    lo.requests = load::kserve_requests(o.kserve_model, texts, o.kserve_batch);
  }

  bool failed = false;
  if (o.replicas.empty()) {
    auto r = run_once(lo, o.csv_prefix, out, err, live);
    if (!r.ok()) {
      err << "hayloft load: " << r.err().message << "\n";
      return 1;
    }
    failed = r->total().failures > 0;
  } else {
    http::client admin(http::default_endpoint(o.endpoint.empty() ? cli_endpoint : o.endpoint), std::chrono::seconds(30));
    std::vector<load::replica_row> rows;
    for (int n : o.replicas) {
      if (!scale_and_wait(admin, o, n, scale_limit, err)) return 1;
      out << "\n== " << n << (n == 1 ? " replica" : " replicas") << " ==\n";
      auto r = run_once(lo, o.csv_prefix.empty() ? "" : o.csv_prefix + "_r" + std::to_string(n), out, err, live);
      if (!r.ok()) {
        err << "hayloft load: " << r.err().message << "\n";
        return 1;
      }
      failed = failed || r->total().failures > 0;
      rows.push_back({n, std::move(*r)});
    }
    out << "\n" << load::format_replica_table(rows) << std::flush;
    if (!o.csv_prefix.empty()) {
      std::ofstream csv(o.csv_prefix + "_replicas.csv", std::ios::trunc);
      csv << load::replica_csv(rows);
      if (!csv) {
        err << "hayloft load: cannot write " << o.csv_prefix << "_replicas.csv\n";
        return 1;
      }
    }
  }
  return failed && o.exit_code_on_error != 0 ? o.exit_code_on_error : 0;
}

int run_load(const load_command_options& o, const std::string& cli_endpoint) {
  return run_load(o, cli_endpoint, std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1);
}

}  // namespace hayloft::app
