#pragma once
/* The C ABI between hayloft and its PDF plugin (libhayloft_pdf.so, pdf_plugin.cc), which alone
 * links poppler-cpp. hayloft dlopen()s the plugin on the first PDF (pdf_loader.h), so poppler
 * and everything it pulls in (nss, freetype, lcms2, tiff, jpeg, openjp2, ...) costs nothing in a
 * process that never converts a PDF. Only C types cross the boundary; the plugin catches every
 * exception before returning. Bump HAYLOFT_PDF_ABI_VERSION on any change to this file. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HAYLOFT_PDF_ABI_VERSION 1

enum hayloft_pdf_status {
  HAYLOFT_PDF_OK = 0,
  HAYLOFT_PDF_CORRUPT = 1,        /* poppler cannot load the document */
  HAYLOFT_PDF_ENCRYPTED = 2,      /* a password is required */
  HAYLOFT_PDF_NO_PAGES = 3,       /* the document has no pages */
  HAYLOFT_PDF_TOO_MANY_PAGES = 4, /* more pages than max_pages; *page_count says how many */
  HAYLOFT_PDF_ABORTED = 5,        /* the page callback returned non-zero */
  HAYLOFT_PDF_INTERNAL = 6,       /* an exception inside the plugin (allocation) */
};

/* Receives the raw UTF-8 text of one page (poppler's non_raw_non_physical_layout, not yet
 * normalised), pages in order starting with page 1. Returns 0 to go on, non-zero to stop. */
typedef int (*hayloft_pdf_page_fn)(void* ctx, const char* text, size_t size);

/* Returns HAYLOFT_PDF_ABI_VERSION of the plugin's build. */
typedef int (*hayloft_pdf_abi_version_fn)(void);

/* Extracts the text of every page of the PDF in data[0, size). *page_count receives the page
 * count once the document is open (else 0). Thread-safe for distinct calls. */
typedef int (*hayloft_pdf_extract_fn)(const char* data, size_t size, int max_pages,
                                      hayloft_pdf_page_fn on_page, void* ctx, int* page_count);

#ifdef __cplusplus
}
#endif
