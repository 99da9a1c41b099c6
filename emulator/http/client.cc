#include "emulator/http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>

namespace hayloft::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {
hayloft::error net_error(const boost::system::error_code& ec, const std::string& what) {
  return {std::make_error_code(std::errc::connection_refused), what + ": " + ec.message()};
}
}  // namespace

client::client(std::string endpoint, std::chrono::seconds timeout) : endpoint_(std::move(endpoint)), timeout_(timeout) {
  std::string_view e = endpoint_;
  if (e.starts_with("http://")) e.remove_prefix(7);
  auto slash = e.find('/');
  std::string_view hostport = e.substr(0, slash);
  if (slash != std::string_view::npos) prefix_ = std::string(e.substr(slash));
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  auto colon = hostport.rfind(':');
  if (colon == std::string_view::npos) {
    host_ = std::string(hostport);
    port_ = "80";
  } else {
    host_ = std::string(hostport.substr(0, colon));
    port_ = std::string(hostport.substr(colon + 1));
  }
  if (host_ == "localhost") host_ = "127.0.0.1";
}

result<client_response> client::request(const std::string& method, const std::string& target,
                                        const std::string& body,
                                        const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto eps = resolver.resolve(host_, port_, ec);
  if (ec) return net_error(ec, "cannot resolve " + host_);
  stream.expires_after(timeout_);
  stream.connect(eps, ec);
  if (ec) return net_error(ec, "cannot connect to hayloft at " + endpoint_);
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), prefix_ + target, 11};
  req.set(bhttp::field::host, host_ + ":" + port_);
  req.set(bhttp::field::user_agent, "hayloft-cli/" HAYLOFT_VERSION);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req, ec);
  if (ec) return net_error(ec, "request failed");
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1ull << 32);
  bhttp::read(stream, buf, parser, ec);
  if (ec) return net_error(ec, "reading the response failed");
  client_response out;
  auto& res = parser.get();
  out.status = res.result_int();
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

result<unsigned> client::stream(const std::string& target, const std::function<bool(std::string_view)>& on_data) {
  asio::io_context ioc;
  beast::tcp_stream s(ioc);
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto eps = resolver.resolve(host_, port_, ec);
  if (ec) return net_error(ec, "cannot resolve " + host_);
  s.connect(eps, ec);
  if (ec) return net_error(ec, "cannot connect to hayloft at " + endpoint_);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, prefix_ + target, 11};
  req.set(bhttp::field::host, host_ + ":" + port_);
  bhttp::write(s, req, ec);
  if (ec) return net_error(ec, "request failed");
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);
  bhttp::read_header(s, buf, parser, ec);
  if (ec) return net_error(ec, "reading the response failed");
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    bhttp::read(s, buf, parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) break;
    auto n = sizeof chunk - parser.get().body().size;
    if (n && !on_data(std::string_view(chunk, n))) break;
  }
  return parser.get().result_int();
}

std::string default_endpoint(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("HAYLOFT_ENDPOINT"); env && *env) return env;
  return "http://127.0.0.1:4566";
}

}  // namespace hayloft::http
