#include "orchestrator/kube/stream.h"

namespace hayloft::orchestrator::kube {

std::string queued_stream::take() {
  std::string out;
  for (auto& p : pending_) out += p;
  pending_.clear();
  return out;
}

void queued_stream::next(deliver_fn deliver) {
  std::string chunk;
  bool done = false;
  {
    std::lock_guard lock(mutex_);
    if (!pending_.empty()) {
      chunk = take();
    } else if (finished_) {
      done = true;
    } else {
      waiting_ = std::move(deliver);
      return;
    }
  }
  deliver(std::move(chunk), done);
}

void queued_stream::push(std::string piece) {
  if (piece.empty()) return;
  deliver_fn d;
  std::string chunk;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    pending_.push_back(std::move(piece));
    if (!waiting_) return;
    d = std::move(waiting_);
    waiting_ = nullptr;
    chunk = take();
  }
  d(std::move(chunk), false);
}

void queued_stream::finish() {
  deliver_fn d;
  std::string chunk;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    if (!waiting_) return;
    d = std::move(waiting_);
    waiting_ = nullptr;
    chunk = take();
  }
  bool done = chunk.empty();
  d(std::move(chunk), done);
}

bool queued_stream::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

std::string queued_stream::drain() {
  std::lock_guard lock(mutex_);
  return take();
}

}  // namespace hayloft::orchestrator::kube
