// Stand-ins for libhayloft_pdf.so that pdf_loader must refuse: built once exporting another ABI
// version (FAKE_PDF_ABI set) and once exporting no plugin symbol at all.
#include "consumer/convert/pdf_plugin_abi.h"

extern "C" {

#ifdef FAKE_PDF_ABI
__attribute__((visibility("default"))) int hayloft_pdf_abi_version(void) { return FAKE_PDF_ABI; }

__attribute__((visibility("default"))) int hayloft_pdf_extract(const char*, size_t, int,
                                                               hayloft_pdf_page_fn, void*,
                                                               int* page_count) {
  *page_count = 0;
  return HAYLOFT_PDF_OK;
}
#else
__attribute__((visibility("default"))) int not_a_pdf_plugin(void) { return 0; }
#endif

}  // extern "C"
