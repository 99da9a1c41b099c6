#include "orchestrator/services/proxy.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::services {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t chunk_size = 64 * 1024;

bool idempotent(bhttp::verb v) {
  return v == bhttp::verb::get || v == bhttp::verb::head || v == bhttp::verb::put || v == bhttp::verb::delete_ ||
         v == bhttp::verb::options || v == bhttp::verb::trace;
}

// Headers that apply to one hop (RFC 9110 7.6.1); the proxy sets its own Connection.
void strip_hop_by_hop(bhttp::fields& f) {
  for (auto name : {bhttp::field::connection, bhttp::field::keep_alive, bhttp::field::proxy_connection, bhttp::field::te,
                    bhttp::field::upgrade, bhttp::field::proxy_authorization})
    f.erase(name);
}

std::string key_of(const listener_spec& s) {
  return s.namespace_name + "/" + s.service + ":" + s.port_name + "@" + s.host + ":" + std::to_string(s.port);
}

}  // namespace

// One listening port with its endpoints, sessions and pooled backend connections. Everything
// but `eps` is touched only on the I/O thread.
struct listener_state : std::enable_shared_from_this<listener_state> {
  listener_state(proxy_manager::impl& m, listener_spec s, tcp::acceptor a)
      : mgr(m), spec(std::move(s)), acceptor(std::move(a)) {}
  proxy_manager::impl& mgr;
  listener_spec spec;
  tcp::acceptor acceptor;
  std::shared_ptr<endpoint_set> eps = std::make_shared<endpoint_set>();
  std::set<beast::tcp_stream*> clients;
  std::map<std::uint16_t, std::deque<beast::tcp_stream>> idle;
  bool closed = false;
  std::map<unsigned, core::counter_metric*> by_code;
  core::histogram_metric* latency = nullptr;

  void close() {
    if (closed) return;
    closed = true;
    beast::error_code ec;
    acceptor.close(ec);
    for (auto* c : clients) c->socket().close(ec);
    idle.clear();
  }
  void count(unsigned code, double seconds);
  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket sock);
};

struct proxy_manager::impl {
  proxy_options opts;
  core::metrics_registry* metrics;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::thread thread;

  mutable std::mutex mutex;  // guards listeners, failed, stopped
  std::map<std::string, std::shared_ptr<listener_state>> listeners;  // Service listeners by key
  std::map<std::string, std::string> failed;                         // key -> bind error
  bool stopped = false;

  core::counter_metric* retries = nullptr;

  result<std::shared_ptr<listener_state>> open(const listener_spec& spec) {
    tcp::acceptor a(ioc);
    beast::error_code ec;
    auto addr = asio::ip::make_address(spec.host, ec);
    if (ec) return error{make_error_code(errc::bad_request), "invalid address " + spec.host};
    tcp::endpoint ep(addr, spec.port);
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return error{make_error_code(errc::conflict),
                   "listen tcp " + spec.host + ":" + std::to_string(spec.port) + ": bind: " + ec.message()};
    auto l = std::make_shared<listener_state>(*this, spec, std::move(a));
    l->eps->update(spec.endpoints);
    asio::co_spawn(ioc, l->accept_loop(), asio::detached);
    return l;
  }
  void close(std::shared_ptr<listener_state> l) {
    asio::post(ioc, [l] { l->close(); });
  }
};

void listener_state::count(unsigned code, double seconds) {
  if (!mgr.metrics) return;
  auto& c = by_code[code];
  if (!c)
    c = &mgr.metrics->counter("hayloft_service_requests_total", "Requests through the Service proxy by service and status.",
                              {{"namespace", spec.namespace_name}, {"service", spec.service}, {"code", std::to_string(code)}});
  c->inc();
  if (!latency)
    latency = &mgr.metrics->histogram("hayloft_service_request_seconds",
                                      "Latency through the Service proxy (to the end of the response).",
                                      {{"namespace", spec.namespace_name}, {"service", spec.service}});
  latency->observe(seconds);
}

