#pragma once
// PDF text per page through poppler-cpp. Pure function; callable from any thread: each call
// loads its own poppler document (poppler is safe for distinct documents on distinct threads).
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::consumer {

// Returns the text of every page in order (index 0 = page 1), empty pages included so page
// numbers stay true. Text comes in poppler's reading order (pdftotext's default mode, which is
// what Haystack's PDFToTextConverter runs), LF line ends, without form feeds.
// Errors: convert_errc::corrupt_pdf (poppler cannot load it, or it has no pages),
// encrypted_pdf (a password is needed), too_many_pages (over max_pages).
result<std::vector<std::string>> pdf_to_pages(std::string_view bytes, int max_pages);

}  // namespace hayloft::consumer
