#include "consumer/docstore/vector_index.h"

#include <Eigen/Core>
#include <algorithm>

namespace hayloft::consumer {
namespace {

std::string source_key(std::string_view bucket, std::string_view key) {
  std::string k;
  k.reserve(bucket.size() + key.size() + 1);
  k.append(bucket).push_back('\0');
  k.append(key);
  return k;
}

}  // namespace

void vector_index::remove_source(const std::string& bucket, const std::string& key) {
  auto it = by_source_.find(source_key(bucket, key));
  if (it == by_source_.end()) return;
  for (auto pos : it->second) {
    rows_[pos].alive = false;
    ++dead_;
  }
  by_source_.erase(it);
}

bool vector_index::add(row r, const std::string& model, std::span<const float> v) {
  if (dim_ == 0 || rows_.size() == dead_) {
    if (rows_.size() == dead_ && !rows_.empty()) {
      rows_.clear();
      matrix_.clear();
      by_source_.clear();
      dead_ = 0;
    }
    dim_ = v.size();
    model_ = model;
  }
  if (v.size() != dim_) return false;
  by_source_[source_key(r.bucket, r.key)].push_back(rows_.size());
  rows_.push_back(std::move(r));
  matrix_.insert(matrix_.end(), v.begin(), v.end());
  return true;
}

void vector_index::clear() {
  rows_.clear();
  matrix_.clear();
  by_source_.clear();
  dead_ = 0;
  dim_ = 0;
  model_.clear();
}

void vector_index::maybe_compact() {
  if (dead_ * 2 < rows_.size() || rows_.empty()) return;
  std::vector<row> kept;
  std::vector<float> m;
  kept.reserve(rows_.size() - dead_);
  m.reserve((rows_.size() - dead_) * dim_);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (!rows_[i].alive) continue;
    kept.push_back(std::move(rows_[i]));
    m.insert(m.end(), matrix_.begin() + static_cast<std::ptrdiff_t>(i * dim_),
             matrix_.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim_));
  }
  rows_ = std::move(kept);
  matrix_ = std::move(m);
  dead_ = 0;
  by_source_.clear();
  for (std::size_t i = 0; i < rows_.size(); ++i) by_source_[source_key(rows_[i].bucket, rows_[i].key)].push_back(i);
}

result<std::vector<search_hit>> vector_index::search(const std::string& index, const document_store::query& q) const {
  if (rows_.size() == dead_) return std::vector<search_hit>{};
  if (!q.model.empty() && q.model != model_)
    return hayloft::error{make_error_code(docstore_errc::model_mismatch),
                          "index '" + index + "' holds vectors of " + model_ + ", the query was embedded by " + q.model};
  if (q.vector.size() != dim_)
    return hayloft::error{make_error_code(docstore_errc::dimension_mismatch), "query dimension differs from the index"};
  const auto n = static_cast<Eigen::Index>(rows_.size());
  Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> mat(
      matrix_.data(), n, static_cast<Eigen::Index>(dim_));
  Eigen::Map<const Eigen::VectorXf> v(q.vector.data(), static_cast<Eigen::Index>(dim_));
  Eigen::VectorXf scores = mat * v;
  std::vector<std::pair<float, std::size_t>> best;
  best.reserve(rows_.size() - dead_);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& r = rows_[static_cast<std::size_t>(i)];
    if (!r.alive) continue;
    if (!q.bucket.empty() && r.bucket != q.bucket) continue;
    if (!q.key_prefix.empty() && !r.key.starts_with(q.key_prefix)) continue;
    best.emplace_back(scores[i], static_cast<std::size_t>(i));
  }
  auto k = std::min(q.top_k, best.size());
  std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(k), best.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  best.resize(k);
  std::vector<search_hit> hits;
  hits.reserve(k);
  for (auto& [score, pos] : best) {
    const auto& r = rows_[pos];
    hits.push_back({score, std::to_string(r.id), r.bucket, r.key, r.etag, r.member, r.chunk, r.page});
  }
  return hits;
}

}  // namespace hayloft::consumer
