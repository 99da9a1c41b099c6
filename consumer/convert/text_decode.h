#pragma once
// Turns bytes of a text file into UTF-8. Pure function; callable from any thread (ICU
// converters and detectors are opened per call).
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::consumer {

struct decoded_text {
  std::string text;      // UTF-8 without BOM, CRLF/CR normalised to LF
  std::string encoding;  // what the bytes were read as: "UTF-8", "UTF-16LE", "windows-1252", ...
};

struct decode_options {
  // A charset the container declared (an HTML <meta charset>); tried before detection when it is
  // not a UTF-8 label. Unknown names are ignored.
  std::string_view declared_charset;
  // Let ICU's detector ignore <...> markup when guessing (for HTML).
  bool markup = false;
};

// Order of decisions:
//  1. A BOM (UTF-8, UTF-16LE/BE, UTF-32LE/BE) decides.
//  2. The declared charset, if any, when the bytes convert under it without error.
//  3. Valid UTF-8 (ASCII included) is taken as is.
//  4. ICU's charset detector (ucsdet): the best candidate with confidence >= 10 whose strict
//     conversion succeeds. ISO-8859-1 is read as windows-1252 first (as browsers do) and falls
//     back to ISO-8859-1 if a byte is unmapped in windows-1252.
// Errors: convert_errc::binary_content when the result holds NULs or many control characters;
// convert_errc::unknown_encoding when nothing above yields text ("not UTF-8 and encoding
// unknown").
result<decoded_text> decode_text(std::string_view bytes, const decode_options& options = {});

}  // namespace hayloft::consumer
