#include "orchestrator/pods/log_file.h"

#include <fstream>
#include <system_error>

namespace hayloft::orchestrator::pods {

log_file::log_file(std::filesystem::path path, std::uint64_t max_bytes) : path_(std::move(path)), max_bytes_(max_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  size_ = std::filesystem::exists(path_, ec) ? std::filesystem::file_size(path_, ec) : 0;
  if (ec) size_ = 0;
}

void log_file::append(std::string_view bytes) {
  if (bytes.empty()) return;
  std::lock_guard lock(file_mutex_);
  {
    std::ofstream out(path_, std::ios::binary | std::ios::app);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return;
  }
  size_ += bytes.size();
  if (size_ > max_bytes_) rotate_locked();
}

void log_file::append_line(std::string_view line) {
  std::string s(line);
  if (s.empty() || s.back() != '\n') s.push_back('\n');
  append(s);
}

void log_file::rotate_locked() {
  std::uint64_t keep = max_bytes_ / 2;
  std::uint64_t drop = size_ - keep;
  std::string rest;
  {
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(drop));
    rest.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Resume at a line boundary so readers never start mid-line.
  auto nl = rest.find('\n');
  if (nl != std::string::npos && nl + 1 < rest.size()) {
    drop += nl + 1;
    rest.erase(0, nl + 1);
  }
  std::filesystem::path tmp = path_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(rest.data(), static_cast<std::streamsize>(rest.size()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) return;
  base_ += drop;
  size_ = rest.size();
}

log_file::chunk log_file::read(std::uint64_t from, std::size_t max_bytes) const {
  std::lock_guard lock(file_mutex_);
  chunk c;
  if (from < base_) from = base_;
  if (from >= base_ + size_) {
    c.next_offset = base_ + size_;
    return c;
  }
  std::uint64_t n = std::min<std::uint64_t>(max_bytes, base_ + size_ - from);
  std::ifstream in(path_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from - base_));
  c.data.resize(n);
  in.read(c.data.data(), static_cast<std::streamsize>(n));
  c.data.resize(static_cast<std::size_t>(in.gcount()));
  c.next_offset = from + c.data.size();
  return c;
}

namespace {

// Where the last `lines` lines of `all` start; a final newline does not start another line.
std::size_t last_lines_start(const std::string& all, long long lines) {
  if (lines < 0) return 0;
  if (lines == 0) return all.size();
  std::size_t cursor = all.size();
  if (cursor > 0 && all[cursor - 1] == '\n') --cursor;
  long long found = 0;
  while (cursor > 0) {
    std::size_t nl = all.rfind('\n', cursor - 1);
    if (nl == std::string::npos) break;
    if (++found == lines) return nl + 1;
    cursor = nl;
  }
  return 0;
}

}  // namespace

log_file::chunk log_file::tail(long long lines) const {
  std::string all;
  std::uint64_t end;
  {
    std::lock_guard lock(file_mutex_);
    std::ifstream in(path_, std::ios::binary);
    all.assign(std::istreambuf_iterator<char>(in), {});
    end = base_ + all.size();
  }
  chunk c;
  c.next_offset = end;
  c.data = all.substr(last_lines_start(all, lines));
  return c;
}

log_file::chunk log_file::read_range(std::uint64_t from, std::uint64_t to, std::optional<long long> lines) const {
  chunk c = read(from, to > from ? static_cast<std::size_t>(to - from) : 0);
  // A rotated-away start resumes later; never return bytes past `to`.
  const std::uint64_t start = c.next_offset - c.data.size();
  c.data.resize(start >= to ? 0 : std::min<std::size_t>(c.data.size(), static_cast<std::size_t>(to - start)));
  if (lines) c.data.erase(0, last_lines_start(c.data, *lines));
  c.next_offset = to;
  return c;
}

std::uint64_t log_file::end_offset() const {
  std::lock_guard lock(file_mutex_);
  return base_ + size_;
}

void log_file::remove() {
  std::lock_guard lock(file_mutex_);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  base_ += size_;
  size_ = 0;
}

}  // namespace hayloft::orchestrator::pods
