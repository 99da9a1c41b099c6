#include "emulator/http/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <unordered_map>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/logging.h"

namespace hayloft::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t chunk_size = 64 * 1024;

// Adapts request_handler::handle (callback on any thread) to an awaitable that resumes on the
// session's strand.
template <class Token>
auto async_handle(core::request_handler& h, core::request req, Token&& token) {
  return asio::async_initiate<Token, void(core::response)>(
      [&h](auto handler, core::request r) {
        auto ex = asio::get_associated_executor(handler);
        auto guard = asio::make_work_guard(ex);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        h.handle(std::move(r), [shared, ex, guard](core::response resp) mutable {
          asio::post(ex, [shared, resp = std::move(resp)]() mutable { (*shared)(std::move(resp)); });
        });
      },
      token, std::move(req));
}

// Adapts body_stream::next (callback on any thread) to an awaitable that resumes on the strand.
template <class Token>
auto async_next(core::body_stream& s, Token&& token) {
  return asio::async_initiate<Token, void(std::string, bool)>(
      [&s](auto handler) {
        auto ex = asio::get_associated_executor(handler);
        auto guard = asio::make_work_guard(ex);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        s.next([shared, ex, guard](std::string chunk, bool done) mutable {
          asio::post(ex, [shared, chunk = std::move(chunk), done]() mutable { (*shared)(std::move(chunk), done); });
        });
      },
      token);
}

// Date header value, recomputed at most once per second per thread.
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

// Lets a handler's ordinary write path spill a large body into a file.
class body_sink {
 public:
  body_sink(core::request& req, std::size_t threshold, const std::filesystem::path& dir)
      : req_(req), threshold_(threshold), dir_(dir) {}
  ~body_sink() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool append(const char* data, std::size_t n) {
    req_.body_size += n;
    if (fd_ < 0 && req_.body.size() + n <= threshold_) {
      req_.body.append(data, n);
      return true;
    }
    if (fd_ < 0) {
      req_.body_file = core::temp_file(dir_ / ("upload-" + core::random_hex(12)));
      fd_ = ::open(req_.body_file.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd_ < 0) return false;
      if (!write_all(req_.body.data(), req_.body.size())) return false;
      req_.body.clear();
      req_.body.shrink_to_fit();
    }
    return write_all(data, n);
  }

 private:
  bool write_all(const char* p, std::size_t n) {
    while (n > 0) {
      auto w = ::write(fd_, p, n);
      if (w <= 0) return false;
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }
  core::request& req_;
  std::size_t threshold_;
  const std::filesystem::path& dir_;
  int fd_ = -1;
};

}  // namespace

struct connection {
  explicit connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool idle = true;  // waiting for the next request's header (only touched on the strand)
  std::shared_ptr<core::body_stream> streaming;  // the body being streamed (only touched on the strand)
};

struct server::impl {
  impl(asio::io_context& c, server_options o, route_fn r, observe_fn ob)
      : ioc(c), opts(std::move(o)), route(std::move(r)), observe(std::move(ob)), acceptor(c) {}

  asio::io_context& ioc;
  server_options opts;
  route_fn route;
  observe_fn observe;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> busy{0};
  std::atomic<std::size_t> open{0};
  std::mutex sessions_mutex;  // guards sessions and next_id
  std::unordered_map<std::uint64_t, std::weak_ptr<connection>> sessions;
  std::uint64_t next_id = 0;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(std::shared_ptr<connection> c);
  asio::awaitable<bool> write_response(connection& c, const core::request& req, core::response resp, bool keep_alive);
  asio::awaitable<void> write_simple(connection& c, unsigned status, std::string body);
  asio::awaitable<bool> write_stream(connection& c, core::response resp);
};

asio::awaitable<void> server::impl::accept_loop() {
  for (;;) {
    auto [ec, sock] = co_await acceptor.async_accept(asio::make_strand(ioc), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    sock.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<connection>(std::move(sock));
    std::uint64_t id;
    {
      std::lock_guard lock(sessions_mutex);
      id = ++next_id;
      sessions.emplace(id, c);
    }
    auto ex = c->stream.get_executor();
    asio::co_spawn(ex, session(c), [this, id](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::error("connection failed: {}", x.what());
        }
      }
      std::lock_guard lock(sessions_mutex);
      sessions.erase(id);
    });
  }
}

asio::awaitable<void> server::impl::write_simple(connection& c, unsigned status, std::string body) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::date, date_header());
  res.set(bhttp::field::content_type, "text/plain");
  res.body() = std::move(body);
  res.keep_alive(false);
  res.prepare_payload();
  c.stream.expires_after(opts.read_timeout);
  co_await bhttp::async_write(c.stream, res, use_tuple);
}

