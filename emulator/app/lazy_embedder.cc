#include "emulator/app/lazy_embedder.h"

#include "emulator/core/logging.h"

namespace hayloft::app {

lazy_embedder::lazy_embedder(std::string kind, std::filesystem::path model_dir, core::metrics_registry* metrics)
    : kind_(kind == "use" ? "use-lite" : std::move(kind)), model_dir_(std::move(model_dir)), metrics_(metrics) {}

lazy_embedder::~lazy_embedder() {
  std::thread t;
  {
    std::lock_guard lock(load_mutex_);
    t = std::move(loader_);
  }
  if (t.joinable()) t.join();
}

void lazy_embedder::preload() const {
  std::lock_guard lock(load_mutex_);
  if (started_) return;
  started_ = true;
  loader_ = std::thread([this] {
    auto started = std::chrono::steady_clock::now();
    auto m = embed::make_embedder(kind_, model_dir_);
    std::lock_guard l(load_mutex_);
    if (m.ok()) {
      model_ = std::move(m).value();
      spdlog::info("embedder {} loaded in {} ms", model_->name(),
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
    } else {
      error_ = m.err();
      spdlog::error("embedder {} failed to load: {} (run scripts/fetch-model, or start with --embedder hash)", kind_,
                    error_.message);
    }
    loaded_ = true;
    load_cv_.notify_all();
  });
}

result<const embed::embedder*> lazy_embedder::get() const {
  preload();
  std::unique_lock lock(load_mutex_);
  load_cv_.wait(lock, [this] { return loaded_; });
  if (!model_) return error_;
  return static_cast<const embed::embedder*>(model_.get());
}

bool lazy_embedder::ready() const {
  std::lock_guard lock(load_mutex_);
  return loaded_;
}

std::string_view lazy_embedder::name() const {
  auto m = get();
  return m.ok() ? (*m)->name() : std::string_view("unavailable");
}

std::size_t lazy_embedder::dimension() const {
  auto m = get();
  return m.ok() ? (*m)->dimension() : 0;
}

result<std::vector<embed::embedding>> lazy_embedder::embed(std::span<const std::string> texts) const {
  auto m = get();
  if (!m.ok()) return m.err();
  auto started = std::chrono::steady_clock::now();
  auto out = (*m)->embed(texts);
  if (metrics_ && out.ok()) {
    core::label_set model{{"model", std::string((*m)->name())}};
    metrics_->histogram("hayloft_embedder_seconds", "Latency of one embed call (a batch of texts), by model.", model)
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    metrics_->counter("hayloft_embedder_texts_total", "Texts embedded, by model.", model).inc(static_cast<double>(texts.size()));
  }
  return out;
}

}  // namespace hayloft::app
