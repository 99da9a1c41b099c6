#include "emulator/app/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>
#include <iostream>
#include <thread>
#include <nlohmann/json.hpp>

#include "emulator/app/application.h"
#include "emulator/app/consume_command.h"
#include "emulator/app/exec_command.h"
#include "emulator/app/docstore_binding.h"
#include "consumer/embed/embedder.h"
#include "consumer/search/search_api.h"
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/app/load_command.h"
#include "emulator/app/status_command.h"
#include "emulator/app/snapshot_command.h"
#include "emulator/app/kubeconfig_command.h"
#include "emulator/app/port_forward_command.h"
#include "emulator/app/upload_command.h"
#include "orchestrator/cli/cli.h"
#include "emulator/core/http_message.h"
#include "emulator/core/logging.h"
#include "emulator/http/client.h"

namespace hayloft::app {
namespace {

// Prints a JSON response body, or the error it carries; returns the exit code.
int print_result(const result<http::client_response>& r) {
  if (!r.ok()) {
    std::cerr << "error: " << r.err().message << "\n";
    return 1;
  }
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 300) {
    if (!j.is_discarded() && j.contains("error")) std::cerr << "error: " << j["error"].value("message", r->body) << "\n";
    else std::cerr << "error: HTTP " << r->status << ": " << r->body;
    return 1;
  }
  std::cout << (j.is_discarded() ? r->body : j.dump(2) + "\n");
  return 0;
}

int print_search(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return 1;
  int rank = 0;
  for (const auto& r : j["results"]) {
    const auto& m = r["meta"];
    std::string where = m.value("bucket", "") + "/" + m.value("key", "");
    if (m.contains("member")) where += ":" + m["member"].get<std::string>();
    std::printf("%d. %.4f  %s  (chunk %d%s)\n", ++rank, r["score"].get<double>(), where.c_str(), m.value("chunk", 0),
                m.contains("page") ? (", page " + std::to_string(m["page"].get<int>())).c_str() : "");
    std::string text = r.value("text", "");
    for (auto& c : text)
      if (c == '\n' || c == '\f') c = ' ';
    if (text.size() > 300) text = text.substr(0, 297) + "...";
    std::printf("   %s\n", text.c_str());
  }
  if (rank == 0) std::printf("no results (is anything indexed? try `hayloft docs`)\n");
  return 0;
}

int print_docs(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return 1;
  std::printf("%-50s %7s  %-34s %s\n", "FILE", "CHUNKS", "ETAG", "INDEXED");
  for (const auto& f : j["files"]) {
    std::string file = f.value("bucket", "") + "/" + f.value("key", "");
    std::printf("%-50s %7lld  %-34s %s\n", file.c_str(), static_cast<long long>(f.value("chunks", 0)),
                f.value("etag", "").c_str(), f.value("indexed_at", "").c_str());
  }
  return 0;
}

class inline_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override { fn(); }
};

// `hayloft search|docs --docstore postgresql://...`: answers from the shared store itself, as
// the running server would (same JSON), without a server.
result<core::response> local_admin(const std::string& route, const std::string& spec, core::query_params params,
                                   const std::string& embedder, const std::string& model_dir) {
  auto clock = core::make_system_clock();
  auto docs = open_docstore({.spec = spec, .searching = route == "search", .pool_size = 1}, *clock);
  if (!docs.ok()) return docs.err();
  std::unique_ptr<embed::embedder> model;
  if (route == "search") {
    auto m = embed::make_embedder(embedder == "use" ? "use-lite" : embedder, model_dir);
    if (!m.ok()) return m.err();
    model = std::move(m).value();
  } else {
    model = std::move(embed::make_embedder("hash", "")).value();
  }
  inline_runner runner;
  consumer::search_api api(**docs, *model, runner);
  core::request req;
  req.method = "GET";
  req.query = std::move(params);
  return api.respond(route, req);
}

