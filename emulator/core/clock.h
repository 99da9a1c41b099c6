#pragma once
// The one source of time for every timer in the process (SQS visibility, delays, retention,
// long-poll expiry, orchestrator polling, HPA sync, cooldowns, back-off).
//
// Three kinds:
//   system  - wall-clock time.
//   scaled  - starts at wall-clock time and runs K times faster (`--time-scale K`).
//   manual  - stands still until advance() (`--clock manual`, and every test's fake clock).
//
// Timers run on the clock's own timer thread (system/scaled) or inside advance() (manual),
// in deadline order; while a timer runs, now() equals its deadline for the manual clock.
// Timer callbacks must be short and must not call advance(); post heavy work elsewhere.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hayloft::core {

using time_point = std::chrono::system_clock::time_point;
using duration = std::chrono::system_clock::duration;

class clock {
 public:
  using timer_id = std::uint64_t;
  virtual ~clock() = default;

  virtual time_point now() const = 0;
  // Runs fn once the clock reaches `at` (immediately-due timers run at the next opportunity).
  virtual timer_id call_at(time_point at, std::function<void()> fn) = 0;
  timer_id call_after(duration d, std::function<void()> fn) { return call_at(now() + d, std::move(fn)); }
  // Cancels a pending timer; false if it already ran or never existed.
  virtual bool cancel(timer_id id) = 0;
  // Virtual seconds per real second (1 for system, K for scaled, 0 for manual).
  virtual double rate() const = 0;
  // Manual clock only: moves time forward by d, running every timer due in that span (including
  // timers those timers schedule inside the span) before returning. Others return false.
  virtual bool advance(duration d) { (void)d; return false; }
  virtual std::string kind() const = 0;
};

std::unique_ptr<clock> make_system_clock();
std::unique_ptr<clock> make_scaled_clock(double k);
// A manual clock starting at `start` (default: 2026-01-01T00:00:00Z so tests are reproducible).
std::unique_ptr<clock> make_manual_clock(time_point start = time_point{} + std::chrono::seconds(1767225600));

// Milliseconds since the Unix epoch.
inline std::int64_t to_unix_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline time_point from_unix_ms(std::int64_t ms) { return time_point{} + std::chrono::milliseconds(ms); }
// ISO 8601 with milliseconds, UTC ("2026-01-01T00:00:00.000Z").
std::string iso8601(time_point t);
// RFC 1123 / HTTP-date ("Thu, 01 Jan 2026 00:00:00 GMT").
std::string http_date(time_point t);
// Parses HTTP-date (RFC 1123, RFC 850, asctime) and ISO 8601 basic/extended; false on failure.
bool parse_http_date(std::string_view s, time_point& out);
bool parse_iso8601(std::string_view s, time_point& out);
// "30s", "5m", "1h30m", "250ms", "2.5s", or a bare number of seconds.
bool parse_duration(std::string_view s, duration& out);

}  // namespace hayloft::core
