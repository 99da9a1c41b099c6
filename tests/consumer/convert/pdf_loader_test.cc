#include "consumer/convert/pdf_loader.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>

#include "consumer/convert/convert.h"
#include "consumer/convert/errc.h"
#include "tests/consumer/convert/fixtures.h"

namespace hayloft::consumer {
namespace {

bool mapped(const std::string& needle) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(PdfLoader, MissingFileIsUnavailableNamingThePath) {
  auto p = pdf_plugin::open("/nonexistent/hayloft/libhayloft_pdf.so");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), convert_errc::pdf_unavailable);
  EXPECT_NE(p.err().message.find("pdf support unavailable"), std::string::npos) << p.err().message;
  EXPECT_NE(p.err().message.find("/nonexistent/hayloft/libhayloft_pdf.so"), std::string::npos);
}

TEST(PdfLoader, NotALibraryIsUnavailable) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("hayloft-not-a-plugin-" + std::to_string(::getpid()) + ".so");
  { std::ofstream(path) << "this is not an ELF shared object\n"; }
  auto p = pdf_plugin::open(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), convert_errc::pdf_unavailable);
  EXPECT_NE(p.err().message.find("cannot load"), std::string::npos) << p.err().message;
}

TEST(PdfLoader, LibraryWithoutTheAbiIsUnavailable) {
  auto p = pdf_plugin::open(HAYLOFT_FAKE_PDF_NO_ABI);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), convert_errc::pdf_unavailable);
  EXPECT_NE(p.err().message.find("is not a hayloft PDF plugin"), std::string::npos) << p.err().message;
}

TEST(PdfLoader, OtherAbiVersionIsUnavailable) {
  auto p = pdf_plugin::open(HAYLOFT_FAKE_PDF_OTHER_ABI);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), convert_errc::pdf_unavailable);
  EXPECT_NE(p.err().message.find("speaks plugin ABI " + std::to_string(HAYLOFT_PDF_ABI_VERSION + 1)),
            std::string::npos)
      << p.err().message;
}

TEST(PdfLoader, LooksNextToTheExecutableFirstThenAtTheBuiltPlugin) {
  auto c = pdf_plugin::candidates();
  ASSERT_FALSE(c.empty());
  auto exe = std::filesystem::read_symlink("/proc/self/exe");
  EXPECT_EQ(c.front(), (exe.parent_path().parent_path() / "lib" / "hayloft" / "libhayloft_pdf.so"));
  EXPECT_EQ(c.back(), std::filesystem::path(HAYLOFT_PDF_PLUGIN_PATH));
}

TEST(PdfLoader, BuiltPluginLoadsOnceAndExtracts) {
  auto p = pdf_plugin::open(HAYLOFT_PDF_PLUGIN_PATH);
  ASSERT_TRUE(p.ok()) << p.err().message;
  auto shared = pdf_plugin::shared();
  ASSERT_TRUE(shared.ok()) << shared.err().message;
  EXPECT_EQ(*pdf_plugin::shared(), *shared);  // once per process
  EXPECT_EQ((*shared)->extract(), p->extract());  // the same library, not a second copy
  const std::string pdf = testing::make_pdf({"plugin page"});
  std::vector<std::string> pages;
  int count = 0;
  const int status = p->extract()(
      pdf.data(), pdf.size(), 5,
      [](void* ctx, const char* text, size_t size) {
        static_cast<std::vector<std::string>*>(ctx)->emplace_back(text, size);
        return 0;
      },
      &pages, &count);
  EXPECT_EQ(status, HAYLOFT_PDF_OK);
  EXPECT_EQ(count, 1);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_NE(pages[0].find("plugin page"), std::string::npos) << pages[0];
}

TEST(PdfLoader, PopplerIsMappedOnlyAfterTheFirstPdf) {
  // CTest runs every test case in its own process; run alone, this one sees a fresh process.
  if (mapped("libhayloft_pdf.so")) GTEST_SKIP() << "an earlier test in this process loaded the plugin";
  EXPECT_FALSE(mapped("libpoppler"));
  auto text = convert("notes.txt", "plain text needs no plugin\n");
  ASSERT_TRUE(text.ok()) << text.err().message;
  EXPECT_FALSE(mapped("libhayloft_pdf.so"));
  auto pdf = convert("a.pdf", testing::make_pdf({"now it loads"}));
  ASSERT_TRUE(pdf.ok()) << pdf.err().message;
  EXPECT_EQ(pdf->docs.at(0).text, "now it loads");
  EXPECT_TRUE(mapped("libhayloft_pdf.so"));
  EXPECT_TRUE(mapped("libpoppler"));
}

TEST(PdfLoader, AbortingCallbackStopsExtraction) {
  auto p = pdf_plugin::shared();
  ASSERT_TRUE(p.ok()) << p.err().message;
  const std::string pdf = testing::make_pdf({"one", "two", "three"});
  int calls = 0, count = 0;
  const int status = (*p)->extract()(
      pdf.data(), pdf.size(), 5,
      [](void* ctx, const char*, size_t) { return ++*static_cast<int*>(ctx) == 2 ? 1 : 0; }, &calls,
      &count);
  EXPECT_EQ(status, HAYLOFT_PDF_ABORTED);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(count, 3);
}

}  // namespace
}  // namespace hayloft::consumer
