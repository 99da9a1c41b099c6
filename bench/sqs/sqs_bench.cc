// Service-level SQS throughput and long-poll latency, with durability on (fsync per commit)
// unless --in-memory. No HTTP: the typed API of sqs::service over a state_store on disk and the
// system clock, so the figures show what the service and the group commit cost.
//
//   send          N SendMessage calls from C concurrent senders (each sends its next message
//                 when the previous one is acknowledged, i.e. durable)
//   send-batch    the same with SendMessageBatch of 10
//   recv-delete   C consumers: ReceiveMessage(1) then DeleteMessage, until N are deleted
//   recv-delete-batch  ReceiveMessage(10) then DeleteMessageBatch
//   long-poll     one waiter at a time: time from SendMessage to the waiter's completion
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/store/state_store.h"
#include "sqs/service/service.h"

namespace {

using namespace hayloft;
using steady = std::chrono::steady_clock;

struct countdown {
  explicit countdown(int n) : left(n) {}
  void done() {
    std::lock_guard lock(m);
    if (--left == 0) cv.notify_all();
  }
  void wait() {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return left <= 0; });
  }
  std::mutex m;
  std::condition_variable cv;
  int left;
};

struct env {
  std::filesystem::path dir;
  std::unique_ptr<core::clock> clock = core::make_system_clock();
  std::unique_ptr<store::state_store> st;
  std::unique_ptr<sqs::service> svc;
  env(const std::filesystem::path& base, bool durable) {
    dir = base / ("sqs-bench-" + core::random_hex(4));
    st = std::move(store::state_store::open({.dir = dir, .durable = durable})).value();
    svc = std::make_unique<sqs::service>(*st, *clock);
  }
  ~env() {
    svc.reset();
    st.reset();
    std::filesystem::remove_all(dir);
  }
  void create(const std::string& name) {
    api_call(sqs::api::op::create_queue, sqs::api::create_queue_request{name, {}, {}});
  }
  sqs::api::result_body api_call(sqs::api::op o, sqs::api::request_body in) {
    std::promise<result<sqs::api::result_body>> p;
    sqs::api::call c;
    c.operation = o;
    c.input = std::move(in);
    svc->execute(std::move(c), [&p](result<sqs::api::result_body> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    if (!r.ok()) throw std::runtime_error(r.err().message);
    return std::move(r).value();
  }
};

void report(const char* name, int ops, int messages, steady::duration d, std::uint64_t commits) {
  double s = std::chrono::duration<double>(d).count();
  std::printf("%-18s %8d msgs  %8.3f s  %10.0f msgs/s  %8.0f calls/s  %7llu commits (%.1f writes/commit)\n", name,
              messages, s, messages / s, ops / s, static_cast<unsigned long long>(commits),
              commits ? static_cast<double>(ops) / static_cast<double>(commits) : 0.0);
}

void send_bench(env& e, int n, int concurrency, int batch) {
  e.create("bench");
  auto commits0 = e.st->commits();
  const int calls = n / batch;
  std::atomic<int> issued{0};
  countdown all(concurrency);
  std::function<void()> next;
  next = [&] {
    int i = issued++;
    if (i >= calls) return all.done();
    sqs::api::call c;
    if (batch == 1) {
      c.operation = sqs::api::op::send_message;
      sqs::api::send_entry en;
      en.message_body = "message body " + std::to_string(i);
      c.input = sqs::api::send_message_request{"bench", en};
    } else {
      sqs::api::send_message_batch_request r{"bench", {}};
      for (int k = 0; k < batch; ++k) {
        sqs::api::send_entry en;
        en.id = "e" + std::to_string(k);
        en.message_body = "message body " + std::to_string(i * batch + k);
        r.entries.push_back(std::move(en));
      }
      c.operation = sqs::api::op::send_message_batch;
      c.input = std::move(r);
    }
    e.svc->execute(std::move(c), [&](result<sqs::api::result_body> r) {
      if (!r.ok()) std::fprintf(stderr, "send failed: %s\n", r.err().message.c_str());
      next();
    });
  };
  auto t0 = steady::now();
  for (int k = 0; k < concurrency; ++k) next();
  all.wait();
  report(batch == 1 ? "send" : "send-batch", calls, calls * batch, steady::now() - t0, e.st->commits() - commits0);
}

void fill(env& e, int n) {
  e.create("bench");
  for (int i = 0; i < n; i += 10) {
    sqs::api::send_message_batch_request r{"bench", {}};
    for (int k = 0; k < 10; ++k) {
      sqs::api::send_entry en;
      en.id = "e" + std::to_string(k);
      en.message_body = "message body " + std::to_string(i + k);
      r.entries.push_back(std::move(en));
    }
    e.api_call(sqs::api::op::send_message_batch, std::move(r));
  }
}

void receive_delete_bench(env& e, int n, int concurrency, int batch) {
  fill(e, n);
  auto commits0 = e.st->commits();
  std::atomic<int> deleted{0}, calls{0};
  countdown all(concurrency);
  std::function<void()> next;
  next = [&] {
    if (deleted.load() >= n) return all.done();
    sqs::api::call c;
    c.operation = sqs::api::op::receive_message;
    sqs::api::receive_message_request r;
    r.queue_url = "bench";
    r.max_number_of_messages = batch;
    c.input = r;
    ++calls;
    e.svc->execute(std::move(c), [&](result<sqs::api::result_body> res) {
      if (!res.ok()) {
        std::fprintf(stderr, "receive failed: %s\n", res.err().message.c_str());
        return all.done();
      }
      auto& msgs = std::get<sqs::api::receive_result>(res.value()).messages;
      if (msgs.empty()) return all.done();
      sqs::api::call d;
      if (msgs.size() == 1) {
        d.operation = sqs::api::op::delete_message;
        d.input = sqs::api::delete_message_request{"bench", msgs[0].receipt_handle};
      } else {
        sqs::api::delete_message_batch_request b{"bench", {}};
        for (std::size_t k = 0; k < msgs.size(); ++k)
          b.entries.push_back({"d" + std::to_string(k), msgs[k].receipt_handle, std::nullopt});
        d.operation = sqs::api::op::delete_message_batch;
        d.input = std::move(b);
      }
      int count = static_cast<int>(msgs.size());
      ++calls;
      e.svc->execute(std::move(d), [&, count](result<sqs::api::result_body>) {
        deleted += count;
        next();
      });
    });
  };
  auto t0 = steady::now();
  for (int k = 0; k < concurrency; ++k) next();
  all.wait();
  report(batch == 1 ? "recv-delete" : "recv-delete-batch", calls.load(), deleted.load(), steady::now() - t0,
         e.st->commits() - commits0);
}

void long_poll_bench(env& e, int rounds) {
  e.create("poll");
  std::vector<double> micros;
  for (int i = 0; i < rounds; ++i) {
    std::promise<steady::time_point> woke;
    sqs::api::receive_message_request r;
    r.queue_url = "poll";
    r.wait_time_seconds = 20;
    r.visibility_timeout = 0;
    e.svc->receive(r, [&woke](result<sqs::api::receive_result>) { woke.set_value(steady::now()); });
    // receive() has registered the waiter by the time it returns: the queue is empty.
    sqs::api::send_entry en;
    en.message_body = "wake";
    auto t0 = steady::now();
    e.svc->send("poll", en, [](result<sqs::api::send_result>) {});
    auto t1 = woke.get_future().get();
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    sqs::api::call purge;
    purge.operation = sqs::api::op::purge_queue;
    purge.input = sqs::api::queue_request{"poll"};
    std::promise<void> purged;
    e.svc->execute(std::move(purge), [&purged](result<sqs::api::result_body>) { purged.set_value(); });
    purged.get_future().wait();
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[std::min(micros.size() - 1, static_cast<std::size_t>(p * micros.size()))]; };
  std::printf("%-18s %8d polls  p50 %8.0f us  p99 %8.0f us  max %8.0f us  (send commit + receive commit)\n",
              "long-poll", rounds, pct(0.50), pct(0.99), micros.back());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hayloft SQS service benchmark"};
  int messages = 20000, concurrency = 64, rounds = 500;
  bool in_memory = false;
  std::string dir = std::filesystem::temp_directory_path().string();
  std::vector<std::string> only;
  app.add_option("--messages", messages, "messages per throughput run");
  app.add_option("--concurrency", concurrency, "concurrent senders / consumers");
  app.add_option("--rounds", rounds, "long-poll wake-ups measured");
  app.add_option("--dir", dir, "where the state directory is created (use a real disk)");
  app.add_flag("--in-memory", in_memory, "no fsync (the --in-memory mode)");
  app.add_option("--only", only, "send, send-batch, recv-delete, recv-delete-batch, long-poll");
  CLI11_PARSE(app, argc, argv);
  auto wanted = [&](const char* n) { return only.empty() || std::find(only.begin(), only.end(), n) != only.end(); };
  std::printf("durable=%s messages=%d concurrency=%d dir=%s\n", in_memory ? "no" : "yes", messages, concurrency,
              dir.c_str());
  try {
    if (wanted("send")) {
      env e(dir, !in_memory);
      send_bench(e, messages, concurrency, 1);
    }
    if (wanted("send-batch")) {
      env e(dir, !in_memory);
      send_bench(e, messages, concurrency, 10);
    }
    if (wanted("recv-delete")) {
      env e(dir, !in_memory);
      receive_delete_bench(e, messages, concurrency, 1);
    }
    if (wanted("recv-delete-batch")) {
      env e(dir, !in_memory);
      receive_delete_bench(e, messages, concurrency, 10);
    }
    if (wanted("long-poll")) {
      env e(dir, !in_memory);
      long_poll_bench(e, rounds);
    }
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "bench failed: %s\n", ex.what());
    return 1;
  }
  return 0;
}
