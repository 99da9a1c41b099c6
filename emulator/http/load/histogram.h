#pragma once
// An HDR-style log-bucketed latency histogram in microseconds: values below 256 us are exact;
// above, each power of two is split into 128 equal buckets, so a bucket is never wider than
// 1/128 of its lower edge and a reported percentile (the bucket's midpoint, clamped to the
// exact min and max) is within 0.4 % of the exact order statistic. Values above ~2^40 us
// (12 days) land in the last bucket.
//
// Counts are additive, so histograms merge (+=) and the difference of two snapshots of one
// growing histogram (later -= earlier) is the histogram of what happened in between; min and
// max of such a difference are approximated from its buckets.
//
// Threading: a plain value; not synchronised.
#include <cstdint>
#include <vector>

namespace hayloft::http::load {

class histogram {
 public:
  histogram();

  void record(std::uint64_t micros);
  histogram& operator+=(const histogram& other);
  // Requires `earlier` to be an earlier snapshot of this histogram's history.
  histogram& operator-=(const histogram& earlier);

  std::uint64_t count() const { return count_; }
  std::uint64_t sum() const { return sum_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
  // The value at percentile p (0..100]: the smallest recorded value v such that at least
  // p % of the values are <= v, to bucket precision. 0 when empty.
  std::uint64_t percentile(double p) const;

  // Bucket layout, exposed for tests.
  static std::size_t bucket_of(std::uint64_t micros);
  static std::uint64_t bucket_low(std::size_t bucket);
  static std::uint64_t bucket_high(std::size_t bucket);  // exclusive

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace hayloft::http::load
