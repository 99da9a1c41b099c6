#pragma once
// `hayloft port-forward TYPE/NAME [LOCAL:]REMOTE ... [-n NS] [--address 127.0.0.1]`, as kubectl:
// svc/NAME (REMOTE is a service port), deployment/NAME or pod/NAME (REMOTE is a container port);
// "8080:80", "80" (same local port) and ":80" (a random local port). Prints kubectl's
// "Forwarding from 127.0.0.1:8080 -> 8080" lines and forwards until interrupted: the running
// hayloft opens the listeners for as long as this command holds its
// GET /_hayloft/port-forward response open, and proxies through the Service proxy.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace hayloft::app {

struct port_forward_options {
  std::string target;
  std::vector<std::string> ports;
  std::string namespace_name;
  std::vector<std::string> addresses{"127.0.0.1"};
};

CLI::App* add_port_forward_command(CLI::App& cli, port_forward_options& opts);
int run_port_forward(const port_forward_options& opts, const std::string& endpoint);

}  // namespace hayloft::app
