#pragma once
// One probe execution as the kubelet's probers do it (k8s pkg/probe/{http,tcp,exec}), against
// 127.0.0.1 host ports, and a small pool of prober threads so that probes never run on the
// controller's worker thread. Blocking I/O bounded by the probe's timeout (real time).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hayloft::orchestrator::pods {

struct probe_request {
  enum class kind { http, tcp, exec } type = kind::tcp;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";                                    // http
  std::vector<std::pair<std::string, std::string>> headers;  // http
  std::vector<std::string> argv;                             // exec
  std::map<std::string, std::string> env;                    // exec
  std::string working_dir;                                   // exec
  std::chrono::milliseconds timeout{1000};
};

struct probe_outcome {
  enum class result { success, failure, warning, error } value = result::failure;
  // The kubelet's output text: "HTTP probe failed with statuscode: 503", Go's dial error, the
  // command's output. `error` is a prober error (the result is thrown away).
  std::string output;
};

// Runs one probe; returns within about `timeout` (+ a little for exec cleanup).
probe_outcome run_probe(const probe_request& req);

// A fixed set of prober threads. submit() never blocks; the destructor finishes queued probes.
class probe_pool {
 public:
  explicit probe_pool(std::size_t threads = 4);
  ~probe_pool();
  probe_pool(const probe_pool&) = delete;
  probe_pool& operator=(const probe_pool&) = delete;
  void submit(std::function<void()> work);

 private:
  void run();
  std::mutex queue_mutex_;  // guards queue_, stopping_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hayloft::orchestrator::pods