awaitable<void> listener_state::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, sock] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
      if (closed || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
      continue;  // EMFILE and friends: keep accepting
    }
    sock.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor.get_executor(), self->session(std::move(sock)), asio::detached);
  }
}

namespace {

// Writes a short text response of the proxy's own (502/503/504).
awaitable<void> send_error(beast::tcp_stream& client, unsigned status, unsigned version, bool keep_alive,
                           const std::string& text) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), version};
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.set(bhttp::field::server, "hayloft-service-proxy");
  res.body() = text + "\n";
  res.keep_alive(keep_alive);
  res.prepare_payload();
  co_await bhttp::async_write(client, res, use_tuple);
}

}  // namespace

awaitable<void> listener_state::session(tcp::socket sock) {
  auto self = shared_from_this();
  const auto& o = mgr.opts;
  beast::tcp_stream client(std::move(sock));
  clients.insert(&client);
  struct unregister {
    listener_state* l;
    beast::tcp_stream* c;
    ~unregister() { l->clients.erase(c); }
  } guard{this, &client};
  beast::error_code ec0;
  std::string peer = client.socket().remote_endpoint(ec0).address().to_string();
  beast::flat_buffer cbuf;
  // One relay buffer per client connection (uninitialised: filled before it is read).
  std::unique_ptr<char[]> relay(new char[chunk_size]);
  const std::string who = spec.namespace_name + "/" + spec.service;

  while (!closed) {
    bhttp::request_parser<bhttp::buffer_body> rp;
    rp.header_limit(64 * 1024);
    rp.body_limit(boost::none);
    client.expires_after(o.idle_timeout);
    auto [rec, rn] = co_await bhttp::async_read_header(client, cbuf, rp, use_tuple);
    if (rec) {
      if (rec != bhttp::error::end_of_stream && rec != asio::error::eof && rec != beast::error::timeout &&
          rec != asio::error::operation_aborted && rec != asio::error::connection_reset)
        {
          // A named local: GCC 12 mishandles temporaries inside co_await expressions.
          const std::string error_text0 = "bad request: " + rec.message();
          co_await send_error(client, 400, 11, false, error_text0);
        }
      co_return;
    }
    auto started = std::chrono::steady_clock::now();
    auto& req = rp.get();
    const unsigned version = req.version();
    const bool client_keep_alive = req.keep_alive();
    const bool head = req.method() == bhttp::verb::head;
    const bool chunked = req.chunked();
    const auto length = rp.content_length();
    const bool has_body = chunked || (length && *length > 0);
    if (req[bhttp::field::expect] == "100-continue") {
      // Answered here: the body is read (or streamed) only once a backend is chosen below.
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
      co_await bhttp::async_write(client, cont, use_tuple);
      req.erase(bhttp::field::expect);
    }
    // Small bodies are read now so the request can be replayed on another pod.
    std::string buffered;
    bool is_buffered = false;
    if (has_body && !chunked && *length <= o.replay_limit) {
      buffered.resize(static_cast<std::size_t>(*length));
      std::size_t got = 0;
      while (!rp.is_done()) {
        req.body().data = buffered.data() + got;
        req.body().size = buffered.size() - got;
        client.expires_after(o.idle_timeout);
        auto [bec, bn] = co_await bhttp::async_read(client, cbuf, rp, use_tuple);
        if (bec == bhttp::error::need_buffer) bec = {};
        if (bec) co_return;
        got = buffered.size() - req.body().size;
      }
      is_buffered = true;
    }
    const bool replayable = idempotent(req.method()) && (!has_body || is_buffered);
    strip_hop_by_hop(req);
    std::string xff(req["X-Forwarded-For"]);
    req.set("X-Forwarded-For", xff.empty() ? peer : xff + ", " + peer);
    if (req.find("X-Forwarded-Proto") == req.end()) req.set("X-Forwarded-Proto", "http");
    req.version(11);
    req.keep_alive(true);

    unsigned code = 0;
    bool body_consumed = false;  // a streamed body has been (partly) read from the client
    bool client_ok = true;       // the client connection can carry another request
    std::set<std::uint16_t> tried;
    for (int attempt = 0; attempt < o.max_attempts && code == 0; ++attempt) {
      auto lease = eps->pick(tried);
      if (!lease) {
        if (tried.empty()) {
          code = 503;
          {
            // A named local: GCC 12 mishandles temporaries inside co_await expressions.
            const std::string error_text1 = "no endpoints available for service \"" + who + "\"";
            co_await send_error(client, 503, version, client_keep_alive && (!has_body || is_buffered), error_text1);
          }
        } else {
          code = 502;
          {
            // A named local: GCC 12 mishandles temporaries inside co_await expressions.
            const std::string error_text2 = "bad gateway: every endpoint of service \"" + who + "\" failed";
            co_await send_error(client, 502, version, client_keep_alive && (!has_body || is_buffered), error_text2);
          }
        }
        client_ok = !has_body || is_buffered;
        break;
      }
      const std::uint16_t port = lease->ep().port;
      tried.insert(port);
      if (attempt > 0 && mgr.metrics)
        mgr.metrics
            ->counter("hayloft_service_retries_total", "Requests retried on another endpoint by the Service proxy.",
                      {{"namespace", spec.namespace_name}, {"service", spec.service}})
            .inc();
      // A pooled connection for replayable requests (a stale one is retried below); a fresh one
      // for requests that cannot be replayed.
      std::optional<beast::tcp_stream> backend;
      bool reused = false;
      auto& pool = idle[port];
      if (replayable && !pool.empty()) {
        backend.emplace(std::move(pool.back()));
        pool.pop_back();
        reused = true;
      } else {
        backend.emplace(acceptor.get_executor());
        backend->expires_after(o.connect_timeout);
        auto [cec] = co_await backend->async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), use_tuple);
        if (cec) {
          spdlog::debug("service {}: connect 127.0.0.1:{} ({}): {}", who, port, lease->ep().pod, cec.message());
          if (attempt + 1 < o.max_attempts) continue;  // nothing was sent: always safe to try another pod
          code = cec == beast::error::timeout ? 504 : 502;
          {
            // A named local: GCC 12 mishandles temporaries inside co_await expressions.
            const std::string error_text3 = code == 504 ? "gateway timeout: connecting to " + lease->ep().pod + " timed out" : "bad gateway: " + lease->ep().pod + ": " + cec.message();
            co_await send_error(client, code, version, false, error_text3);
          }
          client_ok = false;
          break;
        }
        backend->socket().set_option(tcp::no_delay(true), cec);
      }
      // Request: header and body.
      beast::error_code wec;
      backend->expires_after(o.idle_timeout);
      if (!has_body || is_buffered) {
        bhttp::request<bhttp::string_body> out{req.base()};
        out.body() = buffered;
        if (has_body) out.content_length(buffered.size());
        auto [e, n] = co_await bhttp::async_write(*backend, out, use_tuple);
        wec = e;
      } else {
        req.body().data = nullptr;
        req.body().more = true;
        bhttp::request_serializer<bhttp::buffer_body> sr{req};
        auto [e, n] = co_await bhttp::async_write_header(*backend, sr, use_tuple);
        wec = e;
        body_consumed = true;
        while (!wec && !sr.is_done()) {
          if (!rp.is_done()) {
            req.body().data = relay.get();
            req.body().size = chunk_size;
            client.expires_after(o.idle_timeout);
            auto [rec2, n2] = co_await bhttp::async_read(client, cbuf, rp, use_tuple);
            if (rec2 == bhttp::error::need_buffer) rec2 = {};
            if (rec2) co_return;  // the client went away mid-upload
            req.body().size = chunk_size - req.body().size;
            req.body().data = relay.get();
            req.body().more = !rp.is_done();
          } else {
            req.body().data = nullptr;
            req.body().size = 0;
            req.body().more = false;
          }
          backend->expires_after(o.idle_timeout);
          auto [e2, n3] = co_await bhttp::async_write(*backend, sr, use_tuple);
          if (e2 == bhttp::error::need_buffer) e2 = {};
          wec = e2;
        }
      }
      // Response header.
      beast::flat_buffer bbuf;
      std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
      auto fresh = [&] {
        parser.emplace();
        parser->body_limit(boost::none);
        parser->skip(head);
      };
      fresh();
      if (!wec) {
        backend->expires_after(o.response_timeout);
        for (;;) {
          auto [hec, hn] = co_await bhttp::async_read_header(*backend, bbuf, *parser, use_tuple);
          wec = hec;
          if (wec || parser->get().result_int() >= 200) break;
          fresh();  // an interim 1xx (100 Continue, 103 Early Hints): the final header follows
        }
      }
      auto& pp = *parser;
      if (wec) {
        bool timeout = wec == beast::error::timeout;
        spdlog::debug("service {}: {} ({}): {}", who, port, lease->ep().pod, wec.message());
        if (!timeout && replayable) {
          if (reused) tried.erase(port);  // a pooled connection the pod had closed: not the pod's fault
          continue;
        }
        code = timeout ? 504 : 502;
        {
          // A named local: GCC 12 mishandles temporaries inside co_await expressions.
          const std::string error_text4 = timeout ? "gateway timeout: " + lease->ep().pod + " did not answer in time" : "bad gateway: " + lease->ep().pod + ": " + wec.message();
          co_await send_error(client, code, version, false, error_text4);
        }
        client_ok = false;
        break;
      }
      // Response: header and body, streamed.
      auto& res = pp.get();
      code = res.result_int();
      const bool backend_keep_alive = res.keep_alive() && !pp.need_eof();
      const bool close_client = !client_keep_alive || pp.need_eof() || (has_body && !rp.is_done());
      strip_hop_by_hop(res);
      res.keep_alive(!close_client);
      res.body().data = nullptr;
      res.body().more = !pp.is_done();
      bhttp::response_serializer<bhttp::buffer_body> rs{res};
      client.expires_after(o.idle_timeout);
      auto [cwe, cwn] = co_await bhttp::async_write_header(client, rs, use_tuple);
      bool ok = !cwe;
      while (ok && !rs.is_done()) {
        if (!pp.is_done()) {
          res.body().data = relay.get();
          res.body().size = chunk_size;
          backend->expires_after(o.idle_timeout);
          auto [rec3, n4] = co_await bhttp::async_read(*backend, bbuf, pp, use_tuple);
          if (rec3 == bhttp::error::need_buffer) rec3 = {};
          if (rec3) {  // the pod died mid-response: the client sees a truncated response and a close
            spdlog::debug("service {}: response from {} cut: {}", who, lease->ep().pod, rec3.message());
            ok = false;
            break;
          }
          res.body().size = chunk_size - res.body().size;
          res.body().data = relay.get();
          res.body().more = !pp.is_done();
        } else {
          res.body().data = nullptr;
          res.body().size = 0;
          res.body().more = false;
        }
        client.expires_after(o.idle_timeout);
        auto [e4, n5] = co_await bhttp::async_write(client, rs, use_tuple);
        if (e4 == bhttp::error::need_buffer) e4 = {};
        if (e4) ok = false;
      }
      if (ok && backend_keep_alive && pp.is_done() && pool.size() < o.idle_per_backend && !closed) {
        backend->expires_never();
        pool.push_back(std::move(*backend));
      }
      client_ok = ok && !close_client;
    }
    (void)body_consumed;
    if (code == 0) {  // every attempt failed before a response (stale pooled connections, resets)
      code = 502;
      {
        // A named local: GCC 12 mishandles temporaries inside co_await expressions.
        const std::string error_text5 = "bad gateway: every endpoint of service \"" + who + "\" failed";
        co_await send_error(client, 502, version, false, error_text5);
      }
      client_ok = false;
    }
    count(code ? code : 502, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!client_ok) {
      beast::error_code ec;
      client.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

// ---- the manager ----

proxy_manager::proxy_manager(proxy_options opts, core::metrics_registry* metrics) : impl_(std::make_shared<impl>()) {
  impl_->opts = opts;
  impl_->metrics = metrics;
  impl_->thread = std::thread([i = impl_.get()] {
    for (;;) {
      try {
        i->ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("service proxy: {}", e.what());
      }
    }
  });
}

proxy_manager::~proxy_manager() { stop(); }

std::vector<bind_failure> proxy_manager::sync(const std::vector<listener_spec>& specs) {
  std::vector<bind_failure> out;
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) return out;
  std::set<std::string> wanted;
  for (const auto& s : specs) {
    std::string key = key_of(s);
    wanted.insert(key);
    auto it = impl_->listeners.find(key);
    if (it != impl_->listeners.end()) {
      it->second->eps->update(s.endpoints);
      continue;
    }
    auto l = impl_->open(s);
    if (!l) {
      auto [f, inserted] = impl_->failed.emplace(key, l.err().message);
      if (inserted) {
        spdlog::warn("service {}/{} port {}: {}", s.namespace_name, s.service, s.port_name, l.err().message);
        out.push_back({s, l.err().message});
      }
      continue;
    }
    impl_->failed.erase(key);
    impl_->listeners[key] = *l;
    spdlog::info("service {}/{} port {}: listening on {}:{}", s.namespace_name, s.service, s.port_name, s.host, s.port);
  }
  for (auto it = impl_->listeners.begin(); it != impl_->listeners.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    impl_->close(it->second);
    it = impl_->listeners.erase(it);
  }
  for (auto it = impl_->failed.begin(); it != impl_->failed.end();)
    it = wanted.count(it->first) ? std::next(it) : impl_->failed.erase(it);
  return out;
}

