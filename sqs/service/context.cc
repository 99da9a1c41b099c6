#include "sqs/service/context.h"

namespace hayloft::sqs {

bool context::submit(hayloft::store::state_store::job j, hayloft::store::state_store::done_fn done) {
  {
    std::lock_guard lock(jobs_mutex_);
    if (closing_) return false;
    ++pending_;
  }
  store.submit(std::move(j), [this, done = std::move(done)](result<void> r) {
    if (done) done(std::move(r));
    std::lock_guard lock(jobs_mutex_);
    if (--pending_ == 0) jobs_cv_.notify_all();
  });
  return true;
}

void context::close() {
  std::unique_lock lock(jobs_mutex_);
  closing_ = true;
  jobs_cv_.wait(lock, [this] { return pending_ == 0; });
}

bool context::closing() const {
  std::lock_guard lock(jobs_mutex_);
  return closing_;
}

}  // namespace hayloft::sqs
