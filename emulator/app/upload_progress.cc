#include "emulator/app/upload_progress.h"

#include <cstdio>

namespace hayloft::app {

std::string human_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

upload_progress::upload_progress(bool interactive, std::size_t files, std::uint64_t bytes)
    : interactive_(interactive), files_(files), bytes_(bytes) {
  if (interactive_) drawer_ = std::thread([this] { run(); });
}

upload_progress::~upload_progress() { finish(); }

void upload_progress::run() {
  std::unique_lock lock(out_mutex_);
  while (!stop_) {
    draw_locked();
    wake_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

void upload_progress::draw_locked() {
  std::string line = status_;
  if (line.empty()) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const std::uint64_t sent = sent_;
    const double frac = bytes_ ? static_cast<double>(sent) / static_cast<double>(bytes_) : 1.0;
    constexpr int width = 24;
    const int filled = static_cast<int>(frac * width);
    line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(width - filled), '-') + "] ";
    char buf[160];
    std::snprintf(buf, sizeof buf, "%3d%%  %zu/%zu files  %s/%s  %s/s",
                  static_cast<int>(frac * 100), done_.load(), files_,
                  human_bytes(static_cast<double>(sent)).c_str(),
                  human_bytes(static_cast<double>(bytes_)).c_str(),
                  human_bytes(secs > 0 ? static_cast<double>(sent) / secs : 0).c_str());
    line += buf;
  }
  std::fprintf(stdout, "\r\033[K%s", line.c_str());
  std::fflush(stdout);
  drawn_ = true;
}

void upload_progress::file_done(const std::string& key, std::uint64_t size) {
  ++done_;
  if (!interactive_) print("uploaded " + key + " (" + std::to_string(size) + " bytes)");
}

void upload_progress::error(const std::string& message) {
  ++failures_;
  std::lock_guard lock(out_mutex_);
  if (drawn_) std::fprintf(stdout, "\r\033[K");
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::fflush(stderr);
  drawn_ = false;
}

void upload_progress::print(const std::string& line) {
  std::lock_guard lock(out_mutex_);
  std::fprintf(stdout, "%s%s\n", drawn_ ? "\r\033[K" : "", line.c_str());
  std::fflush(stdout);
  drawn_ = false;
}

void upload_progress::set_status(std::string status) {
  std::lock_guard lock(out_mutex_);
  status_ = std::move(status);
}

void upload_progress::finish() {
  {
    std::lock_guard lock(out_mutex_);
    if (stop_) return;
    stop_ = true;
    if (interactive_) {
      draw_locked();
      std::fprintf(stdout, "\n");
      std::fflush(stdout);
      drawn_ = false;
    }
  }
  wake_.notify_all();
  if (drawer_.joinable()) drawer_.join();
}

}  // namespace hayloft::app
