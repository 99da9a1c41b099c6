// The pod runtime pieces: $(VAR) expansion, container logs, the kubelet's back-off sequence, and
// real host processes under the shim (logs, env, SIGTERM, exit codes, no orphans).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <atomic>
#include <thread>

#include "emulator/core/cpu_account.h"
#include "orchestrator/pods/backoff.h"
#include "orchestrator/pods/expansion.h"
#include "orchestrator/pods/in_process.h"
#include "orchestrator/pods/log_file.h"
#include "orchestrator/pods/process.h"

namespace hayloft::orchestrator::pods {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string testing_read(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

fs::path temp_dir() {
  fs::path p = fs::temp_directory_path() / ("hayloft-pods-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(p);
  return p;
}

TEST(OrchExpansion, FollowsKubernetesRules) {
  std::map<std::string, std::string> env{{"A", "1"}, {"B", "two"}, {"EMPTY", ""}};
  struct row {
    const char* in;
    const char* want;
  };
  for (const auto& r : std::vector<row>{{"$(A)", "1"},
                                        {"x-$(A)-$(B)-y", "x-1-two-y"},
                                        {"$(MISSING)", "$(MISSING)"},
                                        {"$$(A)", "$(A)"},
                                        {"$$$(A)", "$1"},
                                        {"$(EMPTY)x", "x"},
                                        {"$A", "$A"},
                                        {"$(A", "$(A"},
                                        {"cost $", "cost $"},
                                        {"$()", "$()"},
                                        {"", ""}}) {
    EXPECT_EQ(expand(r.in, env), r.want) << r.in;
  }
}

TEST(OrchLogFile, ReadsByOffsetAndTails) {
  auto dir = temp_dir();
  log_file log(dir / "c.log");
  log.append_line("one");
  log.append_line("two");
  log.append("thr");
  log.append("ee\n");
  auto all = log.read(0);
  EXPECT_EQ(all.data, "one\ntwo\nthree\n");
  EXPECT_EQ(all.next_offset, 14u);
  EXPECT_EQ(log.read(all.next_offset).data, "");
  EXPECT_EQ(log.read(4).data, "two\nthree\n");
  EXPECT_EQ(log.tail(2).data, "two\nthree\n");
  EXPECT_EQ(log.tail(1).data, "three\n");
  EXPECT_EQ(log.tail(0).data, "");
  EXPECT_EQ(log.tail(10).data, "one\ntwo\nthree\n");
  EXPECT_EQ(log.tail(-1).next_offset, 14u);
  fs::remove_all(dir);
}

TEST(OrchLogFile, ReadsARangeWithItsTail) {
  auto dir = temp_dir();
  log_file log(dir / "c.log", 40);
  log.append("a1\na2\n");  // [0, 6)
  log.append("b1\nb2\nb3\n");  // [6, 15)
  EXPECT_EQ(log.read_range(0, 6).data, "a1\na2\n");
  EXPECT_EQ(log.read_range(6, 15).data, "b1\nb2\nb3\n");
  EXPECT_EQ(log.read_range(6, 15, 2).data, "b2\nb3\n");
  EXPECT_EQ(log.read_range(6, 15).next_offset, 15u);
  EXPECT_EQ(log.read_range(6, 6).data, "");
  // Rotation drops the oldest bytes: a range that is wholly gone is empty, a partly kept one is cut.
  for (int i = 0; i < 10; ++i) log.append("c" + std::to_string(i) + "\n");
  EXPECT_GT(log.read(0).next_offset - log.read(0).data.size(), 6u);
  EXPECT_EQ(log.read_range(0, 6).data, "");
  auto kept = log.read_range(0, 30);
  EXPECT_LE(kept.data.size(), 30u);
  EXPECT_EQ(kept.data.find("c9"), std::string::npos);
  fs::remove_all(dir);
}

TEST(OrchLogFile, RotationKeepsOffsetsMonotonic) {
  auto dir = temp_dir();
  log_file log(dir / "c.log", 64);
  for (int i = 0; i < 20; ++i) log.append_line("line " + std::to_string(i));
  EXPECT_GT(log.end_offset(), 64u);
  auto c = log.read(0);
  EXPECT_LE(c.data.size(), 64u);
  EXPECT_EQ(c.data.back(), '\n');
  EXPECT_NE(c.data.find("line 19"), std::string::npos);
  EXPECT_EQ(c.next_offset, log.end_offset());
  fs::remove_all(dir);
}

TEST(OrchCrashBackoff, DoublesFromTenSecondsToFiveMinutes) {
  crash_backoff b;
  core::time_point t{};
  std::vector<int> waits;
  for (int i = 0; i < 9; ++i) {
    t += 1s;  // the container runs one second, then exits
    core::time_point restart = b.restart_at(t, t);
    waits.push_back(static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(restart - t).count()));
    b.next(t);
    t = restart;
  }
  EXPECT_EQ(waits, (std::vector<int>{0, 10, 20, 40, 80, 160, 300, 300, 300}));
}

TEST(OrchCrashBackoff, ResetsAfterALongRun) {
  crash_backoff b;
  core::time_point t{};
  b.next(t);
  b.next(t + 1s);
  EXPECT_EQ(b.delay(), 20s);
  // Exited 11 minutes after the last back-off: restart at once, back to 10 s.
  core::time_point later = t + 11min;
  EXPECT_FALSE(b.in_backoff_since(later, later));
  b.next(later);
  EXPECT_EQ(b.delay(), 10s);
}

TEST(OrchProcessContainer, CapturesOutputEnvAndExitCode) {
  auto dir = temp_dir();
  auto log = std::make_shared<log_file>(dir / "p.log");
  process_runtime rt;
  process_spec spec{{"sh", "-c", "echo out-$GREETING; echo err >&2; exit 3"}, {{"GREETING", "hi"}, {"PATH", "/usr/bin:/bin"}}, ""};
  auto c = rt.start(spec, log, {});
  ASSERT_TRUE(c) << c.err().message;
  ASSERT_TRUE((*c)->wait_exit(10s));
  auto e = (*c)->exited();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->exit_code, 3);
  EXPECT_EQ(e->reason, "Error");
  EXPECT_EQ(log->read(0).data, "out-hi\nerr\n");
  fs::remove_all(dir);
}

TEST(OrchProcessContainer, SigtermReachesTheProcessGroup) {
  auto dir = temp_dir();
  auto log = std::make_shared<log_file>(dir / "p.log");
  process_runtime rt;
  // The trap runs when sleep (in the same group) is interrupted by the group-wide SIGTERM.
  process_spec spec{{"/bin/sh", "-c", "trap 'echo got-term; exit 0' TERM; echo up; sleep 30 & wait"}, {}, ""};
  bool exited_cb = false;
  std::mutex m;
  auto c = rt.start(spec, log, {nullptr, [&] {
                                  std::lock_guard lock(m);
                                  exited_cb = true;
                                }});
  ASSERT_TRUE(c);
  for (int i = 0; i < 200 && log->read(0).data.find("up") == std::string::npos; ++i) std::this_thread::sleep_for(10ms);
  (*c)->terminate();
  ASSERT_TRUE((*c)->wait_exit(10s));
  EXPECT_EQ((*c)->exited()->exit_code, 0);
  EXPECT_NE(log->read(0).data.find("got-term"), std::string::npos) << log->read(0).data;
  bool called = false;
  for (int i = 0; i < 500 && !called; ++i) {
    {
      std::lock_guard lock(m);
      called = exited_cb;
    }
    if (!called) std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(called);
  fs::remove_all(dir);
}

TEST(OrchProcessContainer, KillLeavesNoProcessBehind) {
  auto dir = temp_dir();
  auto log = std::make_shared<log_file>(dir / "p.log");
  process_runtime rt;
  process_spec spec{{"sh", "-c", "trap '' TERM; sleep 60 & sleep 60 & echo ready; wait"}, {{"PATH", "/usr/bin:/bin"}}, ""};
  auto c = rt.start(spec, log, {});
  ASSERT_TRUE(c);
  int pgid = *(*c)->pid();
  for (int i = 0; i < 200 && log->read(0).data.find("ready") == std::string::npos; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(process_group_cpu_ns(pgid).has_value());
  (*c)->terminate();  // ignored by the shell; the sleeps die of it
  (*c)->kill();
  ASSERT_TRUE((*c)->wait_exit(10s));
  EXPECT_EQ((*c)->exited()->exit_code, 137);
  EXPECT_EQ(::kill(-pgid, 0), -1);  // no process left in the group
  fs::remove_all(dir);
}

// Runs only when re-executed by NoOrphanAfterHayloftIsKilled: starts a container, records its
// process group in $HAYLOFT_PODS_HELPER and waits to be killed.
TEST(OrchProcessHelper, StartsAContainerAndWaits) {
  const char* out = std::getenv("HAYLOFT_PODS_HELPER");
  if (!out) GTEST_SKIP() << "helper for NoOrphanAfterHayloftIsKilled";
  process_runtime rt;
  auto dir = fs::path(out).parent_path();
  auto c = rt.start({{"sh", "-c", "sleep 120 & sleep 120"}, {{"PATH", "/usr/bin:/bin"}}, ""},
                    std::make_shared<log_file>(dir / "helper.log"), {});
  ASSERT_TRUE(c);
  {
    std::ofstream f(std::string(out) + ".tmp");
    f << *(*c)->pid();
  }
  fs::rename(std::string(out) + ".tmp", out);
  std::this_thread::sleep_for(120s);
}

TEST(OrchProcessContainer, NoOrphanAfterHayloftIsKilled) {
  auto dir = temp_dir();
  fs::path pid_file = dir / "pgid";
  pid_t helper = ::fork();
  if (helper == 0) {
    ::setenv("HAYLOFT_PODS_HELPER", pid_file.c_str(), 1);
    ::execl("/proc/self/exe", "helper", "--gtest_filter=OrchProcessHelper.StartsAContainerAndWaits", nullptr);
    ::_exit(127);
  }
  ASSERT_GT(helper, 0);
  for (int i = 0; i < 1000 && !fs::exists(pid_file); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(fs::exists(pid_file));
  int pgid = std::stoi(testing_read(pid_file));
  EXPECT_EQ(::kill(-pgid, 0), 0);
  ::kill(helper, SIGKILL);  // hayloft dies without any chance to clean up
  int st;
  ::waitpid(helper, &st, 0);
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = ::kill(-pgid, 0) == -1;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone) << "container process group " << pgid << " outlived its parent";
  fs::remove_all(dir);
}

TEST(OrchProcessContainer, UnknownExecutableIsAStartError) {
  process_runtime rt;
  auto dir = temp_dir();
  auto c = rt.start({{"no-such-binary-hayloft"}, {{"PATH", "/usr/bin:/bin"}}, ""}, std::make_shared<log_file>(dir / "x.log"), {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.err().message, "exec: \"no-such-binary-hayloft\": executable file not found in $PATH");
  fs::remove_all(dir);
}

TEST(OrchInProcessContainer, EchoWorkloadLogsEnvAndStopsOnRequest) {
  workload_registry reg;
  add_test_workloads(reg);
  auto dir = temp_dir();
  auto log = std::make_shared<log_file>(dir / "w.log");
  pod_context ctx;
  ctx.pod_name = "web-abc";
  ctx.env = {{"B", "2"}, {"A", "1"}};
  auto c = start_workload(*reg.find("hayloft/echo"), ctx, log, {}, 5s);
  EXPECT_TRUE(c->ready());
  EXPECT_EQ(log->read(0).data, "started web-abc\nA=1\nB=2\n");
  c->terminate();
  ASSERT_TRUE(c->wait_exit(5s));
  EXPECT_EQ(c->exited()->exit_code, 0);
  EXPECT_EQ(log->tail(1).data, "stopping\n");
  fs::remove_all(dir);
}

TEST(OrchInProcessContainer, CrashReportsExitCode) {
  workload_registry reg;
  add_test_workloads(reg);
  auto dir = temp_dir();
  pod_context ctx;
  ctx.args = {"--fail"};
  auto c = start_workload(*reg.find("hayloft/crash"), ctx, std::make_shared<log_file>(dir / "w.log"), {}, 5s);
  ASSERT_TRUE(c->wait_exit(5s));
  EXPECT_EQ(c->exited()->exit_code, 1);
  EXPECT_EQ(c->exited()->reason, "Error");
  fs::remove_all(dir);
}

TEST(OrchInProcessContainer, ReportsItsThreadsCpuTimeAndChargedWork) {
  auto dir = temp_dir();
  std::atomic<bool> burn{false};
  workload_main main = [&burn](pod_context& ctx) {
    ctx.ready();
    while (!ctx.stop.stop_requested()) {
      if (burn) {
        auto until = core::thread_cpu_ns() + 30'000'000;  // 30 ms of this thread's CPU
        while (core::thread_cpu_ns() < until) {
        }
        // Work done elsewhere on the pod's behalf (as the embedder's compute pool charges it).
        if (auto* a = core::cpu_account::current()) a->add(1'000'000'000);
        burn = false;
      }
      std::this_thread::sleep_for(1ms);
    }
    return 0;
  };
  auto c = start_workload(main, {}, std::make_shared<log_file>(dir / "w.log"), {}, 5s);
  auto before = c->cpu_time_ns();
  ASSERT_TRUE(before.has_value());
  burn = true;
  while (burn) std::this_thread::sleep_for(1ms);
  auto after = c->cpu_time_ns();
  ASSERT_TRUE(after.has_value());
  EXPECT_GE(*after, *before + 1'030'000'000);
  c->terminate();
  ASSERT_TRUE(c->wait_exit(5s));
  EXPECT_GE(*c->cpu_time_ns(), *after) << "the final CPU time stays after the thread exits";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hayloft::orchestrator::pods
