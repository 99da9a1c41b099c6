#include "emulator/app/request_gate.h"

#include <atomic>

namespace hayloft::app {

struct request_gate::counter {
  std::mutex mutex;  // guards n
  std::condition_variable idle;
  std::size_t n = 0;
  void leave() {
    std::lock_guard lock(mutex);
    if (--n == 0) idle.notify_all();
  }
};

namespace {

// Counted until the completion runs, or until every copy of it is dropped unanswered (the edge
// then answers 500): a request can never hold a restore forever.
struct ticket {
  explicit ticket(std::shared_ptr<request_gate::counter> c) : count(std::move(c)) {}
  ~ticket() { release(); }
  void release() {
    if (!released.exchange(true)) count->leave();
  }
  std::shared_ptr<request_gate::counter> count;
  std::atomic<bool> released{false};
};

}  // namespace

class request_gate::gate_door final : public core::request_handler {
 public:
  gate_door(request_gate& gate, core::request_handler& inner) : gate_(gate), inner_(inner) {}
  void handle(core::request req, core::completion done) override { gate_.enter(inner_, std::move(req), std::move(done)); }
  core::response render_error(const core::request& req, const core::aws_error& err) const override {
    return inner_.render_error(req, err);
  }

 private:
  request_gate& gate_;
  core::request_handler& inner_;
};

request_gate::request_gate(std::function<void(std::function<void()>)> post)
    : post_(std::move(post)), active_(std::make_shared<counter>()) {}

request_gate::~request_gate() = default;

core::request_handler* request_gate::door(core::request_handler& inner) {
  doors_.push_back(std::make_unique<gate_door>(*this, inner));
  return doors_.back().get();
}

void request_gate::enter(core::request_handler& h, core::request req, core::completion done) {
  {
    std::lock_guard lock(held_mutex_);
    if (closed_) {
      held_.push_back({&h, std::move(req), std::move(done)});
      return;
    }
    std::lock_guard count_lock(active_->mutex);
    ++active_->n;
  }
  auto t = std::make_shared<ticket>(active_);
  h.handle(std::move(req), [t, done = std::move(done)](core::response r) {
    done(std::move(r));
    t->release();
  });
}

void request_gate::close() {
  std::lock_guard lock(held_mutex_);
  closed_ = true;
}

bool request_gate::wait_idle(std::chrono::milliseconds limit) {
  std::unique_lock lock(active_->mutex);
  return active_->idle.wait_for(lock, limit, [this] { return active_->n == 0; });
}

void request_gate::open() {
  std::deque<held_request> held;
  {
    std::lock_guard lock(held_mutex_);
    closed_ = false;
    held.swap(held_);
  }
  for (auto& h : held) {
    auto shared = std::make_shared<held_request>(std::move(h));
    post_([this, shared] { enter(*shared->handler, std::move(shared->req), std::move(shared->done)); });
  }
}

}  // namespace hayloft::app
