// The S3 service from a request value to a response, as the edge hands it requests: a client
// controls the method, target, headers and body. Input: "METHOD TARGET\nName: value\n...\n\nbody"
// (the first byte picks one of a few hosts, so virtual-host addressing is reached too).
// Properties: never a 500 (every malformed input has its 4xx), exactly one completion per
// request, and every XML body is UTF-8 without a raw byte XML 1.0 cannot carry.
// One service over an in-memory store lives for the whole run; a bucket "fuzz" with an object
// "k" is recreated after every reset (every 256 inputs), so state stays small.
#include <unistd.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"
#include "emulator/core/utf8.h"
#include "emulator/store/state_store.h"
#include "s3/service/service.h"

namespace {
using namespace hayloft;

void check(bool ok) {
  if (!ok) std::abort();
}

class thread_runner : public core::task_runner {
 public:
  thread_runner() : worker_([this] { run(); }) {}
  ~thread_runner() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  void post(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(fn));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }
  std::mutex mutex_;  // guards queue_, stop_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

struct world {
  std::filesystem::path dir;
  std::unique_ptr<core::clock> clock = core::make_manual_clock();
  thread_runner runner;
  std::unique_ptr<store::state_store> store;
  std::unique_ptr<s3::service> svc;
  world() {
    dir = std::filesystem::temp_directory_path() / ("hayloft-fuzz-s3-" + std::to_string(::getpid()));
    auto s = store::state_store::open({.dir = dir, .durable = false});
    check(s.ok());
    store = std::move(s).value();
    s3::options o;
    o.blob_grace = std::chrono::seconds(0);
    o.max_put_size = 1 << 20;
    svc = std::make_unique<s3::service>(*store, *clock, runner, o);
  }
  core::response call(core::request req) {
    std::promise<core::response> p;
    auto f = p.get_future();
    auto calls = std::make_shared<int>(0);
    svc->handle(std::move(req), [&p, calls](core::response r) {
      check(++*calls == 1);
      p.set_value(std::move(r));
    });
    return f.get();
  }
  void seed() {
    core::request b;
    b.method = "PUT";
    check(core::parse_target("/fuzz", b));
    b.headers.add("Host", "localhost");
    b.headers.add("Content-Length", "0");
    call(std::move(b));
    core::request o;
    o.method = "PUT";
    check(core::parse_target("/fuzz/k", o));
    o.headers.add("Host", "localhost");
    o.headers.add("Content-Length", "10");
    o.body = "0123456789";
    o.body_size = 10;
    call(std::move(o));
  }
};

world& the_world() {
  // Never destroyed (threads of the store and runner keep running until exit); its directory is
  // removed at exit.
  static world* w = [] {
    auto* x = new world();
    x->seed();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(the_world().dir, ec);
    });
    return x;
  }();
  return *w;
}

void check_xml_body(const core::response& r) {
  if (r.headers.value_or("Content-Type", "") != "application/xml") return;
  check(core::valid_utf8(r.body));
  for (char c : r.body) {
    auto u = static_cast<unsigned char>(c);
    check(u >= 0x20 || u == '\n' || u == '\t');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  auto& w = the_world();
  static unsigned count = 0;
  if (++count % 256 == 0) {
    check(w.svc->reset().ok());
    w.seed();
  }
  static const char* hosts[] = {"localhost:4566", "fuzz.s3.localhost:4566", "fuzz.localhost",
                                "s3.eu-central-1.localhost"};
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  core::request req;
  auto nl = in.find('\n');
  auto line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto sp = line.find(' ');
  req.method = std::string(line.substr(0, sp));
  if (sp == std::string_view::npos || !core::parse_target(line.substr(sp + 1), req)) return 0;
  req.headers.add("Host", hosts[data[0] % 4]);
  while (!in.empty()) {
    nl = in.find('\n');
    line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  req.body = std::string(in);
  req.body_size = req.body.size();
  if (!req.headers.has("content-length")) req.headers.add("Content-Length", std::to_string(req.body.size()));
  req.host = "localhost";
  req.remote = "127.0.0.1";
  auto r = w.call(std::move(req));
  check(r.status != 500);
  check_xml_body(r);
  return 0;
}
