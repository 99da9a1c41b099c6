#include "s3/store/blob_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "emulator/core/ids.h"

namespace hayloft::s3 {
namespace fs = std::filesystem;

namespace {
// The store's failures are I/O errors; the service's one table turns any code outside S3's own
// into 500 InternalError (s3::to_errc), so the store needs nothing of the wire layer.
hayloft::error io_error(std::string what) { return {std::make_error_code(std::errc::io_error), std::move(what)}; }

result<void> fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return io_error("open for fsync failed: " + p.string());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("fsync failed: " + p.string());
  return {};
}

bool valid_id(std::string_view id) {
  if (id.size() < 3 || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
}  // namespace

blob_files::blob_files(fs::path dir, fs::path tmp_dir, bool durable)
    : dir_(std::move(dir)), tmp_(std::move(tmp_dir)), durable_(durable) {
  fs::create_directories(dir_);
  fs::create_directories(tmp_);
}

core::temp_file blob_files::make_temp() const { return core::temp_file(tmp_ / ("s3-" + core::random_hex(12))); }

fs::path blob_files::path(std::string_view id) const {
  return dir_ / std::string(id.substr(0, 2)) / std::string(id);
}

result<std::string> blob_files::commit(core::temp_file tmp) const {
  auto id = core::random_hex(16);
  auto dest = path(id);
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) return io_error(ec.message());
  if (durable_) HAYLOFT_TRY(fsync_path(tmp.path(), false));
  fs::rename(tmp.path(), dest, ec);
  if (ec == std::errc::cross_device_link) {
    // The body was spilled outside the data dir: copy it next to the blobs first.
    auto local = make_temp();
    fs::copy_file(tmp.path(), local.path(), ec);
    if (ec) return io_error(ec.message());
    if (durable_) HAYLOFT_TRY(fsync_path(local.path(), false));
    fs::rename(local.path(), dest, ec);
    if (!ec) local.release();
  }
  if (ec) return io_error("rename into blobs failed: " + ec.message());
  tmp.release();
  if (durable_) HAYLOFT_TRY(fsync_path(dest.parent_path(), true));
  return id;
}

result<std::string> blob_files::write(std::string_view bytes) const {
  auto tmp = make_temp();
  int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create " + tmp.path().string());
  std::size_t off = 0;
  while (off < bytes.size()) {
    auto n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return io_error("write failed");
    }
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return commit(std::move(tmp));
}

void blob_files::remove(std::string_view id) const {
  if (!valid_id(id)) return;
  std::error_code ec;
  fs::remove(path(id), ec);
}

std::vector<std::string> blob_files::unreferenced(const std::unordered_set<std::string>& referenced) const {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto id = it->path().filename().string();
    if (!referenced.contains(id)) out.push_back(std::move(id));
  }
  return out;
}

std::size_t blob_files::collect_garbage(const std::unordered_set<std::string>& referenced) const {
  std::size_t removed = 0;
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (!referenced.contains(it->path().filename().string())) doomed.push_back(it->path());
  }
  for (const auto& p : doomed)
    if (fs::remove(p, ec)) ++removed;
  return removed;
}

void blob_files::remove_all() const { (void)collect_garbage({}); }

result<void> append_file_range(int to_fd, const fs::path& from, std::uint64_t offset, std::uint64_t length) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return io_error("cannot open " + from.string());
  loff_t in_off = static_cast<loff_t>(offset);
  std::uint64_t left = length;
  bool fallback = false;
  while (left > 0 && !fallback) {
    auto n = ::copy_file_range(in, &in_off, to_fd, nullptr, left, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
      fallback = true;
      break;
    }
    if (n <= 0) {
      ::close(in);
      return io_error("copy_file_range failed on " + from.string());
    }
    left -= static_cast<std::uint64_t>(n);
  }
  if (fallback) {
    std::vector<char> buf(1 << 20);
    while (left > 0) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      auto n = ::pread(in, buf.data(), want, in_off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(in);
        return io_error("short read from " + from.string());
      }
      in_off += n;
      std::size_t off = 0;
      while (off < static_cast<std::size_t>(n)) {
        auto w = ::write(to_fd, buf.data() + off, static_cast<std::size_t>(n) - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          ::close(in);
          return io_error("write failed");
        }
        off += static_cast<std::size_t>(w);
      }
      left -= static_cast<std::uint64_t>(n);
    }
  }
  ::close(in);
  return {};
}

}  // namespace hayloft::s3
