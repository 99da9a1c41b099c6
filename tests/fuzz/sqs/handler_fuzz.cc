// The SQS service as the edge drives it: fuzz bytes become a request of either protocol, go
// through sqs::service::handle() on a state store in a temporary directory and a manual clock,
// and must be answered exactly once, never with a 5xx (every failure here is the client's), with
// a well-formed document.
//
// Input: byte 0 bit 0 picks the protocol (0 JSON, 1 query), byte 1 the operation, the rest is
// the body. Query bodies get QueueUrl=<queue q> in front unless they carry their own, so the
// fuzzer reaches the operations rather than only "missing QueueUrl". Long polls are finished by
// moving the clock. Every 500 inputs the service is reset, so state stays small.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/store/state_store.h"
#include "sqs/service/service.h"
#include "tests/fuzz/sqs/common.h"

namespace {

using namespace hayloft;

struct world {
  std::filesystem::path dir;
  std::unique_ptr<core::clock> clock;
  std::unique_ptr<store::state_store> store;
  std::unique_ptr<sqs::service> service;
  std::size_t runs = 0;

  world() {
    dir = std::filesystem::temp_directory_path() / ("hayloft-sqs-fuzz-" + core::random_hex(6));
    clock = core::make_manual_clock();
    auto s = store::state_store::open({.dir = dir, .durable = false});
    if (!s.ok()) std::abort();
    store = std::move(s).value();
    service = std::make_unique<sqs::service>(*store, *clock, sqs::options{});
    seed();
  }
  ~world() {
    service.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  core::response call(core::request req) {
    auto p = std::make_shared<std::promise<core::response>>();
    auto f = p->get_future();
    auto calls = std::make_shared<std::atomic<int>>(0);
    service->handle(std::move(req), [p, calls](core::response r) {
      if (calls->fetch_add(1) != 0) std::abort();  // answered twice
      p->set_value(std::move(r));
    });
    if (f.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
      clock->advance(std::chrono::seconds(25));  // a long poll: its wait ends
      if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) std::abort();  // a hang
    }
    return f.get();
  }

  void seed() {
    (void)call(sqs::fuzz::json_request("CreateQueue", R"({"QueueName":"q"})"));
    (void)call(sqs::fuzz::json_request("CreateQueue", R"({"QueueName":"dlq"})"));
    (void)call(sqs::fuzz::json_request("CreateQueue",
                                       R"({"QueueName":"f.fifo","Attributes":{"FifoQueue":"true"}})"));
    (void)call(sqs::fuzz::json_request(
        "SendMessage", R"({"QueueUrl":"http://localhost:4566/000000000000/q","MessageBody":"m"})"));
  }
};

world* the_world = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  the_world = new world();
  std::atexit([] { delete the_world; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 256 * 1024) return 0;
  auto& w = *the_world;
  const bool json = (data[0] & 1) == 0;
  const auto op = sqs::fuzz::operation(data[1]);
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  core::request req;
  if (json) {
    req = sqs::fuzz::json_request(op, body);
  } else {
    const bool own_url = body.find("QueueUrl=") != std::string_view::npos;
    req = sqs::fuzz::query_request(op, body, own_url ? "" : "QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fq&");
  }
  auto r = w.call(std::move(req));
  if (r.status >= 500) {
    std::fprintf(stderr, "5xx for a client request: %u %s\n", r.status, r.body.c_str());
    std::abort();
  }
  sqs::fuzz::check_rendered(r, json);
  if (++w.runs % 500 == 0) {
    if (!w.service->reset().ok()) std::abort();
    w.seed();
  }
  return 0;
}
