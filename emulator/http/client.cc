#include "emulator/http/client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "emulator/core/http_message.h"

namespace hayloft::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

class client_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "hayloft.http.client"; }
  std::string message(int c) const override {
    switch (static_cast<client_errc>(c)) {
      case client_errc::bad_endpoint:
        return "bad endpoint";
      case client_errc::resolve_failed:
        return "cannot resolve host";
      case client_errc::connect_failed:
        return "cannot connect";
      case client_errc::tls_failed:
        return "TLS failed";
      case client_errc::io_failed:
        return "connection failed";
      case client_errc::timeout:
        return "timed out";
      case client_errc::response_too_large:
        return "response too large";
      case client_errc::body_unreadable:
        return "request body unreadable";
      case client_errc::aborted:
        return "aborted";
    }
    return "unknown client error";
  }
};

bool is_ip_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

hayloft::error fail(client_errc c, std::string message) {
  return {make_error_code(c), std::move(message)};
}

// Runs one asynchronous operation on the connection's private io_context until it completes.
// (Beast's stream timeouts apply to asynchronous operations only.)
template <class Start>
error_code run_op(asio::io_context& ioc, Start&& start) {
  error_code out = asio::error::would_block;
  start([&out](error_code ec, auto&&...) { out = ec; });
  ioc.restart();
  ioc.run();
  return out;
}

// Supplies a request body in chunks: the string, or a range of a file.
class body_reader {
 public:
  explicit body_reader(const client_request& r) : req_(r) {
    if (!r.body_file.empty()) {
      file_.open(r.body_file, std::ios::binary);
      if (file_) file_.seekg(static_cast<std::streamoff>(r.body_offset));
      left_ = r.body_length;
    } else {
      left_ = r.body.size();
    }
  }
  bool ok() const { return req_.body_file.empty() || static_cast<bool>(file_); }
  std::uint64_t length() const {
    return req_.body_file.empty() ? req_.body.size() : req_.body_length;
  }
  // Next chunk; empty at the end. Sets `failed` when the file ends early or cannot be read.
  std::string_view next(bool& failed) {
    if (left_ == 0) return {};
    if (req_.body_file.empty()) {
      left_ = 0;
      return req_.body;
    }
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, buf_.size()));
    file_.read(buf_.data(), static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(file_.gcount()) != n) {
      failed = true;
      return {};
    }
    left_ -= n;
    return {buf_.data(), n};
  }

 private:
  const client_request& req_;
  std::ifstream file_;
  std::uint64_t left_ = 0;
  std::array<char, 64 * 1024> buf_{};
};

}  // namespace

const std::error_category& client_category() {
  static const client_category_impl c;
  return c;
}

std::string client_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (core::iequals(k, name)) return v;
  return {};
}

void abort_signal::abort() {
  aborted_ = true;
  std::lock_guard lock(hook_mutex_);
  if (on_abort_) on_abort_();
}

bool abort_signal::arm(std::function<void()> on_abort) {
  std::lock_guard lock(hook_mutex_);
  if (aborted_) return false;
  on_abort_ = std::move(on_abort);
  return true;
}

void abort_signal::disarm() {
  std::lock_guard lock(hook_mutex_);
  on_abort_ = nullptr;
}

std::string endpoint_parts::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? "443" : "80")) h += ":" + port;
  return h;
}

