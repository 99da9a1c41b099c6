// The HTTP edge from raw bytes to a response: the bytes are one client connection, run through
// the edge's real session (emulator/http/detail/session.h: Beast's request parser with the
// edge's limits, body reading and spilling, 100-continue, pipelining, error answers) and the
// real router (http::classify), over an in-memory Beast test stream instead of a socket. The
// handlers are stubs that echo, stream, or misbehave on request (throw, drop or repeat their
// completion, answer a bad status).
//
// Properties: everything the server writes parses as a sequence of well-formed HTTP/1.1
// responses with nothing left over, one final response per dispatched request in order (plus
// at most one final error answer), and a 5xx only where a stub misbehaved: bad client bytes
// always get a 4xx.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "emulator/core/ids.h"
#include "emulator/http/detail/session.h"
#include "emulator/http/router.h"

namespace hayloft::http::detail {

using test_stream = boost::beast::test::stream;

template <>
struct stream_ops<test_stream> {
  static void deadline(test_stream&, std::chrono::milliseconds) {}
  static void no_deadline(test_stream&) {}
  static std::string remote(test_stream&) { return "fuzz"; }
  static void close(test_stream& s) { s.close(); }
  template <class Fn>
  static void on_peer_close(test_stream&, Fn) {}
  static asio::awaitable<void> linger(test_stream&) { co_return; }
};

}  // namespace hayloft::http::detail

namespace {
using namespace hayloft;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

int misbehaved = 0;  // stub answers that may be 5xx

class two_chunks final : public core::body_stream {
 public:
  void next(deliver_fn deliver) override {
    if (cancelled_ || sent_ == 2) return deliver({}, true);
    ++sent_;
    deliver(sent_ == 1 ? "first" : "second", false);
  }
  void cancel() override { cancelled_ = true; }

 private:
  int sent_ = 0;
  bool cancelled_ = false;
};

class stub final : public core::request_handler {
 public:
  explicit stub(std::string name) : name_(std::move(name)) {}
  void handle(core::request req, core::completion done) override {
    const std::string& p = req.path;
    if (p == "/throw") {
      ++misbehaved;
      throw std::runtime_error("stub throws");
    }
    if (p == "/drop") {
      ++misbehaved;
      return;  // `done` dropped unanswered
    }
    if (p == "/stream") {
      core::response r;
      r.stream = std::make_shared<two_chunks>();
      return done(std::move(r));
    }
    if (p == "/twice") {
      done(core::response{200, {}, "once"});
      return done(core::response{200, {}, "twice"});
    }
    if (p.starts_with("/status/")) {
      unsigned s = 0;
      for (char c : p.substr(8, 4))
        if (c >= '0' && c <= '9') s = s * 10 + static_cast<unsigned>(c - '0');
      if (s >= 500 || s < 200) ++misbehaved;
      return done(core::response{s, {}, "status"});
    }
    core::response r;
    r.headers.add("X-Route", name_);
    r.head_length = req.body_size;
    r.body = "size=" + std::to_string(req.body_size) + (req.body_in_file() ? " file" : " memory");
    done(std::move(r));
  }
  core::response render_error(const core::request&, const core::aws_error& e) const override {
    return core::response{e.status, {}, e.code + ": " + e.message};
  }

 private:
  std::string name_;
};

struct fixture {
  fixture() {
    spill = std::filesystem::temp_directory_path() / ("hayloft-fuzz-http-" + core::random_hex(6));
    std::filesystem::create_directories(spill);
    opts.spill_dir = spill;
    opts.header_limit = 8 * 1024;
    opts.max_header_fields = 50;
    opts.body_limit = 32 * 1024;
    opts.spill_threshold = 4 * 1024;
    opts.body_small = 1024;
    opts.body_memory_budget = 8 * 1024;
    const char* names[] = {"s3", "sqs", "admin", "k8s", "metrics", "prometheus"};
    for (int i = 0; i < static_cast<int>(http::route::count); ++i) {
      stubs.emplace_back(std::make_unique<stub>(names[i]));
      router.set(static_cast<http::route>(i), stubs.back().get());
    }
  }
  std::filesystem::path spill;
  http::server_options opts;
  std::vector<std::unique_ptr<stub>> stubs;
  http::router router;
};

fixture& fix() {
  static fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  auto& f = fix();
  misbehaved = 0;
  std::vector<std::string> methods;  // of each dispatched request, in order
  http::detail::edge e(f.opts, [&](const core::request& r) {
    methods.push_back(r.method);
    return http::dispatch{f.router.find(r), {}};
  });

  asio::io_context ioc;
  using conn = http::detail::connection<http::detail::test_stream>;
  auto c = std::make_shared<conn>(http::detail::test_stream(ioc));
  http::detail::test_stream client(ioc);
  c->stream.connect(client);
  c->stream.append(std::string_view(reinterpret_cast<const char*>(data), size));
  bool ended = false;
  asio::co_spawn(ioc, http::detail::run_session(e, c), [&](std::exception_ptr x) {
    if (x) std::abort();  // nothing may escape a session
    ended = true;
  });
  while (ioc.poll() > 0) {
  }
  client.close();  // the client hangs up once the server has consumed everything
  ioc.restart();
  while (ioc.poll() > 0) {
  }
  if (!ended) std::abort();  // a session that never ends is a hang

  // What the server wrote: a sequence of well-formed responses.
  std::string out(client.str());
  std::size_t pos = 0, finals = 0;
  bool error_after_dispatch = false;
  while (pos < out.size()) {
    bhttp::response_parser<bhttp::string_body> p;
    p.header_limit(1 << 20);
    p.body_limit(1 << 20);
    const bool head = finals < methods.size() && methods[finals] == "HEAD";
    p.skip(head);
    beast::error_code ec;
    std::size_t used = 0;
    while (!p.is_done()) {
      auto n = p.put(asio::buffer(out.data() + pos + used, out.size() - pos - used), ec);
      used += n;
      if (ec == bhttp::error::need_more) {
        if (pos + used >= out.size()) {
          // The last message may end with the close (a body without a length); anything else
          // is a truncated response.
          p.put_eof(ec);
          if (ec) std::abort();
          break;
        }
        ec = {};
        continue;
      }
      if (ec) std::abort();
    }
    pos += used;
    const unsigned status = p.get().result_int();
    if (status < 100 || status > 599) std::abort();
    if (status == 100) continue;  // 100 Continue before the body
    if (status >= 500 && misbehaved == 0) std::abort();
    if (finals >= methods.size()) {
      // One error answer from the edge itself (400, 431) may follow the dispatched ones, last.
      if (error_after_dispatch || status < 400) std::abort();
      error_after_dispatch = true;
    }
    ++finals;
    if (used == 0) std::abort();
  }
  if (finals < methods.size()) std::abort();  // a dispatched request without its answer
  return 0;
}
