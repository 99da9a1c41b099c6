#pragma once
// `hayloft up --bootstrap DIR`: LocalStack-style init scripts run once the edge is ready, as
// LocalStack's READY-stage hooks (/etc/localstack/init/ready.d) are run:
//   - every `*.sh` and `*.py` in DIR, sorted; files in a folder before its subfolders, which are
//     walked in order, depth first (LocalStack's "Execution Order and Script Failures");
//   - a failing script is logged and marked ERROR; the remaining scripts still run;
//   - `.sh` files run directly when executable (their shebang decides), else with bash;
//     `.py` files run with python3;
//   - each script's output goes to hayloft's log, prefixed with its name.
// Scripts see the endpoint as AWS_ENDPOINT_URL, AWS_ENDPOINT, LOCALSTACK_HOST and
// HAYLOFT_ENDPOINT, test credentials unless set, and an `awslocal` on PATH (written into
// <data-dir>/bin), so bootstrap scripts written for LocalStack run unchanged.
// State is served at GET /_localstack/init (and /_hayloft/init) in LocalStack's shape:
//   {"completed": {"BOOT": true, "START": true, "READY": bool, "SHUTDOWN": false},
//    "scripts": [{"stage": "READY", "name": "01-setup.sh", "state": "SUCCESSFUL"}]}
// with states UNKNOWN, RUNNING, SUCCESSFUL, ERROR.
//
// Threading: run() starts one background thread; state() is safe from any thread; stop()
// terminates a running script (SIGTERM, then SIGKILL after 2 s) and joins.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::app {

// The scripts under `dirs` (files or folders) in LocalStack's order. A missing path is an error.
result<std::vector<std::filesystem::path>> find_init_scripts(const std::vector<std::string>& dirs);

// Writes LocalStack's `awslocal` (the aws CLI with --endpoint-url=$AWS_ENDPOINT_URL and test
// credentials unless set) into `bin_dir`, executable.
void write_awslocal(const std::filesystem::path& bin_dir);

class init_scripts {
 public:
  // `endpoint`: http://host:port of the running edge; `bin_dir`: where `awslocal` is written.
  init_scripts(std::vector<std::filesystem::path> scripts, std::string endpoint, std::filesystem::path bin_dir);
  ~init_scripts();
  init_scripts(const init_scripts&) = delete;
  init_scripts& operator=(const init_scripts&) = delete;

  void run();
  void stop();
  nlohmann::json state() const;
  // Blocks until every script finished (tests).
  void wait();

 private:
  struct script {
    std::filesystem::path path;
    std::string state = "UNKNOWN";
  };
  void run_all();
  int run_one(const std::filesystem::path& path);

  std::vector<script> scripts_;
  std::string endpoint_;
  std::filesystem::path bin_dir_;
  mutable std::mutex mutex_;
  bool done_ = false;
  bool stopping_ = false;
  int running_pid_ = 0;
  std::thread thread_;
};

}  // namespace hayloft::app