result<endpoint_parts> parse_endpoint(std::string_view e) {
  endpoint_parts out;
  auto lower = core::to_lower(e.substr(0, 8));
  if (lower.starts_with("https://")) {
    out.tls = true;
    e.remove_prefix(8);
  } else if (lower.starts_with("http://")) {
    e.remove_prefix(7);
  } else if (e.find("://") != std::string_view::npos) {
    return fail(client_errc::bad_endpoint, "unsupported scheme in endpoint " + std::string(e));
  }
  auto slash = e.find('/');
  std::string_view hostport = e.substr(0, slash);
  if (slash != std::string_view::npos) out.prefix = std::string(e.substr(slash));
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  std::string_view port;
  if (hostport.starts_with('[')) {
    auto close = hostport.find(']');
    if (close == std::string_view::npos)
      return fail(client_errc::bad_endpoint, "unterminated IPv6 address in endpoint");
    out.host = std::string(hostport.substr(1, close - 1));
    auto rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(client_errc::bad_endpoint, "bad port in endpoint");
      port = rest.substr(1);
    }
  } else {
    auto colon = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) port = hostport.substr(colon + 1);
  }
  if (out.host.empty()) return fail(client_errc::bad_endpoint, "no host in endpoint");
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    for (char c : port)
      if (c < '0' || c > '9') return fail(client_errc::bad_endpoint, "bad port in endpoint");
    out.port = std::string(port);
  }
  return out;
}

struct client::tls_context {
  ssl::context ctx{ssl::context::tls_client};
  explicit tls_context(const client_options& o) {
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_default_verify_paths();
    if (!o.ca_file.empty()) {
      error_code ec;
      ctx.load_verify_file(o.ca_file, ec);
      if (ec) throw std::runtime_error("cannot load CA file " + o.ca_file + ": " + ec.message());
    }
  }
};

struct client::connection {
  asio::io_context ioc;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  std::chrono::steady_clock::time_point idle_since{};
  bool reused = false;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  auto with_stream(F&& f) {
    return tls ? f(*tls) : f(*plain);
  }
};

client::client(std::string endpoint, std::chrono::seconds timeout)
    : client(std::move(endpoint), client_options{.timeout = timeout}) {}

client::client(std::string endpoint, client_options options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {
  auto p = parse_endpoint(endpoint_);
  if (!p.ok()) {
    endpoint_error_ = p.err();
    return;
  }
  parts_ = std::move(p).value();
  endpoint_ok_ = true;
  connect_host_ = parts_.host == "localhost" ? "127.0.0.1" : parts_.host;
  if (parts_.tls) tls_ = std::make_unique<tls_context>(options_);
}

client::~client() = default;

result<std::unique_ptr<client::connection>> client::open(abort_signal* abort) {
  auto c = std::make_unique<connection>();
  tcp::resolver resolver(c->ioc);
  error_code ec;
  auto eps = resolver.resolve(connect_host_, parts_.port, ec);
  if (ec)
    return fail(client_errc::resolve_failed, "cannot resolve " + parts_.host + ": " + ec.message());
  if (tls_) {
    c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c->ioc, tls_->ctx);
    SSL* ssl = c->tls->native_handle();
    const bool ip = is_ip_address(parts_.host);
    if (!ip) SSL_set_tlsext_host_name(ssl, parts_.host.c_str());
    if (options_.verify_peer) {
      c->tls->set_verify_mode(ssl::verify_peer);
      if (ip)
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), parts_.host.c_str());
      else
        SSL_set1_host(ssl, parts_.host.c_str());
    } else {
      c->tls->set_verify_mode(ssl::verify_none);
    }
  } else {
    c->plain = std::make_unique<beast::tcp_stream>(c->ioc);
  }
  auto& sock = c->lowest();
  // Every failure below disarms first: the hook points into the connection about to be freed.
  auto failed = [abort](client_errc code, std::string message) {
    if (abort) abort->disarm();
    return fail(code, std::move(message));
  };
  if (abort &&
      !abort->arm([conn = c.get()] { asio::post(conn->ioc, [conn] { conn->lowest().close(); }); }))
    return fail(client_errc::aborted, "aborted");
  sock.expires_after(options_.timeout);
  ec = run_op(c->ioc, [&](auto h) { sock.async_connect(eps, h); });
  if (abort && abort->aborted()) return failed(client_errc::aborted, "aborted");
  if (ec == beast::error::timeout)
    return failed(client_errc::timeout, "connecting to " + endpoint_ + " timed out");
  if (ec)
    return failed(client_errc::connect_failed,
                  "cannot connect to " + endpoint_ + ": " + ec.message());
  if (c->tls) {
    sock.expires_after(options_.timeout);
    ec = run_op(c->ioc, [&](auto h) { c->tls->async_handshake(ssl::stream_base::client, h); });
    if (abort && abort->aborted()) return failed(client_errc::aborted, "aborted");
    if (ec == beast::error::timeout)
      return failed(client_errc::timeout, "TLS handshake with " + endpoint_ + " timed out");
    if (ec) {
      std::string why = ec.message();
      long verify = SSL_get_verify_result(c->tls->native_handle());
      if (verify != X509_V_OK)
        why += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
      return failed(client_errc::tls_failed, "TLS handshake with " + endpoint_ + " failed: " + why);
    }
  }
  return c;
}

