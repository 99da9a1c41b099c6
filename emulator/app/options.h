#pragma once
// Settings of `hayloft up`, from flags and the optional config file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hayloft::app {

struct up_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;
  std::string port_file;             // write the bound port here once listening
  std::filesystem::path data_dir = ".hayloft";
  bool in_memory = false;            // state in a private tmpfs dir, no fsyncs, removed at exit
  std::string log_level = "info";
  std::string log_format = "text";   // text | json (JSON lines)
  bool auth = false;                 // SigV4 verification on
  bool s3_aws_bucket_defaults = false;  // new buckets: BucketOwnerEnforced + blocking public access block
  std::string config_file;           // YAML: credentials, image map, ...
  double time_scale = 1.0;           // --time-scale K
  std::string clock = "system";      // system | manual
  unsigned io_threads = 0;           // 0 = one per core
  unsigned workers = 2;              // consumer pipeline pool
  std::string embedder = "use";      // use | hash
  std::string model_dir;
  std::vector<std::string> bootstrap_dirs;  // LocalStack-style init scripts
  std::vector<std::string> apply_paths;     // manifests applied at start
  std::string apply_namespace;              // -n for --apply ("" = each object's own or default)
  bool kubeconfig_merge = false;
  std::string snapshot;  // --snapshot NAME|PATH: start from this snapshot (emulator/app/snapshots.h)
  std::string docstore;  // sqlite | postgresql://... ("" = config's docstore:, else sqlite)
};

}  // namespace hayloft::app
