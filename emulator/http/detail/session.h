#pragma once
// The edge's per-connection session, written once for any Beast stream: server.cc runs it over
// beast::tcp_stream, the HTTP fuzz target over beast::test::stream (bytes in, bytes out, no
// socket). Not a public interface: include server.h. The behaviour is documented there.
//
// A stream type plugs in through a specialisation of stream_ops<Stream> with:
//   static void deadline(Stream&, std::chrono::milliseconds);   // bound the next operations
//   static void no_deadline(Stream&);
//   static std::string remote(Stream&);                        // peer address for logs
//   static void close(Stream&);                                // shutdown(send) and close
//   template <class Fn> static void on_peer_close(Stream&, Fn); // call fn when the peer hangs up
//   static asio::awaitable<void> linger(Stream&);               // after an early error answer
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/core/ids.h"
#include "emulator/core/logging.h"
#include "emulator/http/server.h"

namespace hayloft::http::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::size_t chunk_size = 64 * 1024;

template <class Stream>
struct stream_ops;

// Bytes of request bodies held in memory, across the sessions of one server. Any thread.
class body_budget {
 public:
  explicit body_budget(std::uint64_t limit) : limit_(limit) {}
  bool try_take(std::uint64_t n) {
    auto cur = used_.load(std::memory_order_relaxed);
    do {
      if (cur + n > limit_) return false;
    } while (!used_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
    return true;
  }
  void give(std::uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  const std::uint64_t limit_;
  std::atomic<std::uint64_t> used_{0};
};

// What every session of one server shares.
struct edge {
  edge(server_options o, dispatch_fn d) : opts(std::move(o)), dispatch(std::move(d)), budget(opts.body_memory_budget) {}
  server_options opts;
  dispatch_fn dispatch;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> busy{0};
  std::atomic<std::size_t> open{0};  // counted by the acceptor, from accept to the session's end
  std::atomic<std::uint64_t> small_bodies{0};  // in-memory bytes below body_small, not budgeted
  body_budget budget;
};

template <class Stream>
struct connection {
  explicit connection(Stream s) : stream(std::move(s)) {}
  Stream stream;
  bool idle = true;  // waiting for the next request's header (only touched on the strand)
  std::shared_ptr<core::body_stream> streaming;  // the body being streamed (only touched on the strand)
};

// Date header value, recomputed at most once per second per thread.
const std::string& date_header();
// True for errors of the request's bytes (Beast's parser), as opposed to the peer hanging up.
bool is_parse_error(const boost::system::error_code& ec);
// The request the edge hands on, from a parsed header. False when the target is malformed.
bool to_request(const bhttp::request_parser<bhttp::buffer_body>::value_type& h, core::request& req);
// What the edge keeps of a request once the handler owns it: enough to render an error in the
// service's format and to write the response (method, target, query, host and protocol headers).
core::request shell_of(const core::request& req);
// An error raised by the edge, in the service's format when there is a handler.
core::response edge_error(core::request_handler* h, const core::request& req, const core::aws_error& e);
// The error code a service put in an error response, for the request log: SQS's
// x-amzn-query-error header, else <Code> of an XML error (S3, SQS query), else "code",
// "__type" or "reason" of a JSON one (admin, SQS JSON, Kubernetes Status). Looks at most at the
// first 2 KiB; empty when none.
std::string error_code_of(const core::response& r);

// Holds a request's in-memory body bytes against the edge's limits; gives them back at the end
// of the request.
class body_hold {
 public:
  explicit body_hold(edge& e) : e_(e) {}
  ~body_hold() {
    if (budgeted_) e_.budget.give(budgeted_);
    if (small_) e_.small_bodies.fetch_sub(small_, std::memory_order_relaxed);
  }
  body_hold(const body_hold&) = delete;
  body_hold& operator=(const body_hold&) = delete;
  // May `n` more bytes join the `have` bytes held in memory?
  bool take(std::size_t have, std::size_t n) {
    const auto small = e_.opts.body_small;
    std::size_t below = have < small ? std::min(n, small - have) : 0;
    std::size_t above = n - below;
    if (above && !e_.budget.try_take(above)) return false;
    budgeted_ += above;
    small_ += below;
    if (below) e_.small_bodies.fetch_add(below, std::memory_order_relaxed);
    return true;
  }
  // The body left memory (spilled to a file).
  void release() {
    if (budgeted_) e_.budget.give(std::exchange(budgeted_, 0));
    if (small_) e_.small_bodies.fetch_sub(std::exchange(small_, 0), std::memory_order_relaxed);
  }

 private:
  edge& e_;
  std::uint64_t budgeted_ = 0, small_ = 0;
};

// Lets a handler's ordinary write path spill a large body into a file.
class body_sink {
 public:
  body_sink(core::request& req, body_hold& hold, std::size_t threshold, const std::filesystem::path& dir)
      : req_(req), hold_(hold), threshold_(threshold), dir_(dir) {}
  ~body_sink() {
    if (fd_ >= 0) ::close(fd_);
  }
  body_sink(const body_sink&) = delete;
  body_sink& operator=(const body_sink&) = delete;
  bool append(const char* data, std::size_t n) {
    req_.body_size += n;
    if (fd_ < 0 && req_.body.size() + n <= threshold_ && hold_.take(req_.body.size(), n)) {
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
      hold_.release();
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
  body_hold& hold_;
  std::size_t threshold_;
  const std::filesystem::path& dir_;
  int fd_ = -1;
};

// The completion a handler gets: answers the awaiting session exactly once. If every copy is
// dropped unanswered (a handler, or a pool task holding it, threw or forgot), the request gets
// the fallback 500 rather than hanging for ever.
template <class Handler>
class answer_once {
 public:
  using fallback_fn = std::function<core::response()>;
  answer_once(Handler h, fallback_fn fallback)
      : handler_(std::move(h)), ex_(asio::get_associated_executor(handler_)), guard_(asio::make_work_guard(ex_)),
        fallback_(std::move(fallback)) {}
  ~answer_once() {
    if (answered_.load()) return;
    spdlog::error("a request handler dropped its completion without answering; answering 500");
    deliver(fallback());
  }
  answer_once(const answer_once&) = delete;
  answer_once& operator=(const answer_once&) = delete;
  void answer(core::response r) {
    if (answered_.exchange(true)) {
      spdlog::error("a request handler answered twice; the second answer is dropped");
      return;
    }
    deliver(std::move(r));
  }
  core::response fallback() const {
    try {
      return fallback_();
    } catch (...) {
      return core::response{500, {}, "internal error\n"};
    }
  }

 private:
  void deliver(core::response r) {
    answered_ = true;
    asio::post(ex_, [h = std::move(handler_), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
  }
  Handler handler_;
  asio::associated_executor_t<Handler> ex_;
  asio::executor_work_guard<asio::associated_executor_t<Handler>> guard_;
  fallback_fn fallback_;
  std::atomic<bool> answered_{false};
};

// Adapts request_handler::handle (callback on any thread) to an awaitable that resumes on the
// session's strand; a handler that throws is logged and answered with `fallback`.
template <class Token>
auto async_handle(core::request_handler& h, core::request req, std::function<core::response()> fallback,
                  Token&& token) {
  return asio::async_initiate<Token, void(core::response)>(
      [&h](auto handler, core::request r, std::function<core::response()> fb) {
        using state = answer_once<decltype(handler)>;
        auto st = std::make_shared<state>(std::move(handler), std::move(fb));
        std::string what = r.method + " " + r.raw_path;
        try {
          h.handle(std::move(r), [st](core::response resp) { st->answer(std::move(resp)); });
        } catch (const std::exception& e) {
          spdlog::error("request handler failed on {}: {}", core::log_safe(what), e.what());
          st->answer(st->fallback());
        } catch (...) {
          spdlog::error("request handler failed on {}: unknown exception", core::log_safe(what));
          st->answer(st->fallback());
        }
      },
      token, std::move(req), std::move(fallback));
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

template <class Stream>
asio::awaitable<void> write_simple(edge& e, connection<Stream>& c, unsigned status, std::string body) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::date, date_header());
  res.set(bhttp::field::content_type, "text/plain");
  res.body() = std::move(body);
  res.keep_alive(false);
  res.prepare_payload();
  stream_ops<Stream>::deadline(c.stream, e.opts.read_timeout);
  co_await bhttp::async_write(c.stream, res, use_tuple);
}

template <class Stream>
asio::awaitable<bool> write_response(edge& e, connection<Stream>& c, const core::request& req, core::response resp,
                                     bool keep_alive) {
  using ops = stream_ops<Stream>;
  ops::deadline(c.stream, e.opts.read_timeout);
  const bool head = req.method == "HEAD";
  auto fill = [&](auto& res) {
    res.set(bhttp::field::date, date_header());
    for (const auto& [k, v] : resp.headers) res.insert(k, v);
    res.keep_alive(keep_alive);
  };
  // A status that is not a final one (a handler bug) becomes a 500 rather than a broken exchange.
  if (resp.status < 200 || resp.status > 599) {
    spdlog::error("a handler answered with status {}; sending 500", resp.status);
    resp = core::response{500, {}, "internal error\n"};
  }
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
      co_await write_simple(e, c, 500, "body file missing\n");
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
    std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(resp.file->length, chunk_size)));
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
      ops::deadline(c.stream, e.opts.read_timeout);
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

template <class Stream>
asio::awaitable<bool> write_stream(edge& e, connection<Stream>& c, core::response resp) {
  using ops = stream_ops<Stream>;
  auto body = std::move(resp.stream);
  bhttp::response<bhttp::buffer_body> res{static_cast<bhttp::status>(resp.status), 11};
  res.set(bhttp::field::date, date_header());
  for (const auto& [k, v] : resp.headers) res.insert(k, v);
  res.keep_alive(false);
  res.chunked(true);
  res.body().data = nullptr;
  res.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  ops::deadline(c.stream, e.opts.read_timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(c.stream, sr, use_tuple);
  if (hec) {
    body->cancel();
    co_return false;
  }
  c.streaming = body;
  // The client closing its side (kubectl interrupted, a watch abandoned) ends the stream at once
  // rather than at its next write.
  ops::on_peer_close(c.stream, [body] { body->cancel(); });
  bool ok = true;
  for (;;) {
    ops::no_deadline(c.stream);
    auto [chunk, done] = co_await async_next(*body, asio::use_awaitable);
    if (e.stopping) body->cancel();
    if (ok && !chunk.empty()) {
      res.body().data = chunk.data();
      res.body().size = chunk.size();
      res.body().more = true;
      ops::deadline(c.stream, e.opts.read_timeout);
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

inline core::aws_error entity_too_large() {
  return {400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"};
}
inline core::aws_error request_timeout() {
  return {400, "RequestTimeout",
          "Your socket connection to the server was not read from or written to within the timeout period. Idle "
          "connections will be closed."};
}

// An error answered before the request's body is read (the connection closes after it). Not a
// lambda, and no temporaries in the co_await: GCC 12 destroys such temporaries twice.
template <class Stream>
asio::awaitable<void> refuse(edge& e, connection<Stream>& c, const core::request& req, core::aws_error err,
                             std::chrono::steady_clock::time_point start) {
  auto d = e.dispatch(req);
  auto r = edge_error(d.handler, req, err);
  const unsigned status = r.status;
  co_await write_response(e, c, req, std::move(r), false);
  if (d.finish) d.finish({status, err.code, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
}

template <class Stream>
asio::awaitable<void> run_session(edge& e, std::shared_ptr<connection<Stream>> c) {
  using ops = stream_ops<Stream>;
  using clock = std::chrono::steady_clock;
  const server_options& o = e.opts;
  beast::flat_buffer buffer;
  // Set when the connection ends on an error answered before the request was read to its end:
  // the client may still be sending, and closing a socket with unread input sends RST, which
  // can destroy the answer before the client reads it. Drain first, as nginx's lingering_close.
  bool linger = false;
  for (;;) {
    c->idle = true;
    if (e.stopping) break;
    if (buffer.size() == 0) {
      // An idle keep-alive connection holds no more than this small read buffer.
      if (buffer.capacity() > 16 * 1024) buffer.shrink_to_fit();
      ops::deadline(c->stream, o.idle_timeout);
      auto [ec, n] = co_await c->stream.async_read_some(buffer.prepare(2048), use_tuple);
      if (ec) break;  // idle timeout, the peer closed, or shutdown
      buffer.commit(n);
    }
    ops::deadline(c->stream, o.header_timeout);
    bhttp::request_parser<bhttp::buffer_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(o.header_limit, UINT32_MAX)));
    parser.body_limit(boost::none);  // checked below, so the client gets the service's error
    auto [ec, n] = co_await bhttp::async_read_header(c->stream, buffer, parser, use_tuple);
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        co_await write_simple(e, *c, 431, "request header too large\n");
        linger = true;
      } else if (is_parse_error(ec)) {
        co_await write_simple(e, *c, 400, "bad request: " + ec.message() + "\n");
        linger = true;
      }
      break;  // a header timeout closes the connection without an answer, as nginx does
    }
    c->idle = false;
    ++e.busy;
    struct busy_guard {
      edge& e;
      ~busy_guard() { --e.busy; }
    } bg{e};
    const auto start = clock::now();
    auto& h = parser.get();
    {
      std::size_t fields = 0;
      for (auto it = h.begin(); it != h.end(); ++it) ++fields;
      if (fields > o.max_header_fields) {
        co_await write_simple(e, *c, 431, "too many request header fields\n");
        linger = true;
        break;
      }
    }
    core::request req;
    req.remote = ops::remote(c->stream);
    if (!to_request(h, req)) {
      co_await write_simple(e, *c, 400, "malformed request target\n");
      linger = true;
      break;
    }
    const bool keep_alive = parser.keep_alive();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
    // An error answered before the body is read (the connection closes after it).
    auto content_length = parser.content_length();
    if (content_length && *content_length > o.body_limit) {
      linger = true;
      const core::aws_error err = entity_too_large();
          co_await refuse(e, *c, req, err, start);
      break;
    }
    if (auto expect = req.headers.get("expect"); expect && core::iequals(*expect, "100-continue") && !parser.is_done()) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      ops::deadline(c->stream, o.read_timeout);
      auto [wec, wn] = co_await bhttp::async_write(c->stream, cont, use_tuple);
      if (wec) break;
    }
    body_hold hold(e);
    if (!parser.is_done()) {
      bool body_ok = true;
      const auto body_start = clock::now();
      std::vector<char> chunk(content_length ? static_cast<std::size_t>(std::clamp<std::uint64_t>(*content_length, 1, chunk_size))
                                             : chunk_size);
      body_sink sink(req, hold, o.spill_threshold, o.spill_dir);
      while (!parser.is_done()) {
        h.body().data = chunk.data();
        h.body().size = chunk.size();
        ops::deadline(c->stream, o.body_timeout);
        auto [rec, rn] = co_await bhttp::async_read_some(c->stream, buffer, parser, use_tuple);
        if (rec == bhttp::error::need_buffer) rec = {};
        if (rec) {
          body_ok = false;
          // A body Beast cannot frame (bad chunk size, extension, trailer) gets 400; a client
          // that hangs up or stalls gets the close.
          if (is_parse_error(rec)) {
            co_await write_simple(e, *c, 400, "bad request body: " + rec.message() + "\n");
            linger = true;
          }
          break;
        }
        std::size_t got = chunk.size() - h.body().size;
        if (req.body_size + got > o.body_limit) {
          body_ok = false;
          linger = true;
          const core::aws_error err = entity_too_large();
          co_await refuse(e, *c, req, err, start);
          break;
        }
        if (got && !sink.append(chunk.data(), got)) {
          body_ok = false;
          co_await write_simple(e, *c, 500, "cannot store request body\n");
          break;
        }
        // A client trickling its body (slowloris): after body_timeout, at least body_min_rate
        // bytes/s on average, else S3's RequestTimeout.
        const auto spent = clock::now() - body_start;
        if (spent > o.body_timeout && !parser.is_done() &&
            static_cast<double>(req.body_size) < static_cast<double>(o.body_min_rate) * std::chrono::duration<double>(spent).count()) {
          body_ok = false;
          spdlog::debug("closing a connection from {}: request body arriving at {:.0f} B/s", req.remote,
                        static_cast<double>(req.body_size) / std::chrono::duration<double>(spent).count());
          linger = true;
          const core::aws_error err = request_timeout();
          co_await refuse(e, *c, req, err, start);
          break;
        }
      }
      if (!body_ok) break;
    }

    auto d = e.dispatch(req);
    core::response resp;
    // What the response writer, the error renderer and the observer need after the request is
    // handed over.
    core::request shell = shell_of(req);
    if (!d.handler) {
      resp.status = 404;
      resp.headers.add("Content-Type", "text/plain");
      resp.body = "no route for " + req.path + "\n";
    } else {
      ops::no_deadline(c->stream);
      auto fallback = [h = d.handler, &shell] {
        return edge_error(h, shell, {500, "InternalError", "We encountered an internal error. Please try again."});
      };
      resp = co_await async_handle(*d.handler, std::move(req), fallback, asio::use_awaitable);
    }
    const unsigned status = resp.status;
    const std::string error_code = status >= 400 ? error_code_of(resp) : std::string();
    const bool streamed = resp.stream && shell.method != "HEAD";
    bool ok = streamed ? co_await write_stream(e, *c, std::move(resp))
                       : co_await write_response(e, *c, shell, std::move(resp), keep_alive && !e.stopping);
    if (streamed) ok = false;  // a streamed body ends the connection
    if (d.finish) d.finish({status, error_code, elapsed()});
    if (!ok || !keep_alive || e.stopping) break;
  }
  if (linger) co_await ops::linger(c->stream);
  ops::close(c->stream);
}

}  // namespace hayloft::http::detail
