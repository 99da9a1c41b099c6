#include "emulator/http/load/runner.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "emulator/http/client.h"

namespace hayloft::http::load {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct user {
  explicit user(asio::io_context& ioc) : socket(ioc), timer(ioc) {}
  tcp::socket socket;
  asio::steady_timer timer;
  bool connected = false;
  // Set before each connect/write/read; the worker's watchdog closes the socket once it has
  // passed. A per-thread watchdog instead of a timer per operation (as beast::tcp_stream
  // does) saves re-arming the reactor's timer on every read and write.
  steady::time_point deadline = steady::time_point::max();
  bool timed_out = false;
};

// One io thread: its io_context, its users, its share of the statistics.
struct worker {
  asio::io_context ioc{1};
  std::vector<bhttp::request<bhttp::string_body>> messages;  // one per spec, read only
  std::vector<std::unique_ptr<user>> users;                   // touched only on this thread
  std::unique_ptr<asio::steady_timer> watchdog;
  std::mutex stats_mutex;                                     // guards stats and errors
  std::vector<endpoint_stats> stats;
  std::map<std::string, std::uint64_t> errors;
};

struct engine {
  const load_options& opts;
  tcp::resolver::results_type endpoints;
  request_cycle cycle;
  std::vector<std::size_t> slot_of;  // spec index -> endpoint row
  std::vector<endpoint_stats> rows;  // names only
  std::vector<std::unique_ptr<worker>> workers;
  steady::time_point start;
  steady::time_point deadline;
  std::atomic<bool> stopping{false};
  std::atomic<unsigned> started{0};

  void record(worker& w, std::size_t spec, std::uint64_t micros, bool failed, std::uint64_t bytes,
              const std::string& error) {
    std::lock_guard lock(w.stats_mutex);
    auto& s = w.stats[slot_of[spec]];
    ++s.requests;
    s.failures += failed ? 1 : 0;
    s.bytes += bytes;
    s.latency.record(micros);
    if (failed) ++w.errors[opts.requests[spec].method + " " + opts.requests[spec].name + ": " + error];
  }

  asio::awaitable<void> run_user(worker& w, user& u, unsigned id) {
    u.timer.expires_at(start + std::chrono::duration_cast<steady::duration>(
                                   std::chrono::duration<double>(user_start_time(id, opts.spawn_rate))));
    co_await u.timer.async_wait(tuple_awaitable);
    if (stopping) co_return;
    started.fetch_add(1);
    beast::flat_buffer buffer;
    for (std::uint64_t n = 0; !stopping; ++n) {
      std::size_t spec = cycle.pick(id, n);
      auto t0 = steady::now();
      std::string error;
      std::uint64_t bytes = 0;
      bool keep_alive = false;
      if (!u.connected) {
        u.deadline = steady::now() + opts.timeout;
        auto [ec, ep] = co_await asio::async_connect(u.socket, endpoints, tuple_awaitable);
        if (stopping) break;
        if (ec) error = "connect: " + (u.timed_out ? std::string("timeout") : ec.message());
        else {
          u.connected = true;
          beast::error_code ignored;
          u.socket.set_option(tcp::no_delay(true), ignored);
        }
      }
      if (error.empty()) {
        u.deadline = steady::now() + opts.timeout;
        auto [wec, wn] = co_await bhttp::async_write(u.socket, w.messages[spec], tuple_awaitable);
        if (stopping) break;
        if (wec) error = u.timed_out ? "timeout" : wec.message();
      }
      if (error.empty()) {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(std::uint64_t{1} << 30);
        auto [rec, rn] = co_await bhttp::async_read(u.socket, buffer, parser, tuple_awaitable);
        if (stopping) break;
        if (rec) error = u.timed_out ? "timeout" : rec.message();
        else {
          auto& res = parser.get();
          bytes = res.body().size();
          keep_alive = res.keep_alive();
          if (res.result_int() >= 400) error = "HTTP " + std::to_string(res.result_int());
        }
      }
      u.deadline = steady::time_point::max();
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0).count();
      record(w, spec, static_cast<std::uint64_t>(micros), !error.empty(), bytes, error);
      if (!keep_alive && (u.connected || u.timed_out)) {
        beast::error_code ignored;
        u.socket.shutdown(tcp::socket::shutdown_both, ignored);
        u.socket.close(ignored);
        u.connected = false;
        u.timed_out = false;
        buffer.clear();
      }
      if (opts.think_time.count() > 0 && !stopping) {
        u.timer.expires_after(opts.think_time);
        co_await u.timer.async_wait(tuple_awaitable);
      }
    }
  }

  // Every 100 ms, closes the socket of each user whose operation is past its deadline (the
  // pending operation then fails and the user reports a timeout).
  asio::awaitable<void> run_watchdog(worker& w) {
    while (!stopping) {
      w.watchdog->expires_after(std::chrono::milliseconds(100));
      co_await w.watchdog->async_wait(tuple_awaitable);
      auto now = steady::now();
      for (auto& u : w.users) {
        if (u->deadline < now && u->socket.is_open()) {
          beast::error_code ignored;
          u->timed_out = true;
          u->socket.close(ignored);
        }
      }
    }
  }

