#include "tests/consumer/embed/test_support.h"

#include <cstdlib>
#include <fstream>

namespace hayloft::embed::testing {

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("HAYLOFT_SOURCE_DIR"); env != nullptr && *env != '\0')
    return env;
  return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "..";
}

std::filesystem::path model_dir() { return source_dir() / "models" / "use-lite"; }

std::string missing_model_message() {
  return "the USE-lite model is not in " + model_dir().string() +
         ": run scripts/fetch-model before the tests";
}

nlohmann::json golden(const std::string& name) {
  std::ifstream in(source_dir() / "tests" / "testdata" / "embedder" / name);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

}  // namespace hayloft::embed::testing
