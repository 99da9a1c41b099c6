#include "emulator/core/hash.h"

#include <gtest/gtest.h>

namespace hayloft::core {
namespace {

TEST(Hash, KnownVectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc64nvme("123456789"), 0xAE8B14860A799888ull);
  // Incremental CRC equals one-shot CRC.
  EXPECT_EQ(crc32c("6789", crc32c("12345")), crc32c("123456789"));
  EXPECT_EQ(to_hex(hmac_sha256_raw("key", "The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(Base64, EncodesAndDecodesStrictly) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  std::string out;
  ASSERT_TRUE(base64_decode("Zm9vYg==", out));
  EXPECT_EQ(out, "foob");
  EXPECT_FALSE(base64_decode("Zm9v!", out));
  EXPECT_EQ(base64_encode(be_bytes(0xCBF43926u, 4)), "y/Q5Jg==");
}

TEST(IncrementalHash, MatchesOneShot) {
  incremental_hash h(incremental_hash::kind::md5);
  h.update("hel");
  h.update("lo");
  EXPECT_EQ(to_hex(h.final_raw()), md5_hex("hello"));
}

}  // namespace
}  // namespace hayloft::core
