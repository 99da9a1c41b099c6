#include "consumer/convert/classify.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/consumer/convert/fixtures.h"

namespace hayloft::consumer {
namespace {

using testing::archive_kind;
using testing::make_archive;

struct classify_case {
  const char* name;
  std::string filename;
  std::string bytes;
  file_type expected;
};

class ClassifyTable : public ::testing::TestWithParam<classify_case> {};

TEST_P(ClassifyTable, DecidesType) {
  const auto& c = GetParam();
  EXPECT_EQ(classify(c.filename, c.bytes), c.expected)
      << c.name << ": got " << to_string(classify(c.filename, c.bytes));
}

const std::string kZip = make_archive(archive_kind::zip, {{"a.txt", "hello"}});
const std::string kTar = make_archive(archive_kind::tar, {{"a.txt", "hello"}});
const std::string kTgz = make_archive(archive_kind::tar_gz, {{"a.txt", "hello"}});
const std::string kTbz = make_archive(archive_kind::tar_bz2, {{"a.txt", "hello"}});
const std::string kTxz = make_archive(archive_kind::tar_xz, {{"a.txt", "hello"}});
const std::string kGz = make_archive(archive_kind::gz, {{"data", "hello"}});

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassifyTable,
    ::testing::Values(
        classify_case{"txt by extension", "notes.txt", "hello", file_type::text},
        classify_case{"extension case-insensitive", "dir/NOTES.TXT", "hello", file_type::text},
        classify_case{"markdown", "README.md", "# Title", file_type::markdown},
        classify_case{"markdown long", "a.markdown", "text", file_type::markdown},
        classify_case{"html", "index.html", "<p>x</p>", file_type::html},
        classify_case{"htm", "index.htm", "x", file_type::html},
        classify_case{"pdf by magic", "paper.pdf", "%PDF-1.7\n...", file_type::pdf},
        classify_case{"pdf magic beats name", "paper.txt", "%PDF-1.4\n...", file_type::pdf},
        classify_case{"pdf without magic stays pdf", "broken.pdf", "garbage", file_type::pdf},
        classify_case{"zip by magic", "files.zip", kZip, file_type::zip},
        classify_case{"zip magic without name", "upload", kZip, file_type::zip},
        classify_case{"docx is not an archive to index", "report.docx", kZip, file_type::unknown},
        classify_case{"plain tar by ustar magic", "x.bin", kTar, file_type::tar},
        classify_case{"tar.gz", "docs.tar.gz", kTgz, file_type::tar},
        classify_case{"tgz", "docs.tgz", kTgz, file_type::tar},
        classify_case{"tar.bz2", "docs.tar.bz2", kTbz, file_type::tar},
        classify_case{"tar.xz", "docs.tar.xz", kTxz, file_type::tar},
        classify_case{"gzip stream not named tar", "notes.txt.gz", kGz, file_type::compressed},
        classify_case{"html sniffed without extension", "page",
                      "\n  <!DOCTYPE html><html><body>x</body></html>", file_type::html},
        classify_case{"html sniffed from body tag", "page.dat", "<body>hi</body>", file_type::html},
        classify_case{"text sniffed without extension", "LICENSE", "MIT License\n",
                      file_type::text},
        classify_case{"utf-16 with BOM sniffed", "notes", std::string("\xff\xfeh\0i\0", 6),
                      file_type::text},
        classify_case{"utf-16 without BOM sniffed", "notes",
                      std::string("h\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0", 22), file_type::text},
        classify_case{"binary junk", "image.png",
                      std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", 18), file_type::unknown},
        classify_case{"empty file with unknown name", "empty", "", file_type::text}),
    [](const auto& info) {
      std::string n = info.param.name;
      std::string out;
      bool up = true;
      for (char c : n) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
          out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
          up = false;
        } else {
          up = true;
        }
      }
      return out;
    });

TEST(Classify, NamesFollowHaystackFileTypeClassifier) {
  EXPECT_STREQ(to_string(file_type::text), "txt");
  EXPECT_STREQ(to_string(file_type::markdown), "md");
  EXPECT_STREQ(to_string(file_type::html), "html");
  EXPECT_STREQ(to_string(file_type::pdf), "pdf");
  EXPECT_STREQ(mime_type(file_type::pdf), "application/pdf");
  EXPECT_STREQ(mime_type(file_type::markdown), "text/markdown");
}

}  // namespace
}  // namespace hayloft::consumer
