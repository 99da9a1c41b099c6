#pragma once
// Where blocking work goes. The app binds this to a small thread pool so that SQLite commits,
// large file I/O, conversion and embedding never run on an I/O thread. Tests may bind an
// inline runner.
#include <functional>

namespace hayloft::core {

class task_runner {
 public:
  virtual ~task_runner() = default;
  // Runs fn later on some pool thread. Never runs fn inline.
  virtual void post(std::function<void()> fn) = 0;
};

}  // namespace hayloft::core
