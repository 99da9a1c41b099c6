#include "consumer/convert/text_decode.h"

#include <gtest/gtest.h>

#include "consumer/convert/errc.h"

namespace hayloft::consumer {
namespace {

std::string utf16le(std::u16string_view s, bool bom) {
  std::string out = bom ? std::string("\xff\xfe") : std::string();
  for (char16_t c : s) {
    out += static_cast<char>(c & 0xff);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

std::string utf16be(std::u16string_view s) {
  std::string out("\xfe\xff");
  for (char16_t c : s) {
    out += static_cast<char>(c >> 8);
    out += static_cast<char>(c & 0xff);
  }
  return out;
}

TEST(DecodeText, Utf8PassesThroughWithNewlinesNormalised) {
  auto r = decode_text("caf\xc3\xa9\r\nna\xc3\xafve\rend\n");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->text, "caf\xc3\xa9\nna\xc3\xafve\nend\n");
  EXPECT_EQ(r->encoding, "UTF-8");
}

TEST(DecodeText, Utf8BomIsStripped) {
  auto r = decode_text("\xef\xbb\xbfhello");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "hello");
}

TEST(DecodeText, Utf16LittleEndianWithBom) {
  auto r = decode_text(utf16le(u"Gr\u00fc\u00dfe aus K\u00f6ln \u20ac\r\n", true));
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->text,
            "Gr\xc3\xbc\xc3\x9f"
            "e aus K\xc3\xb6ln \xe2\x82\xac\n");
  EXPECT_EQ(r->encoding, "UTF-16LE");
}

TEST(DecodeText, Utf16BigEndianWithBom) {
  auto r = decode_text(utf16be(u"\u65e5\u672c\u8a9e text"));
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->text, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e text");
  EXPECT_EQ(r->encoding, "UTF-16BE");
}

TEST(DecodeText, Utf16WithoutBomIsDetected) {
  auto r =
      decode_text(utf16le(u"The quick brown fox jumps over the lazy dog. "
                          u"The quick brown fox jumps over the lazy dog.",
                          false));
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->text,
            "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy "
            "dog.");
}

TEST(DecodeText, Latin1IsDetectedAndConverted) {
  // "Le café crème est déjà prêt. Où êtes-vous? Très bien, à bientôt!" in ISO-8859-1.
  const std::string latin1 =
      "Le caf\xe9 cr\xe8me est d\xe9j\xe0 pr\xeat. O\xf9 \xeates-vous? Tr\xe8s bien, \xe0 "
      "bient\xf4t! La r\xe9union de l'\xe9quipe aura lieu apr\xe8s le d\xe9jeuner.";
  auto r = decode_text(latin1);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->text,
            "Le caf\xc3\xa9 cr\xc3\xa8me est d\xc3\xa9j\xc3\xa0 pr\xc3\xaat. O\xc3\xb9 "
            "\xc3\xaates-vous? Tr\xc3\xa8s bien, \xc3\xa0 bient\xc3\xb4t! La r\xc3\xa9union de "
            "l'\xc3\xa9quipe aura lieu apr\xc3\xa8s le d\xc3\xa9jeuner.");
  EXPECT_EQ(r->encoding, "windows-1252");
}

TEST(DecodeText, Windows1252SmartQuotesAndEuro) {
  // 0x93/0x94 are curly quotes and 0x80 the euro sign in windows-1252 (C1 controls in Latin-1).
  const std::string cp1252 =
      "He said \x93the price is 5\x80\x94 and left. The shop\x92s owner didn\x92t agree with "
      "the customer\x92s idea about the price of the coffee.";
  auto r = decode_text(cp1252);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_NE(r->text.find("\xe2\x80\x9cthe price is 5\xe2\x82\xac\xe2\x80\x9d"), std::string::npos)
      << r->text;
}

TEST(DecodeText, DeclaredCharsetIsUsed) {
  auto r = decode_text(
      "Stra\xdf"
      "e",
      decode_options{"iso-8859-1"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text,
            "Stra\xc3\x9f"
            "e");
}

TEST(DecodeText, BinaryIsRejected) {
  std::string bin;
  for (int i = 0; i < 512; ++i) bin += static_cast<char>((i * 37) & 0xff);
  auto r = decode_text(bin);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::binary_content) << r.err().message;
}

TEST(DecodeText, ZerosAreBinaryNotText) {
  auto r = decode_text(std::string(1000, '\0'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::binary_content);
  EXPECT_NE(r.err().message.find("NUL"), std::string::npos) << r.err().message;
}

TEST(DecodeText, BrokenUtf16AfterBomIsRejectedWithReason) {
  // A lone high surrogate.
  auto r = decode_text(std::string("\xff\xfe\x3d\xd8", 4));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::unknown_encoding);
  EXPECT_NE(r.err().message.find("UTF-16LE"), std::string::npos) << r.err().message;
}

TEST(DecodeText, InvalidUtf8AfterUtf8BomIsRejected) {
  auto r = decode_text("\xef\xbb\xbfok \xc3\x28");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), convert_errc::unknown_encoding);
  EXPECT_NE(r.err().message.find("not UTF-8 and encoding unknown"), std::string::npos);
}

}  // namespace
}  // namespace hayloft::consumer
