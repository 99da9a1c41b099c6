#include "emulator/prom/errc.h"

#include <string>

namespace hayloft::prom {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "prom"; }
  std::string message(int c) const override {
    switch (static_cast<errc>(c)) {
      case errc::bad_data: return "bad data";
      case errc::unsupported: return "unsupported PromQL";
      case errc::execution: return "execution error";
      case errc::exposition: return "invalid exposition format";
      case errc::scrape_failed: return "scrape failed";
      case errc::too_many_series: return "too many series";
    }
    return "unknown prom error";
  }
};

}  // namespace

const std::error_category& prom_category() {
  static const category c;
  return c;
}

}  // namespace hayloft::prom
