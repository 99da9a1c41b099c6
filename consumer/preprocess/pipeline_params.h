#pragma once
// Typed reading of Haystack component parameters from yaml-cpp nodes, for pipeline_config.cc.
// Errors name the component and parameter. Pure functions.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/preprocess/preprocessor.h"
#include "emulator/core/result.h"

namespace hayloft::consumer::pipeline_params {

struct component {
  std::string name;
  std::string type;
  YAML::Node params;  // a map, or null when the component has no params
};

// Component types hayloft understands (reads, or replaces with its own equivalent).
bool known_type(std::string_view type);

// Parameters a Haystack component of `type` accepts; others get an "unknown parameter" warning.
// Returns false for types without a list (document stores: anything goes).
bool known_param(std::string_view type, std::string_view param);

// PreProcessor params over haystack_defaults(). Warns about parameters Haystack has but hayloft
// ignores (tokenizer_model_folder) and about a non-English language.
result<preprocessor_config> read_preprocessor(const component& c,
                                              std::vector<std::string>& warnings);

// FileTypeClassifier supported_types, Haystack's default list when absent.
result<std::vector<std::string>> read_supported_types(const component& c);

// The retriever's top_k (default 10).
result<int> read_top_k(const component& c);

// Warnings for converter/retriever settings hayloft does not honour.
void note_ignored_settings(const component& c, std::vector<std::string>& warnings);

}  // namespace hayloft::consumer::pipeline_params
