#pragma once
// Locations of the orchestrator's test data (copies of the reference application's manifests).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hayloft::orchestrator::testing {

inline std::filesystem::path source_dir() {
  const char* s = std::getenv("HAYLOFT_SOURCE_DIR");
  return s ? std::filesystem::path(s) : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

inline std::filesystem::path manifests_dir() {
#ifdef HAYLOFT_ORCHESTRATOR_TESTDATA
  return std::filesystem::path(HAYLOFT_ORCHESTRATOR_TESTDATA) / "manifests";
#else
  return source_dir() / "tests/orchestrator/testdata/manifests";
#endif
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hayloft::orchestrator::testing
