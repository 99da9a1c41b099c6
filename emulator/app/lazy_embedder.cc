#include "emulator/app/lazy_embedder.h"

#include "emulator/core/logging.h"

namespace hayloft::app {

lazy_embedder::lazy_embedder(std::string kind, std::filesystem::path model_dir) {
  loader_ = std::thread([this, kind = std::move(kind), model_dir = std::move(model_dir)] {
    auto started = std::chrono::steady_clock::now();
    auto m = embed::make_embedder(kind == "use" ? "use-lite" : kind, model_dir);
    std::lock_guard lock(load_mutex_);
    if (m.ok()) {
      model_ = std::move(m).value();
      spdlog::info("embedder {} loaded in {} ms", model_->name(),
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
    } else {
      error_ = m.err();
      spdlog::error("embedder {} failed to load: {} (run scripts/fetch-model, or start with --embedder hash)", kind,
                    error_.message);
    }
    loaded_ = true;
    load_cv_.notify_all();
  });
}

lazy_embedder::~lazy_embedder() { loader_.join(); }

result<const embed::embedder*> lazy_embedder::get() const {
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
  return (*m)->embed(texts);
}

}  // namespace hayloft::app
