#include "s3/service/object_cache.h"

namespace hayloft::s3 {

std::string object_cache::make_key(std::string_view bucket, std::string_view key) {
  // Bucket names never contain '/', so "bucket/key" is unambiguous.
  std::string k;
  k.reserve(bucket.size() + 1 + key.size());
  k.append(bucket).push_back('/');
  k.append(key);
  return k;
}

object_cache::entry object_cache::find(std::string_view bucket, std::string_view key) {
  if (max_bytes_ == 0) return nullptr;
  auto k = make_key(bucket, key);
  std::lock_guard lock(mutex_);
  auto it = map_.find(k);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.value;
}

std::uint64_t object_cache::epoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

void object_cache::insert(std::string_view bucket, entry e, std::uint64_t epoch_at_read) {
  if (max_bytes_ == 0 || !e) return;
  std::size_t bytes = e->body.size() + e->headers.size() + e->key.size() * 2 + 256;
  if (bytes > max_bytes_ / 8) return;
  auto k = make_key(bucket, e->key);
  std::lock_guard lock(mutex_);
  if (epoch_ != epoch_at_read) return;
  auto it = map_.find(k);
  if (it != map_.end()) {
    bytes_ -= it->second.bytes;
    lru_.erase(it->second.lru);
    map_.erase(it);
  }
  lru_.push_front(k);
  map_.emplace(std::move(k), slot{std::move(e), lru_.begin(), bytes});
  bytes_ += bytes;
  evict_locked();
}

void object_cache::invalidate(std::string_view bucket, std::string_view key) {
  auto k = make_key(bucket, key);
  std::lock_guard lock(mutex_);
  ++epoch_;
  auto it = map_.find(k);
  if (it == map_.end()) return;
  bytes_ -= it->second.bytes;
  lru_.erase(it->second.lru);
  map_.erase(it);
}

void object_cache::clear() {
  std::lock_guard lock(mutex_);
  ++epoch_;
  map_.clear();
  lru_.clear();
  bytes_ = 0;
}

std::size_t object_cache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void object_cache::evict_locked() {
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    auto it = map_.find(lru_.back());
    bytes_ -= it->second.bytes;
    map_.erase(it);
    lru_.pop_back();
  }
}

}  // namespace hayloft::s3
