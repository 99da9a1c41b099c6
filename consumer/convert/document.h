#pragma once
// Values produced by conversion: plain UTF-8 text plus where it came from. Plain data, no
// behaviour; safe to copy and move between threads.
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace hayloft::consumer {

// What a file is, as decided by classify(). `compressed` is a gzip/bzip2/xz stream that is not
// named like a tar; it is opened with libarchive and is either a tar or a single compressed file.
enum class file_type { unknown, text, markdown, html, pdf, zip, tar, compressed };

// Haystack FileTypeClassifier-style short names: "txt", "md", "html", "pdf", "zip", "tar", "gz",
// "unknown".
const char* to_string(file_type t);
// MIME type recorded in doc_meta::content_type ("text/plain", "application/pdf", ...).
const char* mime_type(file_type t);

// Bounds on what one object may cost. The defaults suit a laptop; tests shrink them.
struct convert_limits {
  std::uint64_t max_input_bytes = 256ull << 20;     // the object itself
  std::uint64_t max_unpacked_bytes = 512ull << 20;  // sum of all archive members, all levels
  std::uint64_t max_member_bytes = 128ull << 20;    // one archive member, uncompressed
  std::uint32_t max_members = 10000;                // entries (all kinds) over all levels
  double max_compression_ratio = 100.0;             // unpacked / packed bytes of one archive ...
  std::uint64_t ratio_floor_bytes = 1ull << 20;     // ... checked once it unpacked more than this
  int max_archive_depth = 1;  // archives inside an archive are opened this many levels deep
  int max_pdf_pages = 5000;
};

struct doc_meta {
  std::string member;        // path inside the archive(s), "" for a plain file; a label only
  std::optional<int> page;   // 1-based page number for PDF pages
  std::string content_type;  // MIME type of the file or member the text came from
};

struct converted_doc {
  std::string text;  // UTF-8, '\n' line ends
  doc_meta meta;
};

// An archive member that was not converted (unsupported type, corrupt, undecodable text, too
// deeply nested). The archive as a whole still converts.
struct skipped_member {
  std::string member;
  std::error_code code;
  std::string reason;
};

struct conversion {
  std::vector<converted_doc> docs;
  std::vector<skipped_member> skipped;
};

}  // namespace hayloft::consumer
