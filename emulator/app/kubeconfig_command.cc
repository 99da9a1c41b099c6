#include "emulator/app/kubeconfig_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "emulator/core/logging.h"
#include "orchestrator/kube/kubeconfig.h"

namespace hayloft::app {

CLI::App* add_kubeconfig_command(CLI::App& cli, kubeconfig_options& opts) {
  auto* cmd = cli.add_subcommand("kubeconfig", "print a kubeconfig for kubectl (context \"hayloft\"), or merge it");
  auto* merge = cmd->add_subcommand("merge", "merge the hayloft context into $KUBECONFIG or ~/.kube/config");
  merge->add_flag("--switch-context,-s", opts.switch_context, "make hayloft the current context");
  merge->add_option("--output,-o", opts.output, "the kubeconfig file to merge into");
  merge->callback([&opts] { opts.merge = true; });
  return cmd;
}

int run_kubeconfig(const kubeconfig_options& opts, const std::string& endpoint) {
  std::string server = orchestrator::kube::server_url(endpoint);
  if (!opts.merge) {
    std::cout << orchestrator::kube::kubeconfig_yaml(server);
    return 0;
  }
  auto path = opts.output.empty() ? orchestrator::kube::default_kubeconfig_path() : std::filesystem::path(opts.output);
  auto r = orchestrator::kube::merge_into_file(path, server, opts.switch_context);
  if (!r.ok()) {
    std::cerr << "error: " << r.err().message << "\n";
    return 1;
  }
  std::cout << path.string() << "\n";
  return 0;
}

bool merge_kubeconfig_at_start(const std::string& host, unsigned port) {
  std::string h = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  std::string server = orchestrator::kube::server_url("http://" + h + ":" + std::to_string(port));
  auto path = orchestrator::kube::default_kubeconfig_path();
  auto r = orchestrator::kube::merge_into_file(path, server, true);
  if (!r.ok()) {
    spdlog::error("--kubeconfig-merge: {}", r.err().message);
    return false;
  }
  spdlog::info("kubeconfig: context \"hayloft\" ({}) merged into {}", server, path.string());
  return true;
}

}  // namespace hayloft::app
