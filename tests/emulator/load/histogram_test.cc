#include "emulator/http/load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace hayloft::http::load {
namespace {

std::uint64_t exact_percentile(std::vector<std::uint64_t> v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

TEST(LoadHistogram, EmptyReportsZero) {
  histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(LoadHistogram, SmallValuesAreExact) {
  histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(90), 90u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LoadHistogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t b = 0; b + 1 < 256 + 33 * 128; ++b) {
    ASSERT_EQ(histogram::bucket_high(b), histogram::bucket_low(b + 1)) << b;
    ASSERT_EQ(histogram::bucket_of(histogram::bucket_low(b)), b);
    ASSERT_EQ(histogram::bucket_of(histogram::bucket_high(b) - 1), b);
  }
}

TEST(LoadHistogram, PercentilesWithinOnePercentOfExact) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(7.0, 1.5);  // ~1 ms median, long tail
  std::vector<std::uint64_t> values;
  histogram h;
  for (int i = 0; i < 100000; ++i) {
    auto v = static_cast<std::uint64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  for (double p : {1.0, 25.0, 50.0, 66.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    auto exact = static_cast<double>(exact_percentile(values, p));
    auto got = static_cast<double>(h.percentile(p));
    EXPECT_LE(std::abs(got - exact), std::max(1.0, exact * 0.01)) << "p" << p << " exact " << exact << " got " << got;
  }
  EXPECT_EQ(h.max(), *std::max_element(values.begin(), values.end()));
}

TEST(LoadHistogram, MergeAndDifference) {
  histogram a, b;
  for (std::uint64_t v = 1000; v < 2000; ++v) a.record(v);
  histogram earlier = a;
  for (std::uint64_t v = 5000; v < 6000; ++v) a.record(v);
  b.record(10);
  b += a;
  EXPECT_EQ(b.count(), 2001u);
  EXPECT_EQ(b.min(), 10u);
  EXPECT_EQ(b.max(), 5999u);
  histogram later = a;
  later -= earlier;  // only the 5000..5999 values
  EXPECT_EQ(later.count(), 1000u);
  EXPECT_NEAR(static_cast<double>(later.percentile(50)), 5499.0, 55.0);
  EXPECT_GE(later.min(), 4990u);
  EXPECT_EQ(later.max(), 5999u);
}

TEST(LoadHistogram, HugeValuesLandInTheLastBucket) {
  histogram h;
  h.record(UINT64_MAX / 2);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.percentile(50), UINT64_MAX / 2);  // clamped to the exact max
}

}  // namespace
}  // namespace hayloft::http::load
