#pragma once
// The optional YAML config file of `hayloft up --config FILE`:
//
//   auth:
//     credentials:
//       - access_key_id: AKIDEXAMPLE
//         secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
//   images:                      # container image -> built-in workload
//     arzelaascoli/keda-haystack-consumer:latest: hayloft/indexing-consumer
//   pipeline: pipelines/pipeline.yaml   # Haystack 1.x pipeline YAML (PreProcessor settings)
//   docstore: postgresql://hayloft@db:5432/hayloft   # or sqlite (the default); --docstore wins
//
// Relative paths are resolved against the config file's directory.
#include <filesystem>
#include <map>
#include <string>

#include "emulator/core/result.h"
#include "emulator/http/auth/credentials.h"

namespace hayloft::app {

struct config {
  http::auth::static_credentials credentials;
  std::map<std::string, std::string> images;
  std::filesystem::path pipeline;
  std::string docstore;  // "" = not set
};

// An empty path gives the defaults. Errors name the file and the offending entry.
result<config> load_config(const std::filesystem::path& path);

}  // namespace hayloft::app
