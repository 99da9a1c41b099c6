#pragma once
// `hayloft snapshot save NAME | restore NAME | ls | rm NAME`: snapshots of a running hayloft
// through its admin API (/_hayloft/snapshots, emulator/app/snapshots.h). `-o json` prints the
// responses themselves. Exit code 0; 1 when hayloft answers with an error (its message is
// printed: a missing snapshot, an incompatible one) or cannot be reached; 2 for bad usage.
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace hayloft::app {

struct snapshot_options {
  std::vector<std::string> args;  // the verb and its NAME
  std::string output;             // "" (text) or "json"
};

CLI::App* add_snapshot_command(CLI::App& cli, snapshot_options& opts);
int run_snapshot(const snapshot_options& opts, const std::string& endpoint, std::ostream& out, std::ostream& err);

}  // namespace hayloft::app
