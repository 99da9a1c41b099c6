#include "emulator/http/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace hayloft::http::load {
namespace {
constexpr unsigned sub_bits = 8;                      // 256 exact values, then 128 per octave
constexpr std::uint64_t sub_count = 1u << sub_bits;   // 256
constexpr std::uint64_t half = sub_count / 2;         // 128
constexpr unsigned max_shift = 33;                    // covers values below 2^41
constexpr std::size_t bucket_total = sub_count + max_shift * half;
}  // namespace

histogram::histogram() : counts_(bucket_total, 0) {}

std::size_t histogram::bucket_of(std::uint64_t v) {
  if (v < sub_count) return static_cast<std::size_t>(v);
  unsigned shift = static_cast<unsigned>(std::bit_width(v)) - sub_bits;
  if (shift > max_shift) return bucket_total - 1;
  return static_cast<std::size_t>(sub_count + (shift - 1) * half + ((v >> shift) - half));
}

std::uint64_t histogram::bucket_low(std::size_t b) {
  if (b < sub_count) return b;
  std::uint64_t shift = (b - sub_count) / half + 1;
  std::uint64_t sub = (b - sub_count) % half + half;
  return sub << shift;
}

std::uint64_t histogram::bucket_high(std::size_t b) {
  if (b < sub_count) return b + 1;
  std::uint64_t shift = (b - sub_count) / half + 1;
  return bucket_low(b) + (std::uint64_t{1} << shift);
}

void histogram::record(std::uint64_t v) {
  ++counts_[bucket_of(v)];
  ++count_;
  sum_ += v;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

histogram& histogram::operator+=(const histogram& o) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
  sum_ += o.sum_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
  return *this;
}

histogram& histogram::operator-=(const histogram& e) {
  bool any = false;
  std::size_t first = 0, last = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    counts_[i] -= std::min(counts_[i], e.counts_[i]);
    if (counts_[i]) {
      if (!any) first = i;
      any = true;
      last = i;
    }
  }
  count_ -= std::min(count_, e.count_);
  sum_ -= std::min(sum_, e.sum_);
  if (!any) {
    min_ = UINT64_MAX;
    max_ = 0;
  } else {
    // The exact extremes are lost in a difference; keep them when they still fall in the
    // surviving range, else use the bucket edges.
    min_ = std::max(min_, bucket_low(first));
    max_ = std::min(max_, bucket_high(last) - 1);
  }
  return *this;
}

std::uint64_t histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      std::uint64_t lo = bucket_low(i), hi = bucket_high(i);
      std::uint64_t mid = hi - lo <= 1 ? lo : lo + (hi - lo) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

}  // namespace hayloft::http::load
