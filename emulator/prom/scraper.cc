#include "emulator/prom/scraper.h"

#include "emulator/prom/errc.h"
#include "emulator/prom/exposition.h"

namespace hayloft::prom {

struct scraper::target_state {
  scrape_target target;
  std::mutex scrape_mutex;  // guards everything below; held while a scrape stores its samples
  bool removed = false;
  std::set<labels> last_series;  // what the previous scrape stored, for stale markers
  std::vector<labels> report_series;  // up, scrape_duration_seconds, ... once scraped
  target_status status;
  // Declared last: destroyed (waiting for a run in progress) before the fields above.
  std::unique_ptr<repeating_task> task;
};

std::string instance_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string hostport = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = hostport.rfind('@'); at != std::string::npos) hostport = hostport.substr(at + 1);
  bool has_port = hostport.rfind(':') != std::string::npos && hostport.back() != ']';
  if (!has_port) hostport += url.rfind("https://", 0) == 0 ? ":443" : ":80";
  return hostport;
}

scraper::scraper(series_store& store, core::clock& clock, core::task_runner* runner, fetch_function fetch)
    : store_(store), clock_(clock), runner_(runner), fetch_(std::move(fetch)) {}

scraper::~scraper() {
  std::map<std::string, std::unique_ptr<target_state>> targets;
  std::vector<std::unique_ptr<target_state>> retired;
  {
    std::lock_guard lock(targets_mutex_);
    targets.swap(targets_);
    retired.swap(retired_);
  }
  // Destroying each state destroys its task first, which waits for a scrape in progress.
}

std::string scraper::key_of(const scrape_target& t) {
  return t.url + '\x01' + t.target_labels.key() + '\x01' + std::to_string(t.interval.count()) + '\x01' +
         std::to_string(t.timeout.count());
}

void scraper::set_targets(std::vector<scrape_target> targets) {
  std::map<std::string, scrape_target> wanted;
  for (auto& t : targets) {
    if (!t.target_labels.has("instance")) t.target_labels.set("instance", instance_of(t.url));
    if (t.interval <= std::chrono::milliseconds::zero()) t.interval = std::chrono::seconds(15);
    if (t.timeout <= std::chrono::milliseconds::zero() || t.timeout > t.interval) t.timeout = t.interval;
    wanted.emplace(key_of(t), std::move(t));
  }
  std::vector<std::unique_ptr<target_state>> finished;
  std::lock_guard lock(targets_mutex_);
  for (auto it = targets_.begin(); it != targets_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    target_state& st = *it->second;
    st.task->cancel();
    {
      std::lock_guard scrape_lock(st.scrape_mutex);
      st.removed = true;
      mark_stale(st, core::to_unix_ms(clock_.now()));
    }
    retired_.push_back(std::move(it->second));
    it = targets_.erase(it);
  }
  for (auto& [key, t] : wanted) {
    if (targets_.count(key)) continue;
    auto st = std::make_unique<target_state>();
    st->target = t;
    st->status.target = t;
    target_state* raw = st.get();
    st->task = std::make_unique<repeating_task>(clock_, runner_, t.interval, [this, raw] { scrape(*raw); });
    targets_.emplace(key, std::move(st));
  }
  // Retired targets whose last scrape has finished can go (their destructor will not block).
  std::erase_if(retired_, [](const std::unique_ptr<target_state>& st) { return st->task->idle(); });
}

std::vector<target_status> scraper::targets() const {
  std::lock_guard lock(targets_mutex_);
  std::vector<target_status> out;
  for (const auto& [key, st] : targets_) {
    std::lock_guard scrape_lock(st->scrape_mutex);
    out.push_back(st->status);
  }
  return out;
}

void scraper::scrape_once(const scrape_target& t) {
  target_state st;
  st.target = t;
  if (!st.target.target_labels.has("instance")) st.target.target_labels.set("instance", instance_of(t.url));
  scrape(st);
}

void scraper::mark_stale(target_state& st, std::int64_t t) {
  std::vector<series_store::sample_in> out;
  for (const auto& l : st.last_series) out.push_back({l, t, stale_nan()});
  for (const auto& l : st.report_series) out.push_back({l, t, stale_nan()});
  store_.append(out);
  st.last_series.clear();
  st.report_series.clear();
}

void scraper::scrape(target_state& st) {
  const core::time_point start = clock_.now();
  const std::int64_t t = core::to_unix_ms(start);
  auto body = fetch_(st.target.url, st.target.timeout);
  result<exposition> parsed = body ? parse_exposition(*body) : result<exposition>(body.err());
  const double duration = std::chrono::duration<double>(clock_.now() - start).count();

  std::lock_guard lock(st.scrape_mutex);
  if (st.removed) return;
  const labels& target_labels = st.target.target_labels;
  std::vector<series_store::sample_in> samples;
  std::set<labels> seen;
  if (parsed) {
    samples.reserve(parsed->samples.size() + 3);
    for (auto& s : parsed->samples) {
      labels l = std::move(s.metric);
      for (const auto& [name, value] : target_labels) {
        if (auto clash = l.get(name); !clash.empty()) l.set("exported_" + name, clash);
        l.set(name, value);
      }
      if (!seen.insert(l).second) continue;  // a duplicate series in one scrape: first wins
      samples.push_back({l, s.timestamp_ms.value_or(t), s.value});
    }
  }
  // Series the previous scrape had and this one has not are stale now.
  for (const auto& l : st.last_series)
    if (!seen.count(l)) samples.push_back({l, t, stale_nan()});
  st.report_series.clear();
  auto synthetic = [&](const char* name, double v) {
    labels l = target_labels;
    l.set(metric_name_label, name);
    st.report_series.push_back(l);
    samples.push_back({std::move(l), t, v});
  };
  const std::size_t scraped = parsed ? parsed->samples.size() : 0;
  synthetic("up", parsed ? 1 : 0);
  synthetic("scrape_duration_seconds", duration);
  synthetic("scrape_samples_scraped", static_cast<double>(scraped));
  store_.append(samples);
  st.last_series = std::move(seen);

  st.status.target = st.target;
  st.status.health = parsed ? "up" : "down";
  st.status.last_error = parsed ? "" : parsed.err().message;
  st.status.last_scrape_ms = t;
  st.status.last_duration_seconds = duration;
  st.status.last_samples = scraped;
}

}  // namespace hayloft::prom
