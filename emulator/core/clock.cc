#include "emulator/core/clock.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

namespace hayloft::core {
namespace {

// Timers kept in deadline order; shared by all clock kinds.
class timer_queue {
 public:
  using key = std::pair<time_point, clock::timer_id>;
  clock::timer_id add(time_point at, std::function<void()> fn) {
    auto id = ++next_id_;
    timers_.emplace(key{at, id}, std::move(fn));
    index_.emplace(id, at);
    return id;
  }
  bool cancel(clock::timer_id id) {
    auto it = index_.find(id);
    if (it == index_.end()) return false;
    timers_.erase(key{it->second, id});
    index_.erase(it);
    return true;
  }
  bool empty() const { return timers_.empty(); }
  time_point next() const { return timers_.begin()->first.first; }
  // Removes and returns the earliest timer.
  std::pair<time_point, std::function<void()>> pop() {
    auto it = timers_.begin();
    auto out = std::make_pair(it->first.first, std::move(it->second));
    index_.erase(it->first.second);
    timers_.erase(it);
    return out;
  }

 private:
  std::map<key, std::function<void()>> timers_;
  std::map<clock::timer_id, time_point> index_;
  clock::timer_id next_id_ = 0;
};

// Real-time clocks (system and scaled): a timer thread sleeps until the real instant that
// corresponds to the earliest virtual deadline.
class threaded_clock final : public clock {
 public:
  explicit threaded_clock(double k)
      : k_(k), base_real_(std::chrono::steady_clock::now()), base_virtual_(std::chrono::system_clock::now()) {
    thread_ = std::thread([this] { run(); });
  }
  ~threaded_clock() override {
    {
      std::lock_guard lock(timers_mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  time_point now() const override {
    if (k_ == 1.0) return std::chrono::system_clock::now();
    auto real = std::chrono::steady_clock::now() - base_real_;
    return base_virtual_ + std::chrono::duration_cast<duration>(real * k_);
  }
  timer_id call_at(time_point at, std::function<void()> fn) override {
    timer_id id;
    {
      std::lock_guard lock(timers_mutex_);
      id = queue_.add(at, std::move(fn));
    }
    cv_.notify_all();
    return id;
  }
  bool cancel(timer_id id) override {
    std::lock_guard lock(timers_mutex_);
    return queue_.cancel(id);
  }
  double rate() const override { return k_; }
  std::string kind() const override { return k_ == 1.0 ? "system" : "scaled"; }

 private:
  std::chrono::steady_clock::time_point real_deadline(time_point virt) const {
    auto ahead = virt - now();
    if (ahead <= duration::zero()) return std::chrono::steady_clock::now();
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(ahead / k_);
  }
  void run() {
    std::unique_lock lock(timers_mutex_);
    while (!stopping_) {
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto next = queue_.next();
      if (next > now()) {
        cv_.wait_until(lock, real_deadline(next));
        continue;
      }
      auto [at, fn] = queue_.pop();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const double k_;
  const std::chrono::steady_clock::time_point base_real_;
  const time_point base_virtual_;
  std::mutex timers_mutex_;  // guards queue_ and stopping_
  std::condition_variable cv_;
  timer_queue queue_;
  bool stopping_ = false;
  std::thread thread_;
};

class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start) : now_(start) {}
  time_point now() const override {
    std::lock_guard lock(timers_mutex_);
    return now_;
  }
  timer_id call_at(time_point at, std::function<void()> fn) override {
    std::lock_guard lock(timers_mutex_);
    return queue_.add(at, std::move(fn));
  }
  bool cancel(timer_id id) override {
    std::lock_guard lock(timers_mutex_);
    return queue_.cancel(id);
  }
  double rate() const override { return 0.0; }
  std::string kind() const override { return "manual"; }
  bool advance(duration d) override {
    std::lock_guard serial(advance_mutex_);
    std::unique_lock lock(timers_mutex_);
    const time_point target = now_ + d;
    while (!queue_.empty() && queue_.next() <= target) {
      auto [at, fn] = queue_.pop();
      if (at > now_) now_ = at;
      lock.unlock();
      fn();
      lock.lock();
    }
    now_ = target;
    return true;
  }

 private:
  std::mutex advance_mutex_;          // one advance at a time
  mutable std::mutex timers_mutex_;   // guards now_ and queue_
  time_point now_;
  timer_queue queue_;
};

bool parse_uint(std::string_view s, std::size_t& i, long long& out, int digits) {
  out = 0;
  for (int n = 0; n < digits; ++n, ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Clamped to +-2^62 ns (years 1824 to 2116): time_point counts nanoseconds in 64 bits, and a
// client's "Fri, 31 Dec 9999 23:59:59 GMT" would overflow it. A far date stays far.
time_point from_tm_utc(std::tm& tm) {
  constexpr std::int64_t limit = (std::int64_t{1} << 62) / 1'000'000'000;
  return time_point{} + std::chrono::seconds(std::clamp<std::int64_t>(timegm(&tm), -limit, limit));
}

}  // namespace

std::unique_ptr<clock> make_system_clock() { return std::make_unique<threaded_clock>(1.0); }
std::unique_ptr<clock> make_scaled_clock(double k) { return std::make_unique<threaded_clock>(k); }
std::unique_ptr<clock> make_manual_clock(time_point start) { return std::make_unique<manual_clock>(start); }

std::string iso8601(time_point t) {
  auto ms = to_unix_ms(t);
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string http_date(time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool parse_http_date(std::string_view s, time_point& out) {
  std::string str(s);
  std::tm tm{};
  for (const char* fmt : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
    tm = {};
    const char* end = strptime(str.c_str(), fmt, &tm);
    if (end && *end == '\0') {
      out = from_tm_utc(tm);
      return true;
    }
  }
  return parse_iso8601(s, out);
}

bool parse_iso8601(std::string_view s, time_point& out) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z or YYYYMMDDTHHMMSSZ
  std::size_t i = 0;
  long long y, mo, d, h, mi, se;
  bool ext = s.size() > 4 && s[4] == '-';
  if (!parse_uint(s, i, y, 4)) return false;
  if (ext && s[i++] != '-') return false;
  if (!parse_uint(s, i, mo, 2)) return false;
  if (ext && (i >= s.size() || s[i++] != '-')) return false;
  if (!parse_uint(s, i, d, 2)) return false;
  if (i >= s.size() || s[i++] != 'T') return false;
  if (!parse_uint(s, i, h, 2)) return false;
  if (ext && (i >= s.size() || s[i++] != ':')) return false;
  if (!parse_uint(s, i, mi, 2)) return false;
  if (ext && (i >= s.size() || s[i++] != ':')) return false;
  if (!parse_uint(s, i, se, 2)) return false;
  long long frac_ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 3) frac_ms = frac_ms * 10 + (s[i] - '0');
      ++n, ++i;
    }
    while (n++ < 3) frac_ms *= 10;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  if (i != s.size()) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  std::tm tm{};
  tm.tm_year = static_cast<int>(y - 1900);
  tm.tm_mon = static_cast<int>(mo - 1);
  tm.tm_mday = static_cast<int>(d);
  tm.tm_hour = static_cast<int>(h);
  tm.tm_min = static_cast<int>(mi);
  tm.tm_sec = static_cast<int>(se);
  out = from_tm_utc(tm) + std::chrono::milliseconds(frac_ms);
  return true;
}

bool parse_duration(std::string_view s, duration& out) {
  if (s.empty()) return false;
  double total_ms = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (start == i) return false;
    double v = std::stod(std::string(s.substr(start, i - start)));
    std::size_t us = i;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    std::string_view unit = s.substr(us, i - us);
    double mult;
    if (unit.empty() || unit == "s") mult = 1000;
    else if (unit == "ms") mult = 1;
    else if (unit == "m") mult = 60'000;
    else if (unit == "h") mult = 3'600'000;
    else if (unit == "d") mult = 86'400'000;
    else return false;
    if (unit.empty() && i != s.size()) return false;
    total_ms += v * mult;
    any = true;
  }
  if (!any) return false;
  out = std::chrono::duration_cast<duration>(std::chrono::duration<double, std::milli>(total_ms));
  return true;
}

}  // namespace hayloft::core
