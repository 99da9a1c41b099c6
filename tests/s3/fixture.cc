#include "tests/s3/fixture.h"

#include <fstream>
#include <iterator>

namespace hayloft::s3::testing {

std::string service_test::body_of(const core::response& r) {
  if (!r.file) return r.body;
  std::ifstream in(r.file->path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(r.file->offset));
  std::string out(static_cast<std::size_t>(r.file->length), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

std::size_t service_test::blob_files() const {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir_ / "blobs" / "s3", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) ++n;
  return n;
}

std::string xml_text(std::string_view xml, std::string_view element) {
  std::string open = "<" + std::string(element) + ">", close = "</" + std::string(element) + ">";
  auto a = xml.find(open);
  if (a == std::string_view::npos) return "<missing>";
  a += open.size();
  auto b = xml.find(close, a);
  return std::string(xml.substr(a, b - a));
}

std::size_t xml_count(std::string_view xml, std::string_view element) {
  std::string open = "<" + std::string(element) + ">";
  std::size_t n = 0;
  for (auto pos = xml.find(open); pos != std::string_view::npos; pos = xml.find(open, pos + 1)) ++n;
  return n;
}

}  // namespace hayloft::s3::testing
