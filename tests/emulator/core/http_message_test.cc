#include "emulator/core/http_message.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace hayloft::core {
namespace {

TEST(HeaderMap, LookupIsCaseInsensitive) {
  header_map h;
  h.add("Content-Type", "text/plain");
  EXPECT_EQ(h.get("content-type"), "text/plain");
  h.set("CONTENT-TYPE", "application/json");
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.value_or("content-type", ""), "application/json");
  EXPECT_FALSE(h.get("x").has_value());
}

TEST(Target, SplitsAndDecodes) {
  request r;
  ASSERT_TRUE(parse_target("/bucket/a%20b/..%2Fc?list-type=2&prefix=x%2By&delimiter=%2F&uploads", r));
  EXPECT_EQ(r.raw_path, "/bucket/a%20b/..%2Fc");
  EXPECT_EQ(r.path, "/bucket/a b/../c");
  EXPECT_EQ(r.param("list-type"), "2");
  EXPECT_EQ(r.param("prefix"), "x+y");
  EXPECT_EQ(r.param("delimiter"), "/");
  EXPECT_TRUE(r.has_param("uploads"));
  EXPECT_EQ(r.param("uploads"), "");
  EXPECT_FALSE(parse_target("/bad%zz", r));
}

TEST(UrlEncode, EncodesReservedCharacters) {
  EXPECT_EQ(url_encode("a b/c~"), "a%20b%2Fc~");
  EXPECT_EQ(url_encode("a b/c", true), "a%20b/c");
}

TEST(TempFile, RemovesFileUnlessReleased) {
  auto p = std::filesystem::temp_directory_path() / ("hayloft-tf-" + std::to_string(::getpid()));
  { std::ofstream(p) << "x"; temp_file t(p); }
  EXPECT_FALSE(std::filesystem::exists(p));
  { std::ofstream(p) << "x"; temp_file t(p); t.release(); }
  EXPECT_TRUE(std::filesystem::exists(p));
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace hayloft::core
