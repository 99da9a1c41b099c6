#pragma once
// An LRU cache of small objects (metadata and inline body) for the GET/HEAD fast path.
//
// Correctness under concurrent writes: a reader notes epoch() BEFORE reading SQLite and inserts
// with that epoch; every write invalidates AFTER its transaction committed and bumps the epoch,
// so a row read before a commit can never be inserted after that commit's invalidation.
// Thread-safe (one mutex).
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "s3/store/tables.h"

namespace hayloft::s3 {

class object_cache {
 public:
  using entry = std::shared_ptr<const object_row>;
  explicit object_cache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  entry find(std::string_view bucket, std::string_view key);
  std::uint64_t epoch() const;
  // Inserts unless a write happened since `epoch_at_read` (then the row may be stale).
  void insert(std::string_view bucket, entry e, std::uint64_t epoch_at_read);
  void invalidate(std::string_view bucket, std::string_view key);
  void clear();
  std::size_t bytes() const;

 private:
  struct slot {
    entry value;
    std::list<std::string>::iterator lru;
    std::size_t bytes;
  };
  static std::string make_key(std::string_view bucket, std::string_view key);
  void evict_locked();

  std::size_t max_bytes_;
  mutable std::mutex mutex_;  // guards map_, lru_, bytes_, epoch_
  std::unordered_map<std::string, slot> map_;
  std::list<std::string> lru_;  // front = most recently used
  std::size_t bytes_ = 0;
  std::uint64_t epoch_ = 0;
};

}  // namespace hayloft::s3
