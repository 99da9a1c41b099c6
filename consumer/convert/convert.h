#pragma once
// Entry point of document conversion: object bytes in, UTF-8 documents out. Pure function of its
// arguments; callable from any pipeline pool thread concurrently (no shared mutable state beyond
// the one-time initialisation of libxml2 and poppler's error sink).
#include <string_view>

#include "consumer/convert/classify.h"
#include "consumer/convert/document.h"
#include "consumer/convert/errc.h"
#include "emulator/core/result.h"

namespace hayloft::consumer {

// Classifies `bytes` (named `filename`, e.g. the S3 key) and converts it:
//  - text:     one doc, decoded to UTF-8 (see decode_text);
//  - markdown: one doc, markup stripped (see markdown_to_text);
//  - html:     one doc, visible text (see html_to_text);
//  - pdf:      one doc per page, meta.page = 1-based page number (see pdf_to_pages);
//  - zip, tar, tar.gz/.bz2/.xz, single .gz/.bz2/.xz: every regular member is converted as its
//    own file, meta.member = its sanitised path (nested archives: "outer/inner.zip/doc.txt").
// Archive members that cannot be converted (unsupported type, undecodable text, corrupt PDF,
// nested deeper than max_archive_depth) are listed in conversion::skipped; limit violations
// (size, member count, compression ratio) reject the whole object and nothing is returned.
// Errors for a non-archive object are its converter's (unsupported_type, unknown_encoding,
// binary_content, corrupt_pdf, ...); input_too_large when bytes exceed max_input_bytes.
result<conversion> convert(std::string_view filename, std::string_view bytes,
                           const convert_limits& limits = {});

}  // namespace hayloft::consumer
