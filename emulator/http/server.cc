#include "emulator/http/server.h"

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <array>
#include <mutex>
#include <unordered_map>

#include "emulator/core/clock.h"
#include "emulator/http/detail/session.h"

namespace hayloft::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace detail {

const std::string& date_header() {
  thread_local std::string cached;
  thread_local std::int64_t cached_sec = -1;
  auto now = std::chrono::system_clock::now();
  auto sec = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (sec != cached_sec) {
    cached = core::http_date(now);
    cached_sec = sec;
  }
  return cached;
}

bool is_parse_error(const boost::system::error_code& ec) {
  static const auto& http_category = bhttp::make_error_code(bhttp::error::bad_method).category();
  return ec.category() == http_category && ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message && ec != bhttp::error::need_buffer;
}

bool to_request(const bhttp::request_parser<bhttp::buffer_body>::value_type& h, core::request& req) {
  req.method = std::string(h.method_string());
  req.request_id = core::request_id();
  for (const auto& f : h) req.headers.add(std::string(f.name_string()), std::string(f.value()));
  if (auto host = req.headers.get("host")) {
    std::string_view hv = *host;
    if (!hv.empty() && hv.front() == '[') {
      auto close = hv.find(']');
      req.host = std::string(hv.substr(0, close == std::string_view::npos ? hv.size() : close + 1));
    } else {
      req.host = std::string(hv.substr(0, hv.find(':')));
    }
  }
  return core::parse_target(h.target(), req);
}

core::request shell_of(const core::request& req) {
  core::request s;
  s.method = req.method;
  s.target = req.target;
  s.raw_path = req.raw_path;
  s.path = req.path;
  s.raw_query = req.raw_query;
  s.query = req.query;
  s.host = req.host;
  s.remote = req.remote;
  s.request_id = req.request_id;
  for (const char* name : {"host", "x-amz-target", "content-type"})
    if (auto v = req.headers.get(name)) s.headers.add(name, std::string(*v));
  return s;
}

core::response edge_error(core::request_handler* h, const core::request& req, const core::aws_error& e) {
  core::response r;
  bool rendered = false;
  if (h) {
    try {
      r = h->render_error(req, e);
      rendered = true;
    } catch (const std::exception& x) {
      spdlog::error("rendering error {} failed: {}", e.code, x.what());
    }
  }
  if (!rendered) {
    r = core::response{e.status, {}, e.code + ": " + e.message + "\n"};
    r.headers.add("Content-Type", "text/plain");
  }
  return r;
}

namespace {

std::string_view between(std::string_view text, std::string_view open, std::string_view close) {
  auto b = text.find(open);
  if (b == std::string_view::npos) return {};
  b += open.size();
  auto e = text.find(close, b);
  if (e == std::string_view::npos || e - b > 128) return {};
  return text.substr(b, e - b);
}

}  // namespace

std::string error_code_of(const core::response& r) {
  if (auto q = r.headers.get("x-amzn-query-error")) return std::string(q->substr(0, std::min<std::size_t>(q->find(';'), 128)));
  std::string_view body = std::string_view(r.body).substr(0, 2048);
  auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  if (body[first] == '<') return std::string(between(body, "<Code>", "</Code>"));
  if (body[first] != '{') return {};
  for (std::string_view key : {"\"code\":\"", "\"code\": \"", "\"__type\":\"", "\"reason\":\"", "\"reason\": \""}) {
    auto v = between(body, key, "\"");
    if (v.empty()) continue;
    if (auto hash = v.rfind('#'); hash != std::string_view::npos) v.remove_prefix(hash + 1);
    return std::string(v);
  }
  return {};
}

template <>
struct stream_ops<beast::tcp_stream> {
  static void deadline(beast::tcp_stream& s, std::chrono::milliseconds d) { s.expires_after(d); }
  static void no_deadline(beast::tcp_stream& s) { s.expires_never(); }
  static std::string remote(beast::tcp_stream& s) {
    boost::system::error_code ec;
    auto ep = s.socket().remote_endpoint(ec);
    return ec ? std::string() : ep.address().to_string();
  }
  static void close(beast::tcp_stream& s) {
    boost::system::error_code ec;
    s.socket().shutdown(tcp::socket::shutdown_send, ec);
    s.close();
  }
  // Half-closes, then reads and discards what the client still sends: up to 1 MiB or 2 s.
  static asio::awaitable<void> linger(beast::tcp_stream& s) {
    boost::system::error_code ec;
    s.socket().shutdown(tcp::socket::shutdown_send, ec);
    s.expires_after(std::chrono::seconds(2));
    std::array<char, 4096> sink;
    std::size_t total = 0;
    while (total < (1u << 20)) {
      auto [rec, n] = co_await s.async_read_some(asio::buffer(sink), use_tuple);
      if (rec) break;
      total += n;
    }
  }
  template <class Fn>
  static void on_peer_close(beast::tcp_stream& s, Fn fn) {
    s.socket().async_wait(tcp::socket::wait_read, [fn = std::move(fn)](boost::system::error_code) { fn(); });
  }
};

}  // namespace detail

