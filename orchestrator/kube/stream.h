#pragma once
// A chunked response body fed by a producer: push() queues a piece, finish() ends the body once
// the queue is drained. What watches and followed logs hand to the HTTP edge.
//
// Threading: any method from any thread; the delivery callback runs on the thread that made the
// piece available (never with the stream's mutex held).
#include <deque>
#include <mutex>
#include <string>

#include "emulator/core/http_message.h"

namespace hayloft::orchestrator::kube {

class queued_stream : public core::body_stream {
 public:
  void next(deliver_fn deliver) override;
  void cancel() override { finish(); }

  // Queues a piece; dropped once finished.
  void push(std::string piece);
  // Ends the body after what is queued. Idempotent.
  void finish();
  bool finished() const;
  // Everything queued and not yet delivered (for tests that drive a stream without the edge).
  std::string drain();

 private:
  std::string take();
  mutable std::mutex mutex_;  // guards pending_, waiting_, finished_
  std::deque<std::string> pending_;
  deliver_fn waiting_;
  bool finished_ = false;
};

}  // namespace hayloft::orchestrator::kube
