#pragma once
// HTML to plain text through libxml2's tolerant HTML parser. Pure function; callable from any
// thread (libxml2 is initialised once, each call parses its own document).
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::consumer {

// Decodes the bytes (BOM, <meta charset>, UTF-8, ICU detection, see decode_text), parses them
// as HTML (recovering from broken markup) and returns the visible text:
//  - script, style, noscript, template, svg, iframe, object content and comments are dropped,
//    as are elements with a `hidden` attribute;
//  - entities are decoded (by the parser); &nbsp; becomes a space;
//  - whitespace collapses as a browser renders it, except inside <pre>, which is verbatim;
//  - block elements break lines: p, headings, lists, tables, pre, blockquote, hr, title give a
//    blank line; div, li, tr, dt, dd, section and similar give one line break; <br> breaks a
//    line; table cells in a row are separated by a tab;
//  - the <title> is the first line when present.
// Errors: those of decode_text (unknown encoding, binary content).
result<std::string> html_to_text(std::string_view bytes);

}  // namespace hayloft::consumer
