#include "consumer/convert/text_decode.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <vector>

#include "consumer/convert/errc.h"
#include "consumer/convert/utf8.h"

namespace hayloft::consumer {
namespace {

struct converter_closer {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
struct detector_closer {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// Converts `bytes` from `charset` to UTF-8, failing on any unmapped or illegal sequence.
// Streams through ICU's pivot buffer so memory stays near the size of the output.
std::optional<std::string> convert_strict(std::string_view bytes, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, converter_closer> from(ucnv_open(charset, &status));
  if (U_FAILURE(status)) return std::nullopt;
  std::unique_ptr<UConverter, converter_closer> to(ucnv_open("UTF-8", &status));
  if (U_FAILURE(status)) return std::nullopt;
  ucnv_setToUCallBack(from.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  ucnv_setFromUCallBack(to.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return std::nullopt;

  std::string out(bytes.size() + bytes.size() / 2 + 16, '\0');
  std::vector<UChar> pivot(16 * 1024);
  UChar* pivot_source = pivot.data();
  UChar* pivot_target = pivot.data();
  const char* source = bytes.data();
  const char* const source_end = bytes.data() + bytes.size();
  size_t written = 0;
  bool reset = true;
  for (;;) {
    char* target = out.data() + written;
    status = U_ZERO_ERROR;
    ucnv_convertEx(to.get(), from.get(), &target, out.data() + out.size(), &source, source_end,
                   pivot.data(), &pivot_source, &pivot_target, pivot.data() + pivot.size(), reset,
                   true, &status);
    reset = false;
    written = static_cast<size_t>(target - out.data());
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.resize(out.size() * 2);
      continue;
    }
    if (U_FAILURE(status)) return std::nullopt;
    break;
  }
  out.resize(written);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_utf8_label(std::string_view name) {
  auto l = lower(name);
  return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8";
}

// Binary data decodes "successfully" under single-byte charsets, so the result is checked:
// NULs, or more than 1% C0 control characters other than tab, newlines, form and vertical feed.
std::optional<std::string> binary_reason(std::string_view utf8) {
  size_t controls = 0, nuls = 0;
  for (unsigned char c : utf8) {
    if (c == 0)
      ++nuls;
    else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b)
      ++controls;
    else if (c == 0x7f)
      ++controls;
  }
  if (nuls > 0) return std::to_string(nuls) + " NUL bytes";
  if (controls > 0 && controls * 100 > utf8.size()) {
    return std::to_string(controls) + " control characters in " + std::to_string(utf8.size()) +
           " bytes";
  }
  return std::nullopt;
}

result<decoded_text> finish(std::string utf8, std::string encoding) {
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.erase(0, 3);
  if (auto why = binary_reason(utf8)) {
    return error{make_error_code(convert_errc::binary_content),
                 "binary content (read as " + encoding + "): " + *why};
  }
  return decoded_text{normalize_newlines(std::move(utf8)), std::move(encoding)};
}

std::optional<result<decoded_text>> try_bom(std::string_view bytes) {
  struct bom {
    std::string_view magic;
    const char* charset;
  };
  // UTF-32LE must be tested before UTF-16LE: its BOM starts with the UTF-16LE one.
  static const bom boms[] = {
      {std::string_view("\xFF\xFE\0\0", 4), "UTF-32LE"},
      {std::string_view("\0\0\xFE\xFF", 4), "UTF-32BE"},
      {"\xEF\xBB\xBF", "UTF-8"},
      {"\xFF\xFE", "UTF-16LE"},
      {"\xFE\xFF", "UTF-16BE"},
  };
  for (const auto& b : boms) {
    if (!bytes.starts_with(b.magic)) continue;
    auto body = bytes.substr(b.magic.size());
    if (std::string_view(b.charset) == "UTF-8") {
      if (!valid_utf8(body)) {
        return result<decoded_text>(error{make_error_code(convert_errc::unknown_encoding),
                                          "not UTF-8 and encoding unknown: invalid UTF-8 after "
                                          "a UTF-8 byte order mark"});
      }
      return finish(std::string(body), "UTF-8");
    }
    auto utf8 = convert_strict(body, b.charset);
    if (!utf8) {
      return result<decoded_text>(error{make_error_code(convert_errc::unknown_encoding),
                                        std::string("not UTF-8 and encoding unknown: invalid ") +
                                            b.charset + " after its byte order mark"});
    }
    return finish(std::move(*utf8), b.charset);
  }
  return std::nullopt;
}

struct candidate {
  std::string name;
  int32_t confidence;
};

std::vector<candidate> detect(std::string_view bytes, bool markup) {
  std::vector<candidate> out;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, detector_closer> det(ucsdet_open(&status));
  if (U_FAILURE(status)) return out;
  ucsdet_enableInputFilter(det.get(), markup);
  auto len = static_cast<int32_t>(std::min<size_t>(bytes.size(), 1u << 20));
  ucsdet_setText(det.get(), bytes.data(), len, &status);
  int32_t found = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &found, &status);
  if (U_FAILURE(status)) return out;
  for (int32_t i = 0; i < found; ++i) {
    UErrorCode s = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[i], &s);
    int32_t conf = ucsdet_getConfidence(matches[i], &s);
    if (U_SUCCESS(s) && name) out.push_back({name, conf});
  }
  return out;
}

}  // namespace

result<decoded_text> decode_text(std::string_view bytes, const decode_options& options) {
  if (auto r = try_bom(bytes)) return std::move(*r);

  if (!options.declared_charset.empty() && !is_utf8_label(options.declared_charset)) {
    std::string cs(options.declared_charset);
    // As browsers do: a Latin-1 label means windows-1252.
    auto l = lower(cs);
    if (l == "iso-8859-1" || l == "latin1" || l == "us-ascii" || l == "ascii") cs = "windows-1252";
    if (auto utf8 = convert_strict(bytes, cs.c_str())) return finish(std::move(*utf8), cs);
  }

  // ASCII-only UTF-16 without a BOM is valid UTF-8 full of NULs, so a binary-looking UTF-8
  // reading is not final: the detector gets a chance, and the first binary verdict is kept.
  std::optional<error> binary;
  if (valid_utf8(bytes)) {
    auto r = finish(std::string(bytes), "UTF-8");
    if (r.ok()) return r;
    binary = r.err();
  }

  for (const auto& c : detect(bytes, options.markup)) {
    if (c.confidence < 10 || is_utf8_label(c.name)) continue;
    std::vector<std::string> tries{c.name};
    if (c.name == "ISO-8859-1") tries = {"windows-1252", "ISO-8859-1"};
    for (const auto& name : tries) {
      if (auto utf8 = convert_strict(bytes, name.c_str())) {
        auto r = finish(std::move(*utf8), name);
        if (r.ok()) return r;
        if (!binary) binary = r.err();
      }
    }
  }
  if (binary) return *binary;
  if (bytes.find('\0') != std::string_view::npos) {
    return error{make_error_code(convert_errc::binary_content),
                 "binary content: NUL bytes and no text encoding matches"};
  }
  return error{make_error_code(convert_errc::unknown_encoding),
               "not UTF-8 and encoding unknown (no confident charset detection)"};
}

}  // namespace hayloft::consumer
