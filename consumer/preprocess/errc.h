#pragma once
// Errors of pre-processing and of reading a Haystack pipeline YAML.
#include <system_error>

namespace hayloft::consumer {

enum class preprocess_errc {
  ok = 0,
  invalid_config,    // a PreProcessor setting Haystack would reject (split_length 0, ...)
  invalid_pipeline,  // YAML syntax, missing pipeline/component, bad parameter type
};
const std::error_category& preprocess_category();
std::error_code make_error_code(preprocess_errc e);

}  // namespace hayloft::consumer

template <>
struct std::is_error_code_enum<hayloft::consumer::preprocess_errc> : std::true_type {};
