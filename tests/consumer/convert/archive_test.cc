#include "consumer/convert/archive.h"

#include <gtest/gtest.h>

#include "consumer/convert/convert.h"
#include "tests/consumer/convert/fixtures.h"

namespace hayloft::consumer {
namespace {

using testing::archive_kind;
using testing::entry;
using testing::make_archive;

const converted_doc* find_member(const conversion& c, std::string_view member,
                                 std::optional<int> page = std::nullopt) {
  for (const auto& d : c.docs) {
    if (d.meta.member == member && d.meta.page == page) return &d;
  }
  return nullptr;
}

std::vector<entry> nested_tree() {
  return {
      {"docs/", "", true},
      {"docs/guide/", "", true},
      {"docs/readme.txt", "Plain text member."},
      {"docs/guide/intro.md", "# Intro\n\nSome **markdown**."},
      {"docs/guide/page.html", "<html><body><p>Html &amp; text</p></body></html>"},
      {"docs/report.pdf", testing::make_pdf({"PDF page one", "PDF page two"})},
      {"docs/image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\0", 12)},
  };
}

void expect_nested_tree(const conversion& c) {
  ASSERT_EQ(c.docs.size(), 5u);
  auto* txt = find_member(c, "docs/readme.txt");
  ASSERT_NE(txt, nullptr);
  EXPECT_EQ(txt->text, "Plain text member.");
  EXPECT_EQ(txt->meta.content_type, "text/plain");
  auto* md = find_member(c, "docs/guide/intro.md");
  ASSERT_NE(md, nullptr);
  EXPECT_EQ(md->text, "Intro\n\nSome markdown.");
  auto* html = find_member(c, "docs/guide/page.html");
  ASSERT_NE(html, nullptr);
  EXPECT_EQ(html->text, "Html & text");
  auto* p2 = find_member(c, "docs/report.pdf", 2);
  ASSERT_NE(p2, nullptr);
  EXPECT_EQ(p2->text, "PDF page two");
  ASSERT_EQ(c.skipped.size(), 1u);
  EXPECT_EQ(c.skipped[0].member, "docs/image.png");
  EXPECT_EQ(c.skipped[0].code, convert_errc::unsupported_type);
}

TEST(Archive, ZipWithNestedFoldersConvertsEveryMember) {
  auto r = convert("bundle.zip", make_archive(archive_kind::zip, nested_tree()));
  ASSERT_TRUE(r.ok()) << r.err().message;
  expect_nested_tree(*r);
}

TEST(Archive, TarGzWithNestedFoldersConvertsEveryMember) {
  auto r = convert("bundle.tar.gz", make_archive(archive_kind::tar_gz, nested_tree()));
  ASSERT_TRUE(r.ok()) << r.err().message;
  expect_nested_tree(*r);
}

TEST(Archive, TarBz2AndXzAndPlainTar) {
  for (auto kind : {archive_kind::tar, archive_kind::tar_bz2, archive_kind::tar_xz}) {
    auto r = convert("bundle.tar", make_archive(kind, {{"a/b.txt", "member"}}));
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r->docs.size(), 1u);
    EXPECT_EQ(r->docs[0].meta.member, "a/b.txt");
    EXPECT_EQ(r->docs[0].text, "member");
  }
}

TEST(Archive, SingleGzipFileIsConvertedByItsInnerName) {
  auto r = convert("notes.md.gz", make_archive(archive_kind::gz, {{"data", "# Heading\ntext"}}));
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 1u);
  EXPECT_EQ(r->docs[0].meta.member, "notes.md");
  EXPECT_EQ(r->docs[0].meta.content_type, "text/markdown");
  EXPECT_EQ(r->docs[0].text, "Heading\ntext");
}

TEST(Archive, MemberNamesAreOnlyLabelsAndNeverEscape) {
  auto r = convert("evil.tar",
                   make_archive(archive_kind::tar, {
                                                       {"../../etc/passwd.txt", "a"},
                                                       {"/abs/path.txt", "b"},
                                                       {"./x/./../y.txt", "c"},
                                                       {"link", "", false, "../../etc/shadow"},
                                                   }));
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 3u);
  EXPECT_EQ(r->docs[0].meta.member, "etc/passwd.txt");
  EXPECT_EQ(r->docs[1].meta.member, "abs/path.txt");
  EXPECT_EQ(r->docs[2].meta.member, "x/y.txt");
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_NE(r->skipped[0].reason.find("symbolic link"), std::string::npos);
}

TEST(Archive, MemberLabel) {
  EXPECT_EQ(member_label("", "a/b/c.txt"), "a/b/c.txt");
  EXPECT_EQ(member_label("outer.zip", "..\\..\\win.txt"), "outer.zip/win.txt");
  EXPECT_EQ(member_label("", "../"), "(unnamed)");
  EXPECT_EQ(member_label("", "bad\xff.txt"), "bad\xef\xbf\xbd.txt");
}

TEST(Archive, NestedArchiveOneLevelIsOpened) {
  const std::string inner = make_archive(archive_kind::zip, {{"deep/inner.txt", "inner text"}});
  auto r = convert("outer.tar.gz", make_archive(archive_kind::tar_gz, {{"pack/inner.zip", inner}}));
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 1u);
  EXPECT_EQ(r->docs[0].meta.member, "pack/inner.zip/deep/inner.txt");
  EXPECT_EQ(r->docs[0].text, "inner text");
}

