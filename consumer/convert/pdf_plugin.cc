// libhayloft_pdf.so: PDF text per page through poppler-cpp, behind the C ABI of
// pdf_plugin_abi.h. The only code in the tree that links poppler; hayloft loads it on first use.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

#include "consumer/convert/pdf_plugin_abi.h"

namespace {

// Poppler reports recoverable damage on stderr; a malformed upload is the client's problem and
// its verdict travels as a value, so the chatter is dropped.
void silence_poppler_once() {
  static std::once_flag once;
  std::call_once(
      once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

int extract(const char* data, size_t size, int max_pages, hayloft_pdf_page_fn on_page, void* ctx,
            int* page_count) {
  silence_poppler_once();
  if (size > static_cast<size_t>(INT_MAX)) return HAYLOFT_PDF_CORRUPT;
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(data, static_cast<int>(size)));
  if (!doc) return HAYLOFT_PDF_CORRUPT;
  if (doc->is_locked()) return HAYLOFT_PDF_ENCRYPTED;
  const int pages = doc->pages();
  *page_count = pages > 0 ? pages : 0;
  if (pages <= 0) return HAYLOFT_PDF_NO_PAGES;
  if (pages > max_pages) return HAYLOFT_PDF_TOO_MANY_PAGES;
  for (int i = 0; i < pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    std::vector<char> text;
    if (page) {
      text = page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
    }
    if (on_page(ctx, text.data(), text.size()) != 0) return HAYLOFT_PDF_ABORTED;
  }
  return HAYLOFT_PDF_OK;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int hayloft_pdf_abi_version(void) {
  return HAYLOFT_PDF_ABI_VERSION;
}

__attribute__((visibility("default"))) int hayloft_pdf_extract(const char* data, size_t size,
                                                               int max_pages,
                                                               hayloft_pdf_page_fn on_page,
                                                               void* ctx, int* page_count) {
  *page_count = 0;
  try {
    return extract(data, size, max_pages, on_page, ctx, page_count);
  } catch (...) {
    return HAYLOFT_PDF_INTERNAL;
  }
}

}  // extern "C"
