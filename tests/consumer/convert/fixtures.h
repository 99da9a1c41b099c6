#pragma once
// Test inputs built in memory: archives through libarchive's writer and a hand-written PDF with
// a correct xref table. Nothing is read from disk.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::consumer::testing {

struct entry {
  std::string path;
  std::string data;
  bool directory = false;
  std::string symlink_target;  // non-empty: a symbolic link instead of a file
};

enum class archive_kind { zip, tar, tar_gz, tar_bz2, tar_xz, gz };

// An archive holding `entries` in order. For gz, the single entry's data is gzip-compressed.
std::string make_archive(archive_kind kind, const std::vector<entry>& entries);

// A zip with one member of `size` bytes all equal to `fill`, compressed with deflate, written in
// chunks so the test never holds the whole member in memory.
std::string make_filled_zip(std::string_view member, std::uint64_t size, char fill);
// The same as a gzip-compressed single file (no tar, no declared size). Not zeros: a tar reader
// takes a zero block for an end-of-archive marker.
std::string make_filled_gz(std::uint64_t size, char fill);

// A valid PDF with one page per string, each page showing that string in Helvetica.
std::string make_pdf(const std::vector<std::string>& pages);

}  // namespace hayloft::consumer::testing