TEST(Archive, NestingDeeperThanTheLimitIsSkipped) {
  const std::string level2 = make_archive(archive_kind::zip, {{"l2.txt", "too deep"}});
  const std::string level1 =
      make_archive(archive_kind::zip, {{"l1.txt", "one level"}, {"l2.zip", level2}});
  auto r = convert("top.zip", make_archive(archive_kind::zip, {{"l1.zip", level1}}));
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 1u);
  EXPECT_EQ(r->docs[0].meta.member, "l1.zip/l1.txt");
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].member, "l1.zip/l2.zip");
  EXPECT_NE(r->skipped[0].reason.find("nested archive"), std::string::npos);

  convert_limits flat;
  flat.max_archive_depth = 0;
  auto f = convert("top.zip", make_archive(archive_kind::zip, {{"l1.zip", level1}}), flat);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->docs.empty());
  EXPECT_EQ(f->skipped.size(), 1u);
}

TEST(Archive, ZipBombIsRejectedByDeclaredRatioWithoutInflating) {
  // 64 MiB of zeros deflate to ~64 KiB: a ratio near 1000.
  const std::string bomb = testing::make_filled_zip("zeros.txt", 64ull << 20, '\0');
  ASSERT_LT(bomb.size(), 1u << 20);
  auto r = convert("bomb.zip", bomb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::compression_ratio);
  // The verdict comes from the sizes the zip declares, before any data is inflated.
  EXPECT_NE(r.err().message.find("declare"), std::string::npos) << r.err().message;
}

TEST(Archive, DeclaredMemberSizeOverLimitIsRejected) {
  convert_limits limits;
  limits.max_member_bytes = 1000;
  auto r = convert("big.tar",
                   make_archive(archive_kind::tar, {{"big.txt", std::string(5000, 'x')}}), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::archive_too_large);
  EXPECT_NE(r.err().message.find("archive too large"), std::string::npos);
}

TEST(Archive, GzipBombWithoutDeclaredSizeStopsWhileInflating) {
  // A single .gz declares no size: the ratio check runs on the bytes as they are inflated and
  // stops at the bound (ratio x packed size, at least ratio_floor_bytes), not at 64 MiB.
  const std::string bomb = testing::make_filled_gz(64ull << 20, 'a');
  convert_limits limits;
  limits.max_compression_ratio = 50;
  auto r = convert("aaaa.txt.gz", bomb, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::compression_ratio);
  EXPECT_NE(r.err().message.find("unpacked"), std::string::npos) << r.err().message;
}

TEST(Archive, TotalUnpackedLimitAcrossMembers) {
  convert_limits limits;
  limits.max_unpacked_bytes = 2500;
  limits.max_compression_ratio = 1e9;
  std::vector<entry> entries;
  for (int i = 0; i < 3; ++i)
    entries.push_back({"f" + std::to_string(i) + ".txt", std::string(1000, 'a')});
  auto r = convert("many.zip", make_archive(archive_kind::zip, entries), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::archive_too_large);
}

TEST(Archive, MemberCountLimit) {
  convert_limits limits;
  limits.max_members = 3;
  std::vector<entry> entries;
  for (int i = 0; i < 5; ++i) entries.push_back({"f" + std::to_string(i) + ".txt", "x"});
  auto r = convert("many.tar", make_archive(archive_kind::tar, entries), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::archive_too_large);
  EXPECT_NE(r.err().message.find("members"), std::string::npos);
}

TEST(Archive, NestedBombFailsTheWholeObject) {
  convert_limits limits;
  limits.ratio_floor_bytes = 4096;
  const std::string inner = testing::make_filled_zip("z.txt", 1 << 20, 'z');
  auto r =
      convert("outer.tar", make_archive(archive_kind::tar, {{"ok.txt", "fine"}, {"in.zip", inner}}),
              limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::compression_ratio);
}

TEST(Archive, CorruptArchiveIsRejected) {
  auto zip = make_archive(archive_kind::zip, {{"a.txt", "hello"}});
  auto r = convert("bad.zip", "PK\x03\x04 this is not really a zip file at all");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::corrupt_archive) << r.err().message;
  auto tgz = make_archive(archive_kind::tar_gz, {{"a.txt", std::string(10000, 'q')}});
  auto t = convert("cut.tar.gz", tgz.substr(0, tgz.size() / 2));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.code(), convert_errc::corrupt_archive) << t.err().message;
}

TEST(Archive, UndecodableMemberIsSkippedNotFatal) {
  auto r = convert("mixed.zip", make_archive(archive_kind::zip, {{"bin.txt", std::string(64, '\0')},
                                                                 {"bad.pdf", "not a pdf"},
                                                                 {"good.txt", "good"}}));
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->docs.size(), 1u);
  EXPECT_EQ(r->docs[0].meta.member, "good.txt");
  ASSERT_EQ(r->skipped.size(), 2u);
  EXPECT_EQ(r->skipped[0].code, convert_errc::binary_content);
  EXPECT_EQ(r->skipped[1].code, convert_errc::corrupt_pdf);
}

}  // namespace
}  // namespace hayloft::consumer
