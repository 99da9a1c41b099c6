#pragma once
// `hayloft kubeconfig` prints a kubeconfig whose cluster, user and context are named "hayloft"
// and whose server is the Kubernetes API at <endpoint>/_hayloft/k8s; `hayloft kubeconfig merge
// [--switch-context]` merges it into $KUBECONFIG's first file or ~/.kube/config, keeping the
// user's other contexts (as `k3d kubeconfig merge` does). `hayloft up --kubeconfig-merge` calls
// merge_kubeconfig_at_start once the port is known.
#include <string>

namespace CLI {
class App;
}

namespace hayloft::app {

struct kubeconfig_options {
  bool merge = false;
  bool switch_context = false;
  std::string output;  // merge target; empty = $KUBECONFIG's first file or ~/.kube/config
};

// Registers `kubeconfig` (with its `merge` subcommand) on `cli`.
CLI::App* add_kubeconfig_command(CLI::App& cli, kubeconfig_options& opts);

// Runs the parsed command against `endpoint` ("http://127.0.0.1:4566"). Exit code.
int run_kubeconfig(const kubeconfig_options& opts, const std::string& endpoint);

// For `up --kubeconfig-merge`: merges a context for http://HOST:PORT and logs where it went;
// false (logged) when the file cannot be written.
bool merge_kubeconfig_at_start(const std::string& host, unsigned port);

}  // namespace hayloft::app
