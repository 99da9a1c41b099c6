#pragma once
// Test helpers for the HTTP client: a self-signed certificate made with OpenSSL, and a small
// Beast server (plain or TLS) on 127.0.0.1 with a free port, run by one thread of its own.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace hayloft::http::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct test_cert {
  std::string cert_pem;
  std::string key_pem;
};

// A self-signed P-256 certificate valid for an hour either side of now, with the given subject
// alternative names ("DNS:localhost,IP:127.0.0.1").
inline test_cert make_self_signed(const std::string& subject_alt_names) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) throw std::runtime_error("EC key generation failed");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 4566);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("hayloft test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, subject_alt_names},
                            std::pair{NID_basic_constraints, std::string("critical,CA:TRUE")}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("bad extension " + value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  auto to_string = [](BIO* b) {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
  };
  BIO* cb = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cb, x);
  BIO* kb = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(kb, key, nullptr, nullptr, 0, nullptr, nullptr);
  test_cert out{to_string(cb), to_string(kb)};
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// Serves requests with `handler` until destroyed. `tls` (optional) makes it an HTTPS server.
class test_server {
 public:
  using request = bhttp::request<bhttp::string_body>;
  using response = bhttp::response<bhttp::string_body>;
  using handler = std::function<response(const request&)>;
  enum class mode {
    normal,             // answer every request, keep the connection open
    silent,             // read the request, never answer
    close_after_reply,  // answer (without "Connection: close"), then drop the connection
  };

  explicit test_server(handler h, const test_cert* tls = nullptr) : handler_(std::move(h)) {
    if (tls) {
      ssl_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      ssl_->use_certificate_chain(asio::buffer(tls->cert_pem));
      ssl_->use_private_key(asio::buffer(tls->key_pem), asio::ssl::context::pem);
    }
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~test_server() {
    ioc_.stop();
    thread_.join();
  }

  unsigned short port() const { return port_; }
  std::string url() const {
    return std::string(ssl_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }
  int connections() const { return connections_; }
  int requests() const { return requests_; }
  void set_mode(mode m) { mode_ = m; }
  std::string last_sni() {
    std::lock_guard lock(mutex_);
    return sni_;
  }
  // Fulfilled when the next request has been read (for abort tests).
  std::future<void> next_request() {
    std::lock_guard lock(mutex_);
    got_request_ = std::promise<void>();
    armed_ = true;
    return got_request_.get_future();
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++connections_;
      if (ssl_) {
        auto s = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(
            beast::tcp_stream(std::move(sock)), *ssl_);
        asio::co_spawn(ioc_, tls_session(s), asio::detached);
      } else {
        auto s = std::make_shared<beast::tcp_stream>(std::move(sock));
        asio::co_spawn(ioc_, session(s), asio::detached);
      }
    }
  }

  asio::awaitable<void> tls_session(std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> s) {
    auto [ec] = co_await s->async_handshake(asio::ssl::stream_base::server,
                                            asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    if (const char* name = SSL_get_servername(s->native_handle(), TLSEXT_NAMETYPE_host_name)) {
      std::lock_guard lock(mutex_);
      sni_ = name;
    }
    co_await session(s);
  }

  template <class Stream>
  asio::awaitable<void> session(std::shared_ptr<Stream> s) {
    beast::flat_buffer buf;
    for (;;) {
      request req;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(1ull << 30);
      auto [ec, n] =
          co_await bhttp::async_read(*s, buf, parser, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      req = parser.release();
      ++requests_;
      {
        std::lock_guard lock(mutex_);
        if (armed_) {
          armed_ = false;
          got_request_.set_value();
        }
      }
      if (mode_ == mode::silent) {
        asio::steady_timer forever(ioc_, std::chrono::hours(1));
        co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
        co_return;
      }
      response res = handler_(req);
      res.version(11);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(*s, res, asio::as_tuple(asio::use_awaitable));
      if (wec || mode_ == mode::close_after_reply || !req.keep_alive()) {
        beast::get_lowest_layer(*s).close();
        co_return;
      }
    }
  }

  handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::unique_ptr<asio::ssl::context> ssl_;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0}, requests_{0};
  std::atomic<mode> mode_{mode::normal};
  std::mutex mutex_;  // guards sni_, got_request_, armed_
  std::string sni_;
  std::promise<void> got_request_;
  bool armed_ = false;
  std::thread thread_;
};

}  // namespace hayloft::http::testing
