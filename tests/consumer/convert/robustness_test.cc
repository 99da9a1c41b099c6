// Untrusted bytes must never crash or hang conversion: random data, truncations and bit flips
// of valid inputs all end as a value (a conversion or an error). Conversion is also used from
// several pool threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "consumer/convert/convert.h"
#include "tests/consumer/convert/fixtures.h"

namespace hayloft::consumer {
namespace {

using testing::archive_kind;
using testing::make_archive;

std::vector<std::pair<std::string, std::string>> valid_inputs() {
  return {
      {"a.pdf", testing::make_pdf({"page one text", "page two text"})},
      {"a.zip", make_archive(archive_kind::zip, {{"d/x.txt", "hello"}, {"d/y.md", "# t"}})},
      {"a.tar.gz", make_archive(archive_kind::tar_gz, {{"x.html", "<p>hi</p>"}})},
      {"a.tar.xz", make_archive(archive_kind::tar_xz, {{"x.txt", "xz"}})},
      {"a.html", "<html><head><meta charset=latin1></head><body><p>x &amp; y</p></body></html>"},
      {"a.md", "# Title\n\n```\ncode\n```\n[link](x) **b**"},
  };
}

void must_not_crash(const std::string& name, const std::string& bytes) {
  convert_limits limits;
  limits.max_unpacked_bytes = 8 << 20;
  auto r = convert(name, bytes, limits);
  if (!r.ok()) {
    EXPECT_FALSE(r.err().message.empty()) << name;
  }
}

TEST(Robustness, RandomBytesUnderEveryName) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(static_cast<size_t>(rng() % 4096), '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    for (const char* name : {"x.txt", "x.md", "x.html", "x.pdf", "x.zip", "x.tar.gz", "x"}) {
      must_not_crash(name, bytes);
    }
  }
}

TEST(Robustness, TruncatedValidInputs) {
  for (const auto& [name, bytes] : valid_inputs()) {
    for (size_t cut = 0; cut < bytes.size(); cut += std::max<size_t>(1, bytes.size() / 64)) {
      must_not_crash(name, bytes.substr(0, cut));
    }
  }
}

TEST(Robustness, BitFlippedValidInputs) {
  std::mt19937 rng(99);
  for (const auto& [name, bytes] : valid_inputs()) {
    for (int i = 0; i < 60; ++i) {
      std::string flipped = bytes;
      for (int k = 0; k < 4; ++k) {
        flipped[rng() % flipped.size()] ^= static_cast<char>(1u << (rng() % 8));
      }
      must_not_crash(name, flipped);
    }
  }
}

TEST(Robustness, ConcurrentConversionsAgree) {
  const auto inputs = valid_inputs();
  std::vector<std::vector<std::string>> expected;
  for (const auto& [name, bytes] : inputs) {
    auto r = convert(name, bytes);
    ASSERT_TRUE(r.ok()) << name << ": " << r.err().message;
    std::vector<std::string> texts;
    for (const auto& d : r->docs) texts.push_back(d.text);
    expected.push_back(texts);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          auto r = convert(inputs[i].first, inputs[i].second);
          std::vector<std::string> texts;
          if (r.ok()) {
            for (const auto& d : r->docs) texts.push_back(d.text);
          }
          if (texts != expected[i]) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace hayloft::consumer
