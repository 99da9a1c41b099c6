#include "consumer/preprocess/errc.h"

#include <string>

namespace hayloft::consumer {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "preprocess"; }
  std::string message(int c) const override {
    switch (static_cast<preprocess_errc>(c)) {
      case preprocess_errc::ok:
        return "ok";
      case preprocess_errc::invalid_config:
        return "invalid pre-processor configuration";
      case preprocess_errc::invalid_pipeline:
        return "invalid pipeline YAML";
    }
    return "unknown preprocess error";
  }
};

}  // namespace

const std::error_category& preprocess_category() {
  static const category c;
  return c;
}
std::error_code make_error_code(preprocess_errc e) {
  return {static_cast<int>(e), preprocess_category()};
}

}  // namespace hayloft::consumer
