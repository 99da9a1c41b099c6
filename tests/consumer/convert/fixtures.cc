#include "tests/consumer/convert/fixtures.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <stdexcept>

namespace hayloft::consumer::testing {
namespace {

la_ssize_t append_cb(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

archive* new_writer(archive_kind kind, std::string& out) {
  archive* a = archive_write_new();
  switch (kind) {
    case archive_kind::zip:
      archive_write_set_format_zip(a);
      break;
    case archive_kind::tar:
      archive_write_set_format_pax_restricted(a);
      break;
    case archive_kind::tar_gz:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_gzip(a);
      break;
    case archive_kind::tar_bz2:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_bzip2(a);
      break;
    case archive_kind::tar_xz:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_xz(a);
      break;
    case archive_kind::gz:
      archive_write_set_format_raw(a);
      archive_write_add_filter_gzip(a);
      break;
  }
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open(a, &out, nullptr, append_cb, nullptr) != ARCHIVE_OK) {
    throw std::runtime_error(archive_error_string(a));
  }
  return a;
}

void check(archive* a, int rc) {
  if (rc < ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
}

}  // namespace

std::string make_archive(archive_kind kind, const std::vector<entry>& entries) {
  std::string out;
  archive* a = new_writer(kind, out);
  for (const auto& e : entries) {
    archive_entry* en = archive_entry_new();
    archive_entry_set_pathname(en, e.path.c_str());
    if (e.directory) {
      archive_entry_set_filetype(en, AE_IFDIR);
      archive_entry_set_perm(en, 0755);
    } else if (!e.symlink_target.empty()) {
      archive_entry_set_filetype(en, AE_IFLNK);
      archive_entry_set_symlink(en, e.symlink_target.c_str());
      archive_entry_set_perm(en, 0777);
    } else {
      archive_entry_set_filetype(en, AE_IFREG);
      archive_entry_set_perm(en, 0644);
      archive_entry_set_size(en, static_cast<la_int64_t>(e.data.size()));
    }
    check(a, archive_write_header(a, en));
    if (!e.data.empty()) {
      if (archive_write_data(a, e.data.data(), e.data.size()) < 0) {
        throw std::runtime_error(archive_error_string(a));
      }
    }
    archive_entry_free(en);
  }
  check(a, archive_write_close(a));
  archive_write_free(a);
  return out;
}

namespace {

std::string make_filled_stream(archive_kind kind, std::string_view member, std::uint64_t size,
                               char fill) {
  std::string out;
  archive* a = new_writer(kind, out);
  archive_entry* en = archive_entry_new();
  archive_entry_set_pathname(en, std::string(member).c_str());
  archive_entry_set_filetype(en, AE_IFREG);
  archive_entry_set_perm(en, 0644);
  archive_entry_set_size(en, static_cast<la_int64_t>(size));
  check(a, archive_write_header(a, en));
  std::string chunk(1 << 20, fill);
  for (std::uint64_t left = size; left > 0;) {
    auto n = static_cast<size_t>(std::min<std::uint64_t>(left, chunk.size()));
    if (archive_write_data(a, chunk.data(), n) < 0)
      throw std::runtime_error(archive_error_string(a));
    left -= n;
  }
  archive_entry_free(en);
  check(a, archive_write_close(a));
  archive_write_free(a);
  return out;
}

}  // namespace

std::string make_filled_zip(std::string_view member, std::uint64_t size, char fill) {
  return make_filled_stream(archive_kind::zip, member, size, fill);
}

std::string make_filled_gz(std::uint64_t size, char fill) {
  return make_filled_stream(archive_kind::gz, "data", size, fill);
}

std::string make_pdf(const std::vector<std::string>& pages) {
  const int n = static_cast<int>(pages.size());
  // Objects: 1 catalog, 2 pages, 3 font, then per page i: (4 + 2i) page, (5 + 2i) contents.
  std::vector<std::string> objects;
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (int i = 0; i < n; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (int i = 0; i < n; ++i) {
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
        "<< /F1 3 0 R >> >> /Contents " +
        std::to_string(5 + 2 * i) + " 0 R >>");
    std::string stream = "BT /F1 18 Tf 72 700 Td (" + pages[static_cast<size_t>(i)] + ") Tj ET";
    objects.push_back("<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream +
                      "\nendstream");
  }
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace hayloft::consumer::testing