  snapshot take_snapshot() {
    snapshot s;
    s.elapsed = std::chrono::duration<double>(steady::now() - start).count();
    s.users = started.load();
    s.endpoints = rows;
    for (auto& w : workers) {
      std::lock_guard lock(w->stats_mutex);
      for (std::size_t i = 0; i < rows.size(); ++i) s.endpoints[i].add(w->stats[i]);
      for (const auto& [k, v] : w->errors) s.errors[k] += v;
    }
    return s;
  }
};

result<void> check(const load_options& o) {
  auto bad = [](std::string m) -> result<void> { return error{errc::bad_options, std::move(m)}; };
  if (o.users == 0) return bad("--users must be at least 1");
  if (!(o.spawn_rate > 0)) return bad("--spawn-rate must be positive");
  if (o.run_time.count() <= 0) return bad("--run-time must be positive");
  if (o.timeout.count() <= 0) return bad("the request timeout must be positive");
  if (o.requests.empty()) return bad("no requests to send");
  return {};
}

bhttp::request<bhttp::string_body> make_message(const request_spec& s, const endpoint_parts& parts) {
  bhttp::request<bhttp::string_body> m;
  m.method_string(s.method);
  m.target(parts.prefix + s.path);
  m.version(11);
  m.set(bhttp::field::host, parts.host_header());
  m.set(bhttp::field::user_agent, "hayloft-load");
  for (const auto& [k, v] : s.headers) m.set(k, v);
  m.body() = s.body;
  if (!s.body.empty() || s.method == "POST" || s.method == "PUT" || s.method == "PATCH") m.prepare_payload();
  m.keep_alive(true);
  return m;
}
}  // namespace

result<snapshot> run_load_test(const load_options& opts, const tick_fn& on_tick) {
  if (auto c = check(opts); !c.ok()) return c.err();
  auto parts = parse_endpoint(opts.url);
  if (!parts.ok()) return error{errc::bad_options, "bad URL " + opts.url + ": " + parts.err().message};
  if (parts->tls) return error{errc::bad_options, "https is not supported by hayloft load; use http"};

  engine e{opts, {}, request_cycle(opts.requests), {}, {}, {}, {}, {}};
  {
    asio::io_context probe;
    tcp::resolver resolver(probe);
    beast::error_code ec;
    std::string host = parts->host == "localhost" ? "127.0.0.1" : parts->host;
    e.endpoints = resolver.resolve(host, parts->port, ec);
    if (ec) return error{errc::unreachable, "cannot resolve " + parts->host + ": " + ec.message()};
    tcp::socket s(probe);
    asio::connect(s, e.endpoints, ec);
    if (ec) return error{errc::unreachable, "cannot connect to " + opts.url + ": " + ec.message()};
  }
  for (std::size_t i = 0; i < opts.requests.size(); ++i) {
    auto it = std::find_if(e.rows.begin(), e.rows.end(), [&](const endpoint_stats& r) { return r.name == opts.requests[i].name; });
    if (it == e.rows.end()) {
      e.rows.push_back({});
      e.rows.back().method = opts.requests[i].method;
      e.rows.back().name = opts.requests[i].name;
      it = e.rows.end() - 1;
    }
    e.slot_of.push_back(static_cast<std::size_t>(it - e.rows.begin()));
  }
  unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, opts.users);
  for (unsigned t = 0; t < threads; ++t) {
    auto w = std::make_unique<worker>();
    for (const auto& s : opts.requests) w->messages.push_back(make_message(s, *parts));
    w->stats = e.rows;
    e.workers.push_back(std::move(w));
  }
  e.start = steady::now();
  e.deadline = e.start + opts.run_time;
  for (unsigned id = 0; id < opts.users; ++id) {
    auto& w = *e.workers[id % threads];
    w.users.push_back(std::make_unique<user>(w.ioc));
    asio::co_spawn(w.ioc, e.run_user(w, *w.users.back(), id), asio::detached);
  }
  for (auto& w : e.workers) {
    w->watchdog = std::make_unique<asio::steady_timer>(w->ioc);
    asio::co_spawn(w->ioc, e.run_watchdog(*w), asio::detached);
  }
  std::vector<std::thread> pool;
  for (auto& w : e.workers) pool.emplace_back([&ioc = w->ioc] { ioc.run(); });

  snapshot previous = e.take_snapshot();
  previous.elapsed = 0;
  for (auto next = e.start + std::chrono::seconds(1);; next += std::chrono::seconds(1)) {
    auto until = std::min(next, e.deadline);
    std::this_thread::sleep_until(until);
    if (until == e.deadline) break;
    auto now = e.take_snapshot();
    if (on_tick) on_tick(now, previous);
    previous = std::move(now);
  }
  e.stopping = true;
  auto final_snapshot = e.take_snapshot();
  for (auto& w : e.workers) {
    asio::post(w->ioc, [&w = *w] {
      for (auto& u : w.users) {
        beast::error_code ignored;
        u->timer.cancel();
        u->socket.close(ignored);
      }
      w.watchdog->cancel();
    });
  }
  for (auto& t : pool) t.join();
  final_snapshot.elapsed = std::chrono::duration<double>(opts.run_time).count();
  if (on_tick) on_tick(final_snapshot, previous);
  return final_snapshot;
}

}  // namespace hayloft::http::load
