#pragma once
// Errors of document conversion. Every expected failure (bad input, limits) is one of these,
// carried in hayloft::error with a human reason; nothing here throws on client input.
#include <system_error>

namespace hayloft::consumer {

enum class convert_errc {
  ok = 0,
  unsupported_type,   // neither extension nor content names a type we convert
  unknown_encoding,   // text that is not UTF-8 and whose encoding cannot be detected
  binary_content,     // bytes that are clearly not text (NULs, control characters)
  corrupt_pdf,        // poppler cannot open the PDF or finds no pages
  encrypted_pdf,      // the PDF needs a password
  corrupt_archive,    // libarchive rejects the archive or a member's data
  input_too_large,    // the object itself exceeds convert_limits::max_input_bytes
  archive_too_large,  // total unpacked bytes, member size or member count over the limit
  compression_ratio,  // unpacked/packed ratio over the limit (zip bomb)
  too_many_pages,     // PDF page count over the limit
  pdf_unavailable,    // the PDF plugin (libhayloft_pdf.so) is missing or broken
};
const std::error_category& convert_category();
std::error_code make_error_code(convert_errc e);

}  // namespace hayloft::consumer

template <>
struct std::is_error_code_enum<hayloft::consumer::convert_errc> : std::true_type {};