std::unique_ptr<client::connection> client::take_idle() {
  std::lock_guard lock(idle_mutex_);
  auto now = std::chrono::steady_clock::now();
  while (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (now - c->idle_since < options_.idle_lifetime) {
      c->reused = true;
      return c;
    }
  }
  return nullptr;
}

void client::give_back(std::unique_ptr<connection> c) {
  c->idle_since = std::chrono::steady_clock::now();
  std::lock_guard lock(idle_mutex_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(c));
}

namespace {

struct exchange_outcome {
  result<client_response> response = client_response{};
  bool got_response_bytes = false;  // some of the response arrived (no retry then)
  bool keep_alive = false;
};

template <class Stream>
exchange_outcome exchange(Stream& s, beast::tcp_stream& sock, asio::io_context& ioc,
                          const client_request& req, const endpoint_parts& ep,
                          std::chrono::seconds timeout, abort_signal* abort) {
  exchange_outcome out;
  auto io_error = [&](error_code ec, const std::string& what) -> hayloft::error {
    if (abort && abort->aborted()) return fail(client_errc::aborted, "aborted");
    if (ec == beast::error::timeout) return fail(client_errc::timeout, what + " timed out");
    if (ec == bhttp::error::body_limit)
      return fail(
          client_errc::response_too_large,
          "the response is larger than " + std::to_string(req.max_response_bytes) + " bytes");
    return fail(client_errc::io_failed, what + " failed: " + ec.message());
  };
  body_reader body(req);
  if (!body.ok()) {
    out.response = fail(client_errc::body_unreadable, "cannot open " + req.body_file.string());
    return out;
  }
  bhttp::request<bhttp::buffer_body> r;
  r.method_string(req.method);
  r.target(ep.prefix + req.target);
  r.version(11);
  bool has_host = false, has_agent = false;
  for (const auto& [k, v] : req.headers) {
    has_host |= core::iequals(k, "host");
    has_agent |= core::iequals(k, "user-agent");
    if (!core::iequals(k, "content-length")) r.insert(k, v);
  }
  if (!has_host) r.set(bhttp::field::host, ep.host_header());
  if (!has_agent) r.set(bhttp::field::user_agent, "hayloft/" HAYLOFT_VERSION);
  const bool send_length =
      body.length() > 0 || (req.method != "GET" && req.method != "HEAD" && req.method != "DELETE");
  if (send_length) r.content_length(body.length());
  r.body().data = nullptr;
  r.body().more = body.length() > 0;
  bhttp::request_serializer<bhttp::buffer_body> sr{r};
  sock.expires_after(timeout);
  error_code ec = run_op(ioc, [&](auto h) { bhttp::async_write_header(s, sr, h); });
  if (ec) {
    out.response = io_error(ec, "sending the request");
    return out;
  }
  while (!sr.is_done()) {
    bool failed = false;
    auto chunk = body.next(failed);
    if (failed) {
      out.response = fail(client_errc::body_unreadable, "cannot read " + req.body_file.string());
      return out;
    }
    r.body().data = chunk.empty() ? nullptr : const_cast<char*>(chunk.data());
    r.body().size = chunk.size();
    r.body().more = !chunk.empty();
    sock.expires_after(timeout);
    ec = run_op(ioc, [&](auto h) { bhttp::async_write(s, sr, h); });
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      out.response = io_error(ec, "sending the request body");
      return out;
    }
    if (!chunk.empty() && req.on_body_progress) req.on_body_progress(chunk.size());
  }
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(req.max_response_bytes);
  if (req.method == "HEAD") parser.skip(true);
  sock.expires_after(timeout);
  ec = run_op(ioc, [&](auto h) { bhttp::async_read(s, buf, parser, h); });
  out.got_response_bytes = parser.got_some();
  if (ec) {
    out.response = io_error(ec, "reading the response");
    return out;
  }
  client_response res;
  auto& msg = parser.get();
  res.status = msg.result_int();
  for (const auto& f : msg)
    res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  res.body = std::move(msg.body());
  out.keep_alive = msg.keep_alive() && parser.is_done();
  out.response = std::move(res);
  return out;
}

}  // namespace

