#include "consumer/convert/pdf.h"

#include <gtest/gtest.h>

#include "consumer/convert/convert.h"
#include "consumer/convert/errc.h"
#include "tests/consumer/convert/fixtures.h"

namespace hayloft::consumer {
namespace {

TEST(Pdf, TwoPagesKeepTheirPageNumbers) {
  const std::string pdf = testing::make_pdf({"Hello from page one.", "Second page text here."});
  auto r = convert("report.pdf", pdf);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 2u);
  EXPECT_EQ(r->docs[0].text, "Hello from page one.");
  EXPECT_EQ(r->docs[0].meta.page, 1);
  EXPECT_EQ(r->docs[1].text, "Second page text here.");
  EXPECT_EQ(r->docs[1].meta.page, 2);
  EXPECT_EQ(r->docs[1].meta.content_type, "application/pdf");
  EXPECT_EQ(r->docs[1].meta.member, "");
}

TEST(Pdf, EmptyPagesAreKeptSoNumbersStayTrue) {
  auto pages = pdf_to_pages(testing::make_pdf({"one", "", "three"}), 10);
  ASSERT_TRUE(pages.ok()) << pages.err().message;
  ASSERT_EQ(pages->size(), 3u);
  EXPECT_EQ((*pages)[1], "");
  EXPECT_EQ((*pages)[2], "three");
}

TEST(Pdf, GarbageIsCorrupt) {
  auto r = convert("broken.pdf", "%PDF-1.4\nthis is not a pdf at all\n%%EOF\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::corrupt_pdf);
  EXPECT_NE(r.err().message.find("corrupt pdf"), std::string::npos) << r.err().message;
}

TEST(Pdf, TruncatedIsCorrupt) {
  const std::string pdf = testing::make_pdf({"Hello"});
  auto r = convert("cut.pdf", pdf.substr(0, 40));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::corrupt_pdf) << r.err().message;
}

TEST(Pdf, PageLimit) {
  auto r = pdf_to_pages(testing::make_pdf({"a", "b", "c"}), 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::too_many_pages);
}

}  // namespace
}  // namespace hayloft::consumer
