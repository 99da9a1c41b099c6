#pragma once
// A task_runner that runs each task on the posting thread, so tests see its effect at once.
#include "emulator/core/executor.h"

namespace hayloft::dashboard::testing {

class inline_runner final : public core::task_runner {
 public:
  void post(std::function<void()> fn) override {
    ++posted;
    fn();
  }
  int posted = 0;
};

}  // namespace hayloft::dashboard::testing
