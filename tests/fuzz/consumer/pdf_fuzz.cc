// PDF objects through the poppler plugin (libhayloft_pdf.so, dlopen()ed on the first PDF as in
// the server). Poppler itself is a system library without coverage instrumentation, so the
// fuzzer sees only the plugin's and pdf.cc's edges: this target is for crashes, hangs and
// leaks across the plugin boundary, and for the page bound and UTF-8 output it promises.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "consumer/convert/errc.h"
#include "consumer/convert/pdf.h"
#include "consumer/convert/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1024 * 1024) return 0;
  using namespace hayloft::consumer;
  constexpr int max_pages = 16;
  auto pages = pdf_to_pages(std::string_view(reinterpret_cast<const char*>(data), size), max_pages);
  if (!pages) {
    if (pages.code() == make_error_code(convert_errc::pdf_unavailable)) {
      // Fuzzing nothing would look like success: fail loudly instead.
      std::fprintf(stderr, "consumer_pdf: %s\n", pages.err().message.c_str());
      std::abort();
    }
    return 0;
  }
  if (pages->empty() || pages->size() > static_cast<std::size_t>(max_pages)) std::abort();
  for (const auto& p : *pages)
    if (!valid_utf8(p) || p.find('\f') != std::string::npos || p.find('\r') != std::string::npos) std::abort();
  return 0;
}
