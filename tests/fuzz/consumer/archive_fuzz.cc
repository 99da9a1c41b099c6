// Archives (ZIP, tar, tar.gz/.bz2/.xz, single .gz/.bz2/.xz) through convert() and libarchive,
// with small limits so that bombs and nesting hit them. The first byte picks the object's name
// (what classification falls back on without magic); the rest is the object.
// Properties on success: the limits hold (documents <= max_members, text <= 3 x
// max_unpacked_bytes since UTF-16/Latin-1 members grow when re-encoded as UTF-8), every text is
// valid UTF-8 and every label is a safe relative path (no "", "." or ".." component). Nesting
// past max_archive_depth is covered by tests/consumer/convert (archive_test.cc).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "consumer/convert/convert.h"
#include "consumer/convert/utf8.h"

namespace {

const char* const names[] = {"a.zip", "a.tar", "a.tar.gz", "a.tgz", "a.gz", "a.bz2", "a.xz", "a.tar.xz", "a.txt", "a"};

bool safe_label(std::string_view label) {
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = label.find('/', start);
    std::string_view part = label.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 1024 * 1024) return 0;
  using namespace hayloft::consumer;
  convert_limits limits;
  limits.max_input_bytes = 1 << 20;
  limits.max_unpacked_bytes = 8 << 20;
  limits.max_member_bytes = 2 << 20;
  limits.max_members = 64;
  limits.max_compression_ratio = 100;
  limits.ratio_floor_bytes = 64 << 10;
  limits.max_archive_depth = 2;
  limits.max_pdf_pages = 8;
  const std::string_view name = names[data[0] % (sizeof names / sizeof names[0])];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto c = convert(name, bytes, limits);
  if (!c) return 0;
  if (c->docs.size() > limits.max_members + limits.max_pdf_pages * limits.max_members) std::abort();
  std::uint64_t total = 0;
  for (const auto& d : c->docs) {
    total += d.text.size();
    if (!valid_utf8(d.text)) std::abort();
    if (!d.meta.member.empty() && !safe_label(d.meta.member)) std::abort();
  }
  if (total > 3 * limits.max_unpacked_bytes) std::abort();
  return 0;
}
