#pragma once
// Withdraws a pending ReceiveMessage long poll of the in-process API (a consumer pod that is
// terminating must not wait out its WaitTimeSeconds). Pass one in
// api::receive_message_request::canceller; cancel() makes a parked receive complete at once
// with no messages. A receive that already has messages completes as usual, and cancel()
// before the receive parks makes it return without waiting. Thread-safe; idempotent.
#include <functional>
#include <mutex>
#include <utility>

namespace hayloft::sqs {

class receive_canceller {
 public:
  void cancel() {
    std::function<void()> hook;
    {
      std::lock_guard lock(mutex_);
      if (cancelled_) return;
      cancelled_ = true;
      hook = std::move(hook_);
    }
    if (hook) hook();
  }
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }
  // The queue parks a waiter: `hook` withdraws it. False (hook not kept) when already cancelled.
  bool arm(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    if (cancelled_) return false;
    hook_ = std::move(hook);
    return true;
  }

 private:
  mutable std::mutex mutex_;  // guards cancelled_ and hook_
  bool cancelled_ = false;
  std::function<void()> hook_;
};

}  // namespace hayloft::sqs
