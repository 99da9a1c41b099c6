#include "consumer/convert/classify.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace hayloft::consumer {
namespace {

std::string lower_basename(std::string_view filename) {
  auto slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  std::string out(filename);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ends_with_any(std::string_view name, std::initializer_list<std::string_view> suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [&](std::string_view s) {
    return name.size() > s.size() && name.ends_with(s);
  });
}

bool named_tar(std::string_view name) {
  return ends_with_any(name,
                       {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz"});
}

bool named_container(std::string_view name) {
  return ends_with_any(
      name, {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub", ".jar", ".apk"});
}

file_type by_extension(std::string_view name) {
  if (named_tar(name)) return file_type::tar;
  if (ends_with_any(name, {".gz", ".bz2", ".xz"})) return file_type::compressed;
  if (ends_with_any(name, {".zip"})) return file_type::zip;
  if (ends_with_any(name, {".pdf"})) return file_type::pdf;
  if (ends_with_any(name, {".md", ".markdown", ".mdown", ".mkd"})) return file_type::markdown;
  if (ends_with_any(name, {".html", ".htm", ".xhtml"})) return file_type::html;
  if (ends_with_any(name, {".txt", ".text", ".log", ".csv", ".tsv"})) return file_type::text;
  return file_type::unknown;
}

bool starts_with(std::string_view bytes, std::string_view magic) {
  return bytes.starts_with(magic);
}

bool compressed_magic(std::string_view b) {
  return starts_with(b, std::string_view("\x1f\x8b", 2)) ||
         (b.size() >= 4 && starts_with(b, "BZh") && b[3] >= '1' && b[3] <= '9') ||
         starts_with(b, std::string_view("\xfd"
                                         "7zXZ\0",
                                         6));
}

bool zip_magic(std::string_view b) {
  return starts_with(b, std::string_view("PK\x03\x04", 4)) ||
         starts_with(b, std::string_view("PK\x05\x06", 4)) ||
         starts_with(b, std::string_view("PK\x07\x08", 4));
}

// "%PDF-" at the start, after optional whitespace (some writers emit a blank line first).
bool pdf_magic(std::string_view b) {
  size_t i = 0;
  while (i < b.size() && i < 64 && std::isspace(static_cast<unsigned char>(b[i]))) ++i;
  return b.substr(i).starts_with("%PDF-");
}

bool ieq_prefix(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower_prefix[i]) return false;
  }
  return true;
}

bool looks_like_html(std::string_view b) {
  if (b.starts_with("\xef\xbb\xbf")) b.remove_prefix(3);
  auto head = b.substr(0, 1024);
  size_t i = 0;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  auto rest = head.substr(i);
  if (ieq_prefix(rest, "<!doctype html") || ieq_prefix(rest, "<html")) return true;
  for (size_t p = 0; p < head.size(); ++p) {
    if (head[p] != '<') continue;
    auto tag = head.substr(p);
    if (ieq_prefix(tag, "<html") || ieq_prefix(tag, "<head") || ieq_prefix(tag, "<body"))
      return true;
  }
  return false;
}

// UTF-16 text without a BOM: mostly-ASCII content has a zero byte in every other position.
bool utf16_nul_pattern(std::string_view b) {
  auto n = std::min<size_t>(b.size(), 1024) & ~size_t{1};
  if (n < 4) return false;
  size_t even_zero = 0, odd_zero = 0;
  for (size_t i = 0; i < n; i += 2) {
    even_zero += b[i] == '\0';
    odd_zero += b[i + 1] == '\0';
  }
  size_t pairs = n / 2;
  return (odd_zero * 10 >= pairs * 7 && even_zero * 10 < pairs) ||
         (even_zero * 10 >= pairs * 7 && odd_zero * 10 < pairs);
}

bool looks_like_text(std::string_view b) {
  if (b.starts_with("\xef\xbb\xbf") || b.starts_with("\xff\xfe") || b.starts_with("\xfe\xff")) {
    return true;
  }
  if (b.substr(0, 8192).find('\0') == std::string_view::npos) return true;
  return utf16_nul_pattern(b);
}

}  // namespace

const char* to_string(file_type t) {
  switch (t) {
    case file_type::text:
      return "txt";
    case file_type::markdown:
      return "md";
    case file_type::html:
      return "html";
    case file_type::pdf:
      return "pdf";
    case file_type::zip:
      return "zip";
    case file_type::tar:
      return "tar";
    case file_type::compressed:
      return "gz";
    case file_type::unknown:
      break;
  }
  return "unknown";
}

const char* mime_type(file_type t) {
  switch (t) {
    case file_type::text:
      return "text/plain";
    case file_type::markdown:
      return "text/markdown";
    case file_type::html:
      return "text/html";
    case file_type::pdf:
      return "application/pdf";
    case file_type::zip:
      return "application/zip";
    case file_type::tar:
      return "application/x-tar";
    case file_type::compressed:
      return "application/gzip";
    case file_type::unknown:
      break;
  }
  return "application/octet-stream";
}

file_type classify(std::string_view filename, std::string_view bytes) {
  const std::string name = lower_basename(filename);
  if (pdf_magic(bytes)) return file_type::pdf;
  if (zip_magic(bytes)) return named_container(name) ? file_type::unknown : file_type::zip;
  if (bytes.size() >= 262 && bytes.substr(257, 5) == "ustar") return file_type::tar;
  if (compressed_magic(bytes)) return named_tar(name) ? file_type::tar : file_type::compressed;

  if (auto t = by_extension(name); t != file_type::unknown) return t;
  if (named_container(name)) return file_type::unknown;
  if (looks_like_html(bytes)) return file_type::html;
  if (looks_like_text(bytes)) return file_type::text;
  return file_type::unknown;
}

}  // namespace hayloft::consumer
