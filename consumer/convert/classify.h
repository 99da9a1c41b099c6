#pragma once
// File type classification in the manner of Haystack's FileTypeClassifier, but by extension AND
// content. Pure function; callable from any thread.
#include <string_view>

#include "consumer/convert/document.h"

namespace hayloft::consumer {

// Decides the type of `bytes` named `filename` (only the last path component's extension is
// used). Rules, first match wins:
//  1. Binary magic wins over the name: "%PDF-" at the start -> pdf; "PK\3\4" -> zip
//     (unless named like an office/ebook container: docx, xlsx, pptx, odt, epub, jar -> unknown);
//     "ustar" at offset 257 -> tar; gzip/bzip2/xz magic -> tar if named .tar.*/.tgz/.tbz2/.txz,
//     else compressed.
//  2. A known extension: txt/text/log/csv/tsv -> text, md/markdown -> markdown, htm/html/xhtml ->
//     html, pdf, zip, tar/tgz/tar.gz/..., gz/bz2/xz -> compressed. (A .pdf without PDF magic stays
//     pdf so the converter can say "corrupt pdf" rather than "unsupported type".)
//  3. Content sniffing for unknown or missing extensions: an HTML doctype/<html>/<head>/<body>
//     near the start -> html; text-like bytes (a BOM, no NUL bytes, or the NUL pattern of UTF-16)
//     -> text; anything else -> unknown.
file_type classify(std::string_view filename, std::string_view bytes);

}  // namespace hayloft::consumer
