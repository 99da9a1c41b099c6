#pragma once
// Progress output of `hayloft upload`: on a terminal one status line redrawn in place (by a
// thread of its own, ten times a second); otherwise plain lines. Messages and errors printed
// through it never interleave with the status line.
//
// Threading: every method may be called from any thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace hayloft::app {

class upload_progress {
 public:
  // `interactive`: redraw a status line on stdout (a terminal).
  upload_progress(bool interactive, std::size_t files, std::uint64_t bytes);
  ~upload_progress();

  void add_bytes(std::uint64_t n) { sent_ += n; }
  // A file is done: stdout "uploaded KEY (N bytes)" when not interactive.
  void file_done(const std::string& key, std::uint64_t size);
  // Counts a failure and prints `message` on stderr.
  void error(const std::string& message);
  // A line on stdout (after clearing the status line).
  void print(const std::string& line);
  // Replaces the status line's text (interactive only; e.g. while waiting for indexing).
  void set_status(std::string status);
  // Stops redrawing and leaves the final status line in place.
  void finish();

  std::size_t failures() const { return failures_; }
  std::uint64_t sent() const { return sent_; }

 private:
  void draw_locked();
  void run();

  const bool interactive_;
  const std::size_t files_;
  const std::uint64_t bytes_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::size_t> done_{0}, failures_{0};

  std::mutex out_mutex_;  // guards the terminal, status_, stop_ and drawn_
  std::condition_variable wake_;
  std::string status_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread drawer_;
};

// "1.5 MiB", "812 B".
std::string human_bytes(double bytes);

}  // namespace hayloft::app