result<client_response> client::send(const client_request& req, abort_signal* abort) {
  if (!endpoint_ok_) return endpoint_error_;
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<connection> c = attempt == 0 ? take_idle() : nullptr;
    if (c) {
      if (abort && !abort->arm([conn = c.get()] {
            asio::post(conn->ioc, [conn] { conn->lowest().close(); });
          }))
        return fail(client_errc::aborted, "aborted");
    } else {
      auto opened = open(abort);
      if (!opened.ok()) return opened.err();
      c = std::move(opened).value();
    }
    auto out = c->with_stream([&](auto& s) {
      return exchange(s, c->lowest(), c->ioc, req, parts_, options_.timeout, abort);
    });
    if (abort) abort->disarm();
    if (out.response.ok()) {
      if (out.keep_alive && !(abort && abort->aborted())) give_back(std::move(c));
      return std::move(out.response);
    }
    const auto code = out.response.code();
    const bool stale = c->reused && !out.got_response_bytes && (code == client_errc::io_failed) &&
                       !(abort && abort->aborted());
    if (!stale) return std::move(out.response);
  }
}

result<client_response> client::request(const std::string& method, const std::string& target,
                                        const std::string& body, const header_list& headers) {
  client_request r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.headers = headers;
  return send(r);
}

result<unsigned> client::stream(const std::string& target,
                                const std::function<bool(std::string_view)>& on_data) {
  if (!endpoint_ok_) return endpoint_error_;
  auto opened = open(nullptr);
  if (!opened.ok()) return opened.err();
  auto c = std::move(opened).value();
  return c->with_stream([&](auto& s) -> result<unsigned> {
    auto& sock = c->lowest();
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, parts_.prefix + target, 11};
    req.set(bhttp::field::host, parts_.host_header());
    req.set(bhttp::field::user_agent, "hayloft/" HAYLOFT_VERSION);
    sock.expires_after(options_.timeout);
    error_code ec = run_op(c->ioc, [&](auto h) { bhttp::async_write(s, req, h); });
    if (ec) return fail(client_errc::io_failed, "request failed: " + ec.message());
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    sock.expires_after(options_.timeout);
    ec = run_op(c->ioc, [&](auto h) { bhttp::async_read_header(s, buf, parser, h); });
    if (ec) return fail(client_errc::io_failed, "reading the response failed: " + ec.message());
    sock.expires_never();
    char chunk[16384];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      // read_some: hand each piece over as it arrives (read would wait for 16 KiB or the end).
      ec = run_op(c->ioc, [&](auto h) { bhttp::async_read_some(s, buf, parser, h); });
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) break;
      auto n = sizeof chunk - parser.get().body().size;
      if (n && !on_data(std::string_view(chunk, n))) break;
    }
    return parser.get().result_int();
  });
}

std::string default_endpoint(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("HAYLOFT_ENDPOINT"); env && *env) return env;
  return "http://127.0.0.1:4566";
}

}  // namespace hayloft::http
