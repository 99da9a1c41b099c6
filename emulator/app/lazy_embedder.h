#pragma once
// The process-wide embedder, loaded in the background so `hayloft up` answers requests at once
// while the model (about a second of work) loads. Every call blocks until loading finished, so
// use it from pool threads only (consumer pods wait in ContainerCreating via ready()).
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "consumer/embed/embedder.h"

namespace hayloft::app {

class lazy_embedder final : public embed::embedder {
 public:
  lazy_embedder(std::string kind, std::filesystem::path model_dir);
  ~lazy_embedder() override;

  // The loaded embedder, or the load error. Blocks until loading is over.
  result<const embed::embedder*> get() const;
  // True once loading is over (successfully or not); never blocks.
  bool ready() const;

  std::string_view name() const override;
  std::size_t dimension() const override;
  result<std::vector<embed::embedding>> embed(std::span<const std::string> texts) const override;

 private:
  mutable std::mutex load_mutex_;  // guards loaded_, model_, error_
  mutable std::condition_variable load_cv_;
  bool loaded_ = false;
  std::unique_ptr<embed::embedder> model_;
  hayloft::error error_;
  std::thread loader_;
};

}  // namespace hayloft::app
