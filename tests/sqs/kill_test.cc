// kill -9 at an arbitrary moment: a child process sends and deletes messages as fast as it can
// (concurrent senders sharing group commits) and reports every acknowledgement through a pipe;
// the parent SIGKILLs it mid-flight, reopens the state directory and checks that no
// acknowledged message was lost and no message whose deletion was acknowledged came back.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <set>

#include "tests/sqs/harness.h"

namespace hayloft::sqs::testing {
namespace {

// Runs in the forked child; never returns.
[[noreturn]] void child(const std::filesystem::path& dir, int fd) {
  auto clock = core::make_manual_clock();
  auto st = std::move(hayloft::store::state_store::open({.dir = dir, .durable = true})).value();
  sqs::service svc(*st, *clock);
  std::promise<void> created;
  api::call c;
  c.operation = api::op::create_queue;
  c.input = api::create_queue_request{"q", {}, {}};
  svc.execute(c, [&](result<api::result_body>) { created.set_value(); });
  created.get_future().wait();
  auto report = [fd](char kind, const std::string& body) {
    std::string line = std::string(1, kind) + body + "\n";
    (void)!::write(fd, line.data(), line.size());  // one write per line: atomic for a pipe
  };
  std::atomic<int> next{0};
  std::function<void()> send_one = [&] {
    int i = next++;
    api::send_entry e;
    e.message_body = "m" + std::to_string(i);
    svc.send("q", e, [&, body = *e.message_body](result<api::send_result> r) {
      if (r.ok()) report('S', body);
      send_one();
    });
  };
  for (int k = 0; k < 16; ++k) send_one();
  // A consumer deleting what it receives, reporting intent before and acknowledgement after.
  for (;;) {
    std::promise<result<api::receive_result>> p;
    api::receive_message_request r;
    r.queue_url = "q";
    r.max_number_of_messages = 10;
    svc.receive(r, [&p](result<api::receive_result> res) { p.set_value(std::move(res)); });
    auto got = p.get_future().get();
    if (!got.ok()) continue;
    for (auto& m : got->messages) {
      report('I', m.body);
      std::promise<void> d;
      svc.delete_message("q", m.receipt_handle, [&](result<void> res) {
        if (res.ok()) report('D', m.body);
        d.set_value();
      });
      d.get_future().wait();
    }
  }
}

TEST(SqsKill, NoAcknowledgedMessageIsLostAndNoAcknowledgedDeleteComesBack) {
  temp_dir dir;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child(dir.path, fds[1]);
    }
    ::close(fds[1]);
    std::string log;
    char buf[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(400 + 150 * round);
    // Read until the deadline (a real process on the real clock), then kill without warning.
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd pfd{fds[0], POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      auto n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      log.append(buf, static_cast<std::size_t>(n));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) log.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status));

    std::set<std::string> sent, intended, deleted;
    std::size_t start = 0;
    while (start < log.size()) {
      auto end = log.find('\n', start);
      if (end == std::string::npos) break;  // a line cut by the kill
      auto line = log.substr(start, end - start);
      start = end + 1;
      (line[0] == 'S' ? sent : line[0] == 'I' ? intended : deleted).insert(line.substr(1));
    }
    ASSERT_GT(sent.size(), 50u) << "the child made too little progress to test anything";

    auto clock = core::make_manual_clock();
    auto st = std::move(hayloft::store::state_store::open({.dir = dir.path, .durable = true})).value();
    {
      sqs::service svc(*st, *clock);
      // Everything still stored, in flight or not: make it visible and drain it.
      clock->advance(std::chrono::hours(1));
      std::set<std::string> present;
      for (;;) {
        std::promise<result<api::receive_result>> p;
        api::receive_message_request r;
        r.queue_url = "q";
        r.max_number_of_messages = 10;
        r.visibility_timeout = 43200;
        svc.receive(r, [&p](result<api::receive_result> res) { p.set_value(std::move(res)); });
        auto got = p.get_future().get();
        ASSERT_TRUE(got.ok());
        if (got->messages.empty()) break;
        for (auto& m : got->messages) EXPECT_TRUE(present.insert(m.body).second) << "duplicate " << m.body;
      }
      for (const auto& b : sent) {
        if (!intended.count(b)) {
          EXPECT_TRUE(present.count(b)) << "acknowledged send lost: " << b;
        }
      }
      for (const auto& b : deleted) EXPECT_FALSE(present.count(b)) << "acknowledged delete undone: " << b;
      // Start the next round from an empty queue.
      std::promise<void> purged;
      api::call c;
      c.operation = api::op::purge_queue;
      c.input = api::queue_request{"q"};
      svc.execute(c, [&](result<api::result_body>) { purged.set_value(); });
      purged.get_future().wait();
    }
  }
}

}  // namespace
}  // namespace hayloft::sqs::testing
