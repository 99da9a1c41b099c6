#pragma once
// The process-wide embedder, loaded on first use (a search, or the first consumer pod, which
// waits in ContainerCreating meanwhile), so an idle `hayloft up` neither pays the model's memory
// nor its load time. Every call blocks until loading finished: use it from pool threads only.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "consumer/embed/embedder.h"
#include "emulator/core/metrics.h"

namespace hayloft::app {

class lazy_embedder final : public embed::embedder {
 public:
  // `metrics` (optional, must outlive this) gets hayloft_embedder_seconds (latency of each
  // embed call, by model) and hayloft_embedder_texts_total.
  lazy_embedder(std::string kind, std::filesystem::path model_dir, core::metrics_registry* metrics = nullptr);
  ~lazy_embedder() override;

  // The loaded embedder, or the load error. Blocks until loading is over.
  result<const embed::embedder*> get() const;
  // True once loading is over (successfully or not); never blocks.
  bool ready() const;
  // Starts loading in the background if it has not started; never blocks.
  void preload() const;

  std::string_view name() const override;
  std::size_t dimension() const override;
  result<std::vector<embed::embedding>> embed(std::span<const std::string> texts) const override;

 private:
  std::string kind_;
  std::filesystem::path model_dir_;
  core::metrics_registry* metrics_;
  mutable std::mutex load_mutex_;  // guards started_, loaded_, model_, error_, loader_
  mutable bool started_ = false;
  mutable std::condition_variable load_cv_;
  mutable bool loaded_ = false;
  mutable std::unique_ptr<embed::embedder> model_;
  mutable hayloft::error error_;
  mutable std::thread loader_;
};

}  // namespace hayloft::app
