#pragma once
// Kubeconfig files pointing kubectl at hayloft (`hayloft kubeconfig`, `hayloft kubeconfig merge
// [--switch-context]`, `hayloft up --kubeconfig-merge`): a cluster, user and context named
// "hayloft" whose server is http://HOST:PORT/_hayloft/k8s. Merging keeps every other entry of
// the file, as `k3d kubeconfig merge` does. Pure functions except the file helpers.
#include <filesystem>
#include <string>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::kube {

// The server URL for an endpoint such as "http://127.0.0.1:4566".
std::string server_url(const std::string& endpoint);

// A complete kubeconfig with current-context hayloft.
std::string kubeconfig_yaml(const std::string& server);

// `existing` (may be empty) with the hayloft cluster/user/context added or replaced. The
// current-context becomes hayloft when switch_context is set or the file had none.
result<std::string> merge_kubeconfig(const std::string& existing, const std::string& server, bool switch_context);

// The file kubectl reads first: the first entry of $KUBECONFIG, else ~/.kube/config.
std::filesystem::path default_kubeconfig_path();

// Reads `path` (missing = empty), merges, writes it back atomically with mode 0600.
result<void> merge_into_file(const std::filesystem::path& path, const std::string& server, bool switch_context);

}  // namespace hayloft::orchestrator::kube
