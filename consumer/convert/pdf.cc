#include "consumer/convert/pdf.h"

#include <climits>
#include <new>

#include "consumer/convert/errc.h"
#include "consumer/convert/pdf_loader.h"
#include "consumer/convert/utf8.h"

namespace hayloft::consumer {
namespace {

std::string page_text(std::string text) {
  text = normalize_newlines(std::move(text));
  // Form feeds mark page ends in pdftotext output; pages are separate documents here.
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\f') out += c;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return sanitize_utf8(out);
}

// The plugin's page callback: no exception may unwind through the plugin's frames.
struct page_sink {
  std::vector<std::string> pages;
  bool out_of_memory = false;
};

int on_page(void* ctx, const char* text, size_t size) {
  auto* sink = static_cast<page_sink*>(ctx);
  try {
    sink->pages.push_back(page_text(std::string(text, size)));
    return 0;
  } catch (const std::bad_alloc&) {
    sink->out_of_memory = true;
    return 1;
  }
}

}  // namespace

result<std::vector<std::string>> pdf_to_pages(std::string_view bytes, int max_pages) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return error{make_error_code(convert_errc::input_too_large), "pdf larger than 2 GiB"};
  }
  auto plugin = pdf_plugin::shared();
  if (!plugin) return plugin.err();
  page_sink sink;
  int pages = 0;
  const int status = (*plugin)->extract()(bytes.data(), bytes.size(), max_pages, on_page, &sink, &pages);
  switch (status) {
    case HAYLOFT_PDF_OK:
      return std::move(sink.pages);
    case HAYLOFT_PDF_ENCRYPTED:
      return error{make_error_code(convert_errc::encrypted_pdf),
                   "encrypted pdf: a password is required"};
    case HAYLOFT_PDF_NO_PAGES:
      return error{make_error_code(convert_errc::corrupt_pdf), "corrupt pdf: no pages"};
    case HAYLOFT_PDF_TOO_MANY_PAGES:
      return error{
          make_error_code(convert_errc::too_many_pages),
          "pdf has " + std::to_string(pages) + " pages, limit is " + std::to_string(max_pages)};
    case HAYLOFT_PDF_ABORTED:
      if (sink.out_of_memory) throw std::bad_alloc();
      break;
    case HAYLOFT_PDF_INTERNAL:
      return error{make_error_code(convert_errc::corrupt_pdf),
                   "corrupt pdf: poppler failed while reading the document"};
    case HAYLOFT_PDF_CORRUPT:
      return error{make_error_code(convert_errc::corrupt_pdf),
                   "corrupt pdf: poppler cannot parse the document"};
    default:
      break;
  }
  return error{make_error_code(convert_errc::pdf_unavailable),
               "pdf support unavailable: the plugin answered status " + std::to_string(status)};
}

}  // namespace hayloft::consumer