asio::awaitable<void> server::impl::session(std::shared_ptr<connection> c) {
  ++open;
  struct on_exit {
    impl* s;
    ~on_exit() { --s->open; }
  } guard{this};
  beast::flat_buffer buffer;
  std::vector<char> chunk(chunk_size);
  for (;;) {
    c->idle = true;
    if (stopping) break;
    c->stream.expires_after(opts.idle_timeout);
    bhttp::request_parser<bhttp::buffer_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
    parser.body_limit(boost::none);  // checked below, so the client gets the service's error
    auto [ec, n] = co_await bhttp::async_read_header(c->stream, buffer, parser, use_tuple);
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        co_await write_simple(*c, 431, "request header too large\n");
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        co_await write_simple(*c, 400, "bad request: " + ec.message() + "\n");
      }
      break;
    }
    c->idle = false;
    ++busy;
    struct busy_guard {
      impl* s;
      ~busy_guard() { --s->busy; }
    } bg{this};
    auto start = std::chrono::steady_clock::now();
    auto& h = parser.get();

    core::request req;
    req.method = std::string(h.method_string());
    req.request_id = core::request_id();
    boost::system::error_code rec;
    auto remote = c->stream.socket().remote_endpoint(rec);
    if (!rec) req.remote = remote.address().to_string();
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
    if (!core::parse_target(h.target(), req)) {
      co_await write_simple(*c, 400, "malformed request target\n");
      break;
    }
    const bool keep_alive = parser.keep_alive();
    auto content_length = parser.content_length();
    if (content_length && *content_length > opts.body_limit) {
      core::request_handler* target = route(req);
      core::response r = target ? target->render_error(req, {400, "EntityTooLarge",
                                                             "Your proposed upload exceeds the maximum allowed size"})
                                : core::response{413, {}, "request body too large\n"};
      co_await write_response(*c, req, std::move(r), false);
      break;
    }
    if (auto expect = req.headers.get("expect"); expect && core::iequals(*expect, "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      auto [wec, wn] = co_await bhttp::async_write(c->stream, cont, use_tuple);
      if (wec) break;
    }
    bool body_ok = true;
    {
      body_sink sink(req, opts.spill_threshold, opts.spill_dir);
      while (!parser.is_done()) {
        h.body().data = chunk.data();
        h.body().size = chunk.size();
        c->stream.expires_after(opts.read_timeout);
        auto [rec2, rn] = co_await bhttp::async_read(c->stream, buffer, parser, use_tuple);
        if (rec2 == bhttp::error::need_buffer) rec2 = {};
        if (rec2) {
          body_ok = false;
          break;
        }
        std::size_t got = chunk.size() - h.body().size;
        if (req.body_size + got > opts.body_limit) {
          body_ok = false;
          if (core::request_handler* target = route(req))
            co_await write_response(*c, req, target->render_error(req, {400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"}), false);
          break;
        }
        if (got && !sink.append(chunk.data(), got)) {
          body_ok = false;
          co_await write_simple(*c, 500, "cannot store request body\n");
          break;
        }
      }
    }
    if (!body_ok) break;

    core::request_handler* target = route(req);
    core::response resp;
    // What the response writer and the observer need after the request is handed over.
    core::request shell;
    shell.method = req.method;
    shell.path = req.path;
    shell.request_id = req.request_id;
    finish_fn finish = observe ? observe(req) : finish_fn{};
    if (!target) {
      resp.status = 404;
      resp.headers.add("Content-Type", "text/plain");
      resp.body = "no route for " + req.path + "\n";
    } else {
      c->stream.expires_never();
      try {
        resp = co_await async_handle(*target, std::move(req), asio::use_awaitable);
      } catch (const std::exception& e) {
        spdlog::error("handler failed: {}", e.what());
        resp = core::response{500, {}, "internal error\n"};
      }
    }
    unsigned status = resp.status;
    const bool streamed = resp.stream && shell.method != "HEAD";
    bool ok = streamed ? co_await write_stream(*c, std::move(resp))
                       : co_await write_response(*c, shell, std::move(resp), keep_alive && !stopping);
    if (streamed) ok = false;  // a streamed body ends the connection
    if (finish) finish(status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!ok || !keep_alive || stopping) break;
  }
  boost::system::error_code ec;
  c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c->stream.close();
}

asio::awaitable<bool> server::impl::write_response(connection& c, const core::request& req, core::response resp,
                                                   bool keep_alive) {
  c.stream.expires_after(opts.read_timeout);
  const bool head = req.method == "HEAD";
  auto fill = [&](auto& res) {
    res.set(bhttp::field::date, date_header());
    for (const auto& [k, v] : resp.headers) res.insert(k, v);
    res.keep_alive(keep_alive);
  };
  if (head || resp.status == 204 || resp.status == 304) {
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(resp.status), 11};
    fill(res);
    if (resp.status != 204 && resp.status != 304) {
      std::uint64_t len = resp.head_length ? *resp.head_length : resp.file ? resp.file->length : resp.body.size();
      res.set(bhttp::field::content_length, std::to_string(len));
    }
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    if (head) sr.split(true);
    auto [ec, n] = head ? co_await bhttp::async_write_header(c.stream, sr, use_tuple)
                        : co_await bhttp::async_write(c.stream, sr, use_tuple);
    co_return !ec;
  }
  if (resp.file) {
    int fd = ::open(resp.file->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      spdlog::error("cannot open {} for a response body", resp.file->path.string());
      co_await write_simple(c, 500, "body file missing\n");
      co_return false;
    }
    struct closer {
      int fd;
      ~closer() { ::close(fd); }
    } cl{fd};
    bhttp::response<bhttp::buffer_body> res{static_cast<bhttp::status>(resp.status), 11};
    fill(res);
    res.content_length(resp.file->length);
    res.body().data = nullptr;
    res.body().more = true;
    bhttp::response_serializer<bhttp::buffer_body> sr{res};
    auto [hec, hn] = co_await bhttp::async_write_header(c.stream, sr, use_tuple);
    if (hec) co_return false;
    std::vector<char> buf(chunk_size);
    std::uint64_t off = resp.file->offset, left = resp.file->length;
    while (left > 0) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      auto got = ::pread(fd, buf.data(), want, static_cast<off_t>(off));
      if (got <= 0) co_return false;  // truncated file: the client sees a short body and the close
      off += static_cast<std::uint64_t>(got);
      left -= static_cast<std::uint64_t>(got);
      res.body().data = buf.data();
      res.body().size = static_cast<std::size_t>(got);
      res.body().more = left > 0;
      c.stream.expires_after(opts.read_timeout);
      auto [wec, wn] = co_await bhttp::async_write(c.stream, sr, use_tuple);
      if (wec == bhttp::error::need_buffer) wec = {};
      if (wec) co_return false;
    }
    if (!sr.is_done()) {
      res.body().data = nullptr;
      res.body().more = false;
      auto [wec, wn] = co_await bhttp::async_write(c.stream, sr, use_tuple);
      if (wec && wec != bhttp::error::need_buffer) co_return false;
    }
    co_return true;
  }
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), 11};
  fill(res);
  res.body() = std::move(resp.body);
  res.prepare_payload();
  auto [ec, n] = co_await bhttp::async_write(c.stream, res, use_tuple);
  co_return !ec;
}

