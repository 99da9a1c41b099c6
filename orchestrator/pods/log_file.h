#pragma once
// One container's log: an append-only file read by byte offsets, so that `hayloft logs -f`
// can poll with the offset of its last read. Logical offsets only grow; when the file exceeds
// its size limit the older half is dropped (like the kubelet's log rotation) and reads from a
// dropped offset resume at the oldest byte kept.
//
// Thread-safe: the process watcher or the workload thread appends while the admin API reads.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace hayloft::orchestrator::pods {

class log_file {
 public:
  explicit log_file(std::filesystem::path path, std::uint64_t max_bytes = 10 * 1024 * 1024);
  log_file(const log_file&) = delete;
  log_file& operator=(const log_file&) = delete;

  void append(std::string_view bytes);
  void append_line(std::string_view line);

  struct chunk {
    std::string data;
    std::uint64_t next_offset = 0;  // pass back to continue
  };
  // Up to max_bytes from logical offset `from`.
  chunk read(std::uint64_t from, std::size_t max_bytes = 1 << 20) const;
  // The last n lines (all when n < 0), and the offset after them.
  chunk tail(long long lines) const;
  // The bytes in [from, to) that are still kept (a rotated-away start resumes at the oldest byte),
  // limited to the last `lines` lines when given; next_offset is `to`.
  chunk read_range(std::uint64_t from, std::uint64_t to, std::optional<long long> lines = std::nullopt) const;
  std::uint64_t end_offset() const;
  const std::filesystem::path& path() const { return path_; }
  void remove();

 private:
  void rotate_locked();

  std::filesystem::path path_;
  std::uint64_t max_bytes_;
  mutable std::mutex file_mutex_;  // guards base_, size_ and the file's contents
  std::uint64_t base_ = 0;         // logical offset of the file's first byte
  std::uint64_t size_ = 0;
};

}  // namespace hayloft::orchestrator::pods