using conn = detail::connection<beast::tcp_stream>;

struct server::impl {
  impl(asio::io_context& c, server_options o, dispatch_fn d) : ioc(c), e(std::move(o), std::move(d)), acceptor(c) {}

  asio::io_context& ioc;
  detail::edge e;
  tcp::acceptor acceptor;
  std::size_t max_connections = 0;  // e.opts.max_connections within the open-file limit
  std::mutex sessions_mutex;        // guards sessions and next_id
  std::unordered_map<std::uint64_t, std::weak_ptr<conn>> sessions;
  std::uint64_t next_id = 0;

  asio::awaitable<void> accept_loop();
};

asio::awaitable<void> server::impl::accept_loop() {
  asio::steady_timer pause(acceptor.get_executor());
  bool at_cap = false, out_of_files = false;
  for (;;) {
    if (e.open.load() >= max_connections) {
      if (!at_cap)
        spdlog::warn("connection limit reached: {} connections open; new connections wait in the listen backlog "
                     "until one closes",
                     max_connections);
      at_cap = true;
      pause.expires_after(std::chrono::milliseconds(20));
      co_await pause.async_wait(detail::use_tuple);
      if (e.stopping) co_return;
      continue;
    }
    if (at_cap) spdlog::info("below the connection limit again: accepting");
    at_cap = false;
    auto [ec, sock] = co_await acceptor.async_accept(asio::make_strand(ioc), detail::use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || e.stopping) co_return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
          ec.value() == ENFILE) {
        // Out of file descriptors: back off rather than spin on the pending connection.
        if (!out_of_files) spdlog::warn("accept failed: {}; retrying every 50 ms", ec.message());
        out_of_files = true;
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(detail::use_tuple);
        continue;
      }
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    out_of_files = false;
    sock.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<conn>(beast::tcp_stream(std::move(sock)));
    std::uint64_t id;
    {
      std::lock_guard lock(sessions_mutex);
      id = ++next_id;
      sessions.emplace(id, c);
    }
    auto ex = c->stream.get_executor();
    ++e.open;  // counted from the accept, so the cap holds before the session starts
    asio::co_spawn(ex, detail::run_session(e, c), [this, id](std::exception_ptr x) {
      --e.open;
      if (x) {
        try {
          std::rethrow_exception(x);
        } catch (const std::exception& err) {
          spdlog::error("connection failed: {}", err.what());
        } catch (...) {
          spdlog::error("connection failed: unknown exception");
        }
      }
      std::lock_guard lock(sessions_mutex);
      sessions.erase(id);
    });
  }
}

server::server(asio::io_context& ioc, server_options opts, dispatch_fn dispatch)
    : impl_(std::make_unique<impl>(ioc, std::move(opts), std::move(dispatch))) {}

server::server(asio::io_context& ioc, server_options opts, route_fn route, observe_fn observe)
    : server(ioc, std::move(opts), [route = std::move(route), observe = std::move(observe)](const core::request& r) {
        return dispatch{route(r), observe ? observe(r) : finish_fn{}};
      }) {}

server::~server() = default;

std::uint16_t server::listen() {
  auto& s = *impl_;
  s.max_connections = s.e.opts.max_connections;
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    // Room for the store, blobs, logs and pods beside the connections.
    auto room = lim.rlim_cur > 256 ? static_cast<std::size_t>(lim.rlim_cur - 256) : static_cast<std::size_t>(lim.rlim_cur / 2);
    if (room < s.max_connections) {
      spdlog::info("connection limit lowered from {} to {} by the open-file limit ({})", s.max_connections, room,
                   static_cast<std::uint64_t>(lim.rlim_cur));
      s.max_connections = std::max<std::size_t>(room, 1);
    }
  }
  auto addr = asio::ip::make_address(s.e.opts.host == "localhost" ? "127.0.0.1" : s.e.opts.host);
  tcp::endpoint ep{addr, s.e.opts.port};
  s.acceptor.open(ep.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  s.acceptor.bind(ep);
  s.acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
  return s.acceptor.local_endpoint().port();
}

void server::shutdown() {
  auto& s = *impl_;
  s.e.stopping = true;
  asio::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ec;
    s.acceptor.close(ec);
  });
  std::lock_guard lock(s.sessions_mutex);
  for (auto& [id, weak] : s.sessions) {
    if (auto c = weak.lock()) {
      asio::post(c->stream.get_executor(), [c] {
        // The non-throwing overload: the peer may have closed the socket meanwhile (EBADF).
        boost::system::error_code ec;
        if (c->idle) c->stream.socket().cancel(ec);
        if (c->streaming) c->streaming->cancel();
      });
    }
  }
}

std::size_t server::busy() const { return impl_->e.busy; }
std::size_t server::connections() const { return impl_->e.open; }
std::uint64_t server::body_memory() const {
  return impl_->e.budget.used() + impl_->e.small_bodies.load(std::memory_order_relaxed);
}

}  // namespace hayloft::http
