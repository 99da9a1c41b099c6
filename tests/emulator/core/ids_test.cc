// Identifier generators: shapes and uniqueness (the bytes come from getrandom(2)).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "emulator/core/ids.h"

namespace hayloft::core {
namespace {

TEST(Ids, Uuid4HasTheVersionAndVariantBits) {
  const std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(std::regex_match(uuid4(), shape));
}

TEST(Ids, RandomHexHasTheLengthAndDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto h = random_hex(16);
    ASSERT_EQ(h.size(), 32u);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(h).second);
  }
  EXPECT_EQ(random_hex(0), "");
  EXPECT_EQ(random_hex(300).size(), 600u);
}

}  // namespace
}  // namespace hayloft::core