namespace {

class forward_impl final : public proxy_manager::forward {
 public:
  forward_impl(std::shared_ptr<proxy_manager::impl> m, std::shared_ptr<listener_state> l) : mgr_(std::move(m)), l_(std::move(l)) {}
  ~forward_impl() override { mgr_->close(l_); }
  std::uint16_t port() const override { return port_; }
  void update(std::vector<endpoint> eps) override { l_->eps->update(std::move(eps)); }
  std::uint16_t port_ = 0;

 private:
  std::shared_ptr<proxy_manager::impl> mgr_;  // declared first: the listener goes before its io_context
  std::shared_ptr<listener_state> l_;
};

}  // namespace

result<std::unique_ptr<proxy_manager::forward>> proxy_manager::open_forward(const listener_spec& spec) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) return error{make_error_code(errc::unavailable), "hayloft is stopping"};
  auto l = impl_->open(spec);
  if (!l) return l.err();
  beast::error_code ec;
  auto port = (*l)->acceptor.local_endpoint(ec).port();
  auto f = std::make_unique<forward_impl>(impl_, *l);
  f->port_ = port;
  return std::unique_ptr<forward>(std::move(f));
}

void proxy_manager::close_all() {
  std::lock_guard lock(impl_->mutex);
  for (auto& [_, l] : impl_->listeners) impl_->close(l);
  impl_->listeners.clear();
  impl_->failed.clear();
}

void proxy_manager::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    for (auto& [_, l] : impl_->listeners) impl_->close(l);
    impl_->listeners.clear();
  }
  impl_->work.reset();
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::map<std::string, std::uint16_t> proxy_manager::listening() const {
  std::lock_guard lock(impl_->mutex);
  std::map<std::string, std::uint16_t> out;
  for (const auto& [_, l] : impl_->listeners) {
    beast::error_code ec;
    out[l->spec.namespace_name + "/" + l->spec.service + ":" + l->spec.port_name] = l->acceptor.local_endpoint(ec).port();
  }
  return out;
}

}  // namespace hayloft::orchestrator::services
