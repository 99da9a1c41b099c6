#include "consumer/convert/errc.h"

#include <string>

namespace hayloft::consumer {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "convert"; }
  std::string message(int c) const override {
    switch (static_cast<convert_errc>(c)) {
      case convert_errc::ok:
        return "ok";
      case convert_errc::unsupported_type:
        return "unsupported type";
      case convert_errc::unknown_encoding:
        return "not UTF-8 and encoding unknown";
      case convert_errc::binary_content:
        return "binary content";
      case convert_errc::corrupt_pdf:
        return "corrupt pdf";
      case convert_errc::encrypted_pdf:
        return "encrypted pdf";
      case convert_errc::corrupt_archive:
        return "corrupt archive";
      case convert_errc::input_too_large:
        return "input too large";
      case convert_errc::archive_too_large:
        return "archive too large";
      case convert_errc::compression_ratio:
        return "compression ratio too high";
      case convert_errc::too_many_pages:
        return "too many pages";
      case convert_errc::pdf_unavailable:
        return "pdf support unavailable";
    }
    return "unknown convert error";
  }
};

}  // namespace

const std::error_category& convert_category() {
  static const category c;
  return c;
}
std::error_code make_error_code(convert_errc e) {
  return {static_cast<int>(e), convert_category()};
}

}  // namespace hayloft::consumer