asio::awaitable<bool> server::impl::write_stream(connection& c, core::response resp) {
  auto body = std::move(resp.stream);
  bhttp::response<bhttp::buffer_body> res{static_cast<bhttp::status>(resp.status), 11};
  res.set(bhttp::field::date, date_header());
  for (const auto& [k, v] : resp.headers) res.insert(k, v);
  res.keep_alive(false);
  res.chunked(true);
  res.body().data = nullptr;
  res.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  c.stream.expires_after(opts.read_timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(c.stream, sr, use_tuple);
  if (hec) {
    body->cancel();
    co_return false;
  }
  c.streaming = body;
  // The client closing its side (kubectl interrupted, a watch abandoned) ends the stream at once
  // rather than at its next write.
  c.stream.socket().async_wait(tcp::socket::wait_read, [body](boost::system::error_code) { body->cancel(); });
  bool ok = true;
  for (;;) {
    c.stream.expires_never();
    auto [chunk, done] = co_await async_next(*body, asio::use_awaitable);
    if (stopping) body->cancel();
    if (ok && !chunk.empty()) {
      res.body().data = chunk.data();
      res.body().size = chunk.size();
      res.body().more = true;
      c.stream.expires_after(opts.read_timeout);
      auto [wec, wn] = co_await bhttp::async_write(c.stream, sr, use_tuple);
      if (wec == bhttp::error::need_buffer) wec = {};
      if (wec) {
        ok = false;  // keep draining: once cancelled the stream delivers done promptly
        body->cancel();
      }
    }
    if (done) break;
  }
  c.streaming.reset();
  if (ok) {
    res.body().data = nullptr;
    res.body().size = 0;
    res.body().more = false;
    auto [wec, wn] = co_await bhttp::async_write(c.stream, sr, use_tuple);
    if (wec && wec != bhttp::error::need_buffer) ok = false;
  }
  body->cancel();
  co_return ok;
}

server::server(asio::io_context& ioc, server_options opts, route_fn route, observe_fn observe)
    : impl_(std::make_unique<impl>(ioc, std::move(opts), std::move(route), std::move(observe))) {}

server::~server() = default;

std::uint16_t server::listen() {
  auto& s = *impl_;
  auto addr = asio::ip::make_address(s.opts.host == "localhost" ? "127.0.0.1" : s.opts.host);
  tcp::endpoint ep{addr, s.opts.port};
  s.acceptor.open(ep.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  s.acceptor.bind(ep);
  s.acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
  return s.acceptor.local_endpoint().port();
}

void server::shutdown() {
  auto& s = *impl_;
  s.stopping = true;
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

std::size_t server::busy() const { return impl_->busy; }
std::size_t server::connections() const { return impl_->open; }

}  // namespace hayloft::http
