#pragma once
// Scrapes Prometheus targets into a series_store, as a Prometheus scrape loop does:
//   - each target is fetched every `interval` of clock time (time-scaled with --time-scale);
//     the first scrape is due at once;
//   - samples are stored at the scrape's start time (or their own exposition timestamp), with
//     the target's labels added; a scraped label that clashes with a target label is kept as
//     exported_<name> (honor_labels: false);
//   - per target, `up` (1 or 0), `scrape_duration_seconds` and `scrape_samples_scraped`;
//   - series that vanish from a target, and every series of a failed scrape or of a removed
//     target, get a stale marker so instant selectors stop returning them at once.
//
// The orchestrator (or a test) owns the target list and replaces it with set_targets();
// targets are identified by url + labels, so an unchanged target keeps its schedule.
//
// Threading: set_targets() and targets() may be called from any thread. Fetches are blocking
// and run on the task runner, never on the clock's timer thread. The store, clock and runner
// must outlive the scraper; its destructor waits for scrapes in progress.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/result.h"
#include "emulator/prom/labels.h"
#include "emulator/prom/repeating_task.h"
#include "emulator/prom/series_store.h"

namespace hayloft::prom {

struct scrape_target {
  std::string url;  // http://127.0.0.1:8080/metrics
  // Added to every scraped series. `job` and `instance` should be set (instance defaults to the
  // URL's host:port when absent).
  labels target_labels;
  std::chrono::milliseconds interval = std::chrono::seconds(15);
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

// Fetches a target's body (blocking); an error or a non-2xx answer fails the scrape.
using fetch_function = std::function<result<std::string>(const std::string& url, std::chrono::milliseconds timeout)>;

struct target_status {
  scrape_target target;
  std::string health = "unknown";  // "up", "down", "unknown" (not scraped yet)
  std::string last_error;
  std::int64_t last_scrape_ms = 0;
  double last_duration_seconds = 0;
  std::size_t last_samples = 0;
};

class scraper {
 public:
  scraper(series_store& store, core::clock& clock, core::task_runner* runner, fetch_function fetch);
  ~scraper();
  scraper(const scraper&) = delete;
  scraper& operator=(const scraper&) = delete;

  // Replaces the target list: new targets start, removed ones stop (their series go stale),
  // unchanged ones (same url, labels, interval and timeout) keep scraping undisturbed.
  void set_targets(std::vector<scrape_target> targets);
  std::vector<target_status> targets() const;

  // One scrape of `t` now, on the calling thread (used by the loop; handy in tests).
  void scrape_once(const scrape_target& t);

 private:
  struct target_state;
  void scrape(target_state& st);
  void mark_stale(target_state& st, std::int64_t t);
  static std::string key_of(const scrape_target& t);

  series_store& store_;
  core::clock& clock_;
  core::task_runner* runner_;
  fetch_function fetch_;

  mutable std::mutex targets_mutex_;  // guards targets_ and retired_
  std::map<std::string, std::unique_ptr<target_state>> targets_;
  std::vector<std::unique_ptr<target_state>> retired_;  // removed, scrape possibly in progress
};

// The instance label Prometheus derives from a URL: host:port ("127.0.0.1:8080").
std::string instance_of(const std::string& url);

}  // namespace hayloft::prom