result<http::client_response> as_client_response(result<core::response> r) {
  if (!r.ok()) return r.err();
  http::client_response out;
  out.status = r->status;
  out.body = std::move(r->body);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // `exec` takes `up`'s flags and a command after "--" verbatim, so it is dispatched before CLI11.
  if (argc > 1 && std::string_view(argv[1]) == "exec") {
    std::vector<std::string> args(argv + 2, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      std::cout << "usage: hayloft exec [up flags] -- CMD [ARGS...]\n"
                   "Starts a private stack (in memory, free port), runs CMD with AWS_ENDPOINT_URL, test\n"
                   "credentials, HAYLOFT_ENDPOINT and KUBECONFIG pointing at it, stops the stack and exits\n"
                   "with CMD's status. Any `hayloft up` flag works (--clock manual, --apply, --bootstrap ...).\n";
      return args.empty() ? 2 : 0;
    }
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return run_exec(ec ? std::string(argv[0]) : self.string(), args);
  }
  CLI::App cli{"hayloft: S3, SQS, a KEDA-style autoscaler and an indexing consumer in one process"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", HAYLOFT_VERSION);
  std::string endpoint_flag;
  cli.add_option("--endpoint", endpoint_flag, "hayloft endpoint for client verbs (default $HAYLOFT_ENDPOINT or http://127.0.0.1:4566)");

  up_options up;
  auto* up_cmd = cli.add_subcommand("up", "run the stack in the foreground");
  up_cmd->add_option("--host", up.host, "address to bind")->capture_default_str();
  up_cmd->add_option("--port", up.port, "port to bind (0 picks a free port)")->capture_default_str();
  up_cmd->add_option("--port-file", up.port_file, "write the bound port to this file");
  up_cmd->add_option("--data-dir", up.data_dir, "state directory")->capture_default_str();
  up_cmd->add_flag("--in-memory", up.in_memory, "keep state in memory (no durability)");
  up_cmd->add_option("--log-level", up.log_level, "trace|debug|info|warn|error|off")->capture_default_str();
  up_cmd->add_option("--log-format", up.log_format, "text|json (JSON lines: one object per log line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  up_cmd->add_flag("--auth", up.auth, "verify SigV4 signatures against credentials from --config");
  up_cmd->add_flag("--s3-aws-bucket-defaults", up.s3_aws_bucket_defaults,
                   "new buckets get AWS's defaults since 2023: ACLs disabled (BucketOwnerEnforced), public access blocked");
  up_cmd->add_option("--config", up.config_file, "YAML config file (credentials, image map)");
  up_cmd->add_option("--time-scale", up.time_scale, "run every interval K times faster")->check(CLI::PositiveNumber);
  up_cmd->add_option("--clock", up.clock, "system|manual (manual: time moves only on POST /_hayloft/clock)")
      ->check(CLI::IsMember({"system", "manual"}));
  up_cmd->add_option("--io-threads", up.io_threads, "I/O threads (default: one per core)");
  up_cmd->add_option("--workers", up.workers, "indexing pipeline threads")->capture_default_str();
  up_cmd->add_option("--embedder", up.embedder, "use|hash")->check(CLI::IsMember({"use", "hash"}));
  up_cmd->add_option("--model-dir", up.model_dir, "directory of the USE-lite model");
  up_cmd->add_option("--bootstrap", up.bootstrap_dirs, "run *.sh init scripts from DIR once ready");
  up_cmd->add_option("--apply", up.apply_paths, "apply manifests from FILE|DIR (recursively) at start");
  up_cmd->add_option("--apply-namespace", up.apply_namespace, "namespace for --apply (as apply -n)");
  up_cmd->add_flag("--kubeconfig-merge", up.kubeconfig_merge, "merge a hayloft context into ~/.kube/config");
  up_cmd->add_option("--snapshot", up.snapshot,
                     "start from a snapshot: a NAME in <data-dir>/snapshots, or a snapshot folder's PATH");
  up_cmd->add_option("--docstore", up.docstore,
                     "document store: sqlite (state.db, default) or a shared postgresql://user@host:port/db");

  // Listed for --help only: main() dispatches `exec` before parsing (see above).
  cli.add_subcommand("exec", "run CMD against a private stack: hayloft exec [up flags] -- CMD [ARGS...]")
      ->allow_extras()
      ->prefix_command();
  auto* health_cmd = cli.add_subcommand("health", "show the health of a running hayloft");
  auto* reset_cmd = cli.add_subcommand("reset", "empty all state of a running hayloft");
  auto* clock_cmd = cli.add_subcommand("clock", "show or advance the clock (advance needs --clock manual)");
  std::vector<std::string> clock_args;
  clock_cmd->add_option("args", clock_args, "[advance DURATION]");

  auto* search_cmd = cli.add_subcommand("search", "semantic search over indexed documents");
  std::string search_query, search_index = "default", search_prefix, search_output;
  int search_top_k = 3;
  search_cmd->add_option("query", search_query, "the question")->required();
  search_cmd->add_option("--top-k,-k", search_top_k, "results to return")->capture_default_str();
  search_cmd->add_option("--index", search_index, "document index")->capture_default_str();
  search_cmd->add_option("--prefix", search_prefix, "only keys starting with this");
  search_cmd->add_option("-o,--output", search_output, "json for the raw response");
  std::string search_docstore, search_embedder = "use", search_model_dir;
  search_cmd->add_option("--docstore", search_docstore,
                         "search a shared postgresql://... store directly instead of asking a running hayloft");
  search_cmd->add_option("--embedder", search_embedder, "use|hash (with --docstore)")->check(CLI::IsMember({"use", "hash"}));
  search_cmd->add_option("--model-dir", search_model_dir, "directory of the USE-lite model (with --docstore)");

  auto* docs_cmd = cli.add_subcommand("docs", "list indexed files and their chunk counts");
  std::string docs_index = "default", docs_output;
  docs_cmd->add_option("--index", docs_index, "document index")->capture_default_str();
  docs_cmd->add_option("-o,--output", docs_output, "json for the raw response");
  std::string docs_docstore;
  docs_cmd->add_option("--docstore", docs_docstore, "list a shared postgresql://... store directly");

  auto* docstore_cmd = cli.add_subcommand("docstore", "manage a shared PostgreSQL document store (migrate|status)");
  std::string docstore_action, docstore_spec;
  docstore_cmd->add_option("action", docstore_action, "migrate|status")->required()->check(CLI::IsMember({"migrate", "status"}));
  docstore_cmd->add_option("--docstore", docstore_spec, "postgresql://user@host:port/db (default $HAYLOFT_DOCSTORE)");

  consume_options consume;
  auto* consume_cmd = add_consume_command(cli, consume);
  upload_options upload;
  auto* upload_cmd = add_upload_command(cli, upload);
  load_command_options load;
  auto* load_cmd = add_load_command(cli, load);

  status_options status;
  auto* status_cmd = add_status_command(cli, status);
  snapshot_options snapshot;
  auto* snapshot_cmd = add_snapshot_command(cli, snapshot);

  orchestrator::cli::command kube;
  orchestrator::cli::add_subcommands(cli, kube);
  kubeconfig_options kubeconfig;
  auto* kubeconfig_cmd = add_kubeconfig_command(cli, kubeconfig);
  port_forward_options port_forward;
  auto* port_forward_cmd = add_port_forward_command(cli, port_forward);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (up_cmd->parsed()) {
    core::log_format format = core::log_format::text;
    core::parse_log_format(up.log_format, format);
    core::init_logging(up.log_level, format);
    try {
      application app(up);
      return app.run();
    } catch (const std::exception& e) {
      spdlog::critical("{}", e.what());
      return 1;
    }
  }
  if (consume_cmd->parsed()) return run_consume(consume);
  if (docstore_cmd->parsed()) {
    if (docstore_spec.empty())
      if (const char* v = std::getenv("HAYLOFT_DOCSTORE")) docstore_spec = v;
    return run_docstore_command(docstore_action, docstore_spec);
  }
  if (upload_cmd->parsed()) return run_upload(upload, endpoint_flag);
  if (load_cmd->parsed()) return run_load(load, endpoint_flag);
  if (status_cmd->parsed()) return run_status(status, endpoint_flag, std::cout, std::cerr);
  if (snapshot_cmd->parsed()) return run_snapshot(snapshot, http::default_endpoint(endpoint_flag), std::cout, std::cerr);
  if (kubeconfig_cmd->parsed()) return run_kubeconfig(kubeconfig, http::default_endpoint(endpoint_flag));
  if (port_forward_cmd->parsed()) return run_port_forward(port_forward, http::default_endpoint(endpoint_flag));
  http::client client(http::default_endpoint(endpoint_flag));
  if (!kube.verb.empty()) {
    orchestrator::cli::http_client oc;
    auto convert = [](result<http::client_response> r) -> result<orchestrator::cli::http_response> {
      if (!r.ok()) return r.err();
      return orchestrator::cli::http_response{r->status, std::move(r->body)};
    };
    oc.get = [&](const std::string& target) { return convert(client.get(target)); };
    oc.post = [&](const std::string& target, const std::string& body) {
      return convert(client.post(target, body, "application/yaml"));
    };
    oc.wait = [](std::chrono::milliseconds d) {
      std::this_thread::sleep_for(d);
      return true;
    };
    return orchestrator::cli::run(kube, oc, std::cin, std::cout, std::cerr);
  }
  if (health_cmd->parsed()) return print_result(client.get("/_hayloft/health"));
  if (reset_cmd->parsed()) return print_result(client.post("/_hayloft/reset", ""));
  if (search_cmd->parsed() && !search_docstore.empty() && search_docstore != "sqlite") {
    auto r = as_client_response(local_admin("search", search_docstore,
                                            {{"q", search_query}, {"top_k", std::to_string(search_top_k)}, {"index", search_index}, {"prefix", search_prefix}},
                                            search_embedder, search_model_dir));
    if (search_output == "json" || !r.ok() || r->status >= 300) return print_result(r);
    return print_search(r->body);
  }
  if (docs_cmd->parsed() && !docs_docstore.empty() && docs_docstore != "sqlite") {
    auto r = as_client_response(local_admin("docs", docs_docstore, {{"index", docs_index}}, "hash", ""));
    if (docs_output == "json" || !r.ok() || r->status >= 300) return print_result(r);
    return print_docs(r->body);
  }
  if (search_cmd->parsed()) {
    auto r = client.get("/_hayloft/search?q=" + core::url_encode(search_query) + "&top_k=" + std::to_string(search_top_k) +
                        "&index=" + core::url_encode(search_index) + "&prefix=" + core::url_encode(search_prefix));
    if (search_output == "json" || !r.ok() || r->status >= 300) return print_result(r);
    return print_search(r->body);
  }
  if (docs_cmd->parsed()) {
    auto r = client.get("/_hayloft/docs?index=" + core::url_encode(docs_index));
    if (docs_output == "json" || !r.ok() || r->status >= 300) return print_result(r);
    return print_docs(r->body);
  }
  if (clock_cmd->parsed()) {
    if (clock_args.empty()) return print_result(client.get("/_hayloft/clock"));
    if (clock_args.size() == 2 && clock_args[0] == "advance")
      return print_result(client.post("/_hayloft/clock", nlohmann::json({{"advance", clock_args[1]}}).dump()));
    std::cerr << "usage: hayloft clock [advance DURATION]\n";
    return 2;
  }
  return 0;
}

}  // namespace hayloft::app
