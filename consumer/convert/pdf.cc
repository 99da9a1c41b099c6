#include "consumer/convert/pdf.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

#include "consumer/convert/errc.h"
#include "consumer/convert/utf8.h"

namespace hayloft::consumer {
namespace {

// Poppler reports recoverable damage on stderr; a malformed upload is the client's problem and
// its verdict travels as a value, so the chatter is dropped.
void silence_poppler_once() {
  static std::once_flag once;
  std::call_once(
      once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

std::string page_text(const poppler::page& page) {
  auto bytes = page.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
  std::string text(bytes.begin(), bytes.end());
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

}  // namespace

result<std::vector<std::string>> pdf_to_pages(std::string_view bytes, int max_pages) {
  silence_poppler_once();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return error{make_error_code(convert_errc::input_too_large), "pdf larger than 2 GiB"};
  }
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) {
    return error{make_error_code(convert_errc::corrupt_pdf),
                 "corrupt pdf: poppler cannot parse the document"};
  }
  if (doc->is_locked()) {
    return error{make_error_code(convert_errc::encrypted_pdf),
                 "encrypted pdf: a password is required"};
  }
  const int pages = doc->pages();
  if (pages <= 0) {
    return error{make_error_code(convert_errc::corrupt_pdf), "corrupt pdf: no pages"};
  }
  if (pages > max_pages) {
    return error{
        make_error_code(convert_errc::too_many_pages),
        "pdf has " + std::to_string(pages) + " pages, limit is " + std::to_string(max_pages)};
  }
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(pages));
  for (int i = 0; i < pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    out.push_back(page ? page_text(*page) : std::string());
  }
  return out;
}

}  // namespace hayloft::consumer
