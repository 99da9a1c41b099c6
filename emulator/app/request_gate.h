#pragma once
// Holds requests while a restore swaps the state under the services (emulator/app/snapshots.h),
// so that every request is served wholly by the old state or wholly by the new one.
//
// Requests reach a service through a door of the gate. While the gate is open a door passes the
// request on at once and counts it until its completion runs (or is dropped). While it is
// closed, requests wait in the gate (no thread held) and are handed to their service, in arrival
// order, once it opens again.
//
// Threading: doors are called on I/O threads and never block. close(), wait_idle() and open()
// are called by the one thread doing a restore (a blocking-pool thread). The gate must outlive
// its doors; completions may outlive the gate.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "emulator/core/http_message.h"

namespace hayloft::app {

class request_gate {
 public:
  // `post` runs held requests once the gate opens (on the I/O threads, in the app).
  explicit request_gate(std::function<void(std::function<void()>)> post);
  ~request_gate();
  request_gate(const request_gate&) = delete;
  request_gate& operator=(const request_gate&) = delete;

  // A handler passing requests to `inner` through this gate; owned by the gate.
  core::request_handler* door(core::request_handler& inner);

  // From now on requests wait at the doors.
  void close();
  // Waits up to `limit` until every request let through has been answered; true when none is
  // left. Long polls count: answer them first (sqs::service::release_waiters).
  bool wait_idle(std::chrono::milliseconds limit);
  // Lets requests through again and hands the held ones to their services.
  void open();

  struct counter;  // requests let through and not answered yet; shared with their completions

 private:
  class gate_door;
  struct held_request {
    core::request_handler* handler;
    core::request req;
    core::completion done;
  };
  void enter(core::request_handler& h, core::request req, core::completion done);

  std::function<void(std::function<void()>)> post_;
  std::shared_ptr<counter> active_;
  std::mutex held_mutex_;  // guards closed_, held_
  bool closed_ = false;
  std::deque<held_request> held_;
  std::vector<std::unique_ptr<gate_door>> doors_;
};

}  // namespace hayloft::app
