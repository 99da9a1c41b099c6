#include "emulator/app/port_forward_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "emulator/core/http_message.h"
#include "emulator/http/client.h"

namespace hayloft::app {

CLI::App* add_port_forward_command(CLI::App& cli, port_forward_options& opts) {
  auto* cmd = cli.add_subcommand("port-forward", "forward local ports to a Service, Deployment or Pod (as kubectl)");
  cmd->add_option("target", opts.target, "TYPE/NAME: svc/NAME, deployment/NAME or pod/NAME (a bare NAME is a pod)")->required();
  cmd->add_option("ports", opts.ports, "[LOCAL_PORT:]REMOTE_PORT ...")->required();
  cmd->add_option("-n,--namespace", opts.namespace_name, "namespace (default: default)");
  cmd->add_option("--address", opts.addresses, "addresses to listen on (127.0.0.1 or localhost)")->delimiter(',');
  return cmd;
}

int run_port_forward(const port_forward_options& opts, const std::string& endpoint) {
  for (const auto& a : opts.addresses)
    if (a != "127.0.0.1" && a != "localhost") {
      std::cerr << "error: hayloft listens on loopback only: --address must be 127.0.0.1 or localhost\n";
      return 1;
    }
  std::string ports;
  for (const auto& p : opts.ports) ports += (ports.empty() ? "" : ",") + p;
  std::string target = "/_hayloft/port-forward?target=" + hayloft::core::url_encode(opts.target) + "&ports=" + hayloft::core::url_encode(ports) +
                       "&namespace=" + hayloft::core::url_encode(opts.namespace_name.empty() ? "default" : opts.namespace_name);
  http::client client(endpoint);
  std::string pending;
  bool started = false;
  std::string error_body;
  auto status = client.stream(target, [&](std::string_view data) {
    pending.append(data);
    if (started) return true;
    auto nl = pending.find('\n');
    if (nl == std::string::npos) return pending.size() < (1 << 20);
    auto j = nlohmann::json::parse(pending.substr(0, nl), nullptr, false);
    pending.erase(0, nl + 1);
    if (j.is_discarded() || !j.contains("forwarding")) {
      error_body = j.is_discarded() ? std::string() : j.dump();
      return false;
    }
    for (const auto& f : j["forwarding"])
      std::cout << "Forwarding from " << f.value("address", "127.0.0.1") << ":" << f.value("local", 0) << " -> "
                << f.value("remote", "") << std::endl;
    started = true;
    return true;
  });
  if (!status.ok()) {
    std::cerr << "error: " << status.err().message << "\n";
    return 1;
  }
  if (*status >= 300) {
    auto j = nlohmann::json::parse(error_body.empty() ? pending : error_body, nullptr, false);
    std::string message = !j.is_discarded() && j.contains("error") ? j["error"].value("message", pending) : pending;
    std::string code = !j.is_discarded() && j.contains("error") ? j["error"].value("code", "") : "";
    if (code == "NotFound") std::cerr << "Error from server (NotFound): " << message << "\n";
    else std::cerr << "error: " << message << "\n";
    return 1;
  }
  // The stream ended: hayloft stopped or was reset.
  std::cerr << "error: lost connection to hayloft\n";
  return 1;
}

}  // namespace hayloft::app
