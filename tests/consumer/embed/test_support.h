#pragma once
// Where the embedder tests find the model and the TF.js reference outputs.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace hayloft::embed::testing {

// $HAYLOFT_SOURCE_DIR (set by ctest) or, when run by hand, the source tree the test was built
// from.
std::filesystem::path source_dir();
// <source>/models/use-lite.
std::filesystem::path model_dir();
// The message a test fails with when the model is not there.
std::string missing_model_message();
// Reads <source>/tests/testdata/embedder/<name> (a copy of ../shared/testdata/embedder); a null JSON value when absent.
nlohmann::json golden(const std::string& name);

}  // namespace hayloft::embed::testing
