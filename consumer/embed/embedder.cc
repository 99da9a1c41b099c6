#include "consumer/embed/embedder.h"

#include <cmath>
#include <cstdlib>

#include "consumer/embed/hash_embedder.h"
#include "consumer/embed/use_lite.h"

#ifndef HAYLOFT_EMBED_SOURCE_DIR
#error "HAYLOFT_EMBED_SOURCE_DIR must name the source tree (set by consumer/embed/CMakeLists.txt)"
#endif

namespace hayloft::embed {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "embed"; }
  std::string message(int c) const override {
    switch (static_cast<errc>(c)) {
      case errc::ok:
        return "ok";
      case errc::model_not_found:
        return "embedding model not found";
      case errc::model_corrupt:
        return "embedding model corrupt";
      case errc::vocab_corrupt:
        return "embedding vocabulary corrupt";
      case errc::unknown_embedder:
        return "unknown embedder";
      case errc::input_too_large:
        return "text too large to embed";
      case errc::invalid_token:
        return "token id outside the vocabulary";
      case errc::internal:
        return "embedder internal error";
      case errc::blas_unavailable:
        return "OpenBLAS unavailable";
    }
    return "unknown embed error";
  }
};

}  // namespace

const std::error_category& embed_category() {
  static const category c;
  return c;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), embed_category()}; }

result<embedding> embedder::embed_one(std::string text) const {
  auto r = embed(std::span<const std::string>(&text, 1));
  if (!r) return r.err();
  return std::move(r->front());
}

float cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na == 0 || nb == 0) return 0.0f;
  return static_cast<float>(dot / std::sqrt(na * nb));
}

result<std::unique_ptr<embedder>> make_embedder(std::string_view kind,
                                                const std::filesystem::path& model_dir,
                                                std::size_t threads) {
  if (kind == "hash") return std::unique_ptr<embedder>(std::make_unique<hash_embedder>());
  if (kind == "use-lite" || kind == "use") {
    std::filesystem::path dir = model_dir;
    if (dir.empty()) {
      auto found = find_model_dir();
      if (!found) return found.err();
      dir = *found;
    }
    use_lite_options options;
    options.threads = threads;
    auto model = use_lite::load(dir, options);
    if (!model) return model.err();
    return std::unique_ptr<embedder>(std::move(*model));
  }
  return error{errc::unknown_embedder,
               "unknown embedder '" + std::string(kind) + "' (expected use-lite or hash)"};
}

std::vector<std::filesystem::path> model_dir_candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("HAYLOFT_MODEL_DIR"); env != nullptr && *env != '\0') {
    out.emplace_back(env);
  }
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((exe.parent_path() / ".." / "models" / "use-lite").lexically_normal());
  out.push_back(std::filesystem::path(HAYLOFT_EMBED_SOURCE_DIR) / "models" / "use-lite");
  return out;
}

result<std::filesystem::path> find_model_dir() {
  std::string tried;
  for (const auto& dir : model_dir_candidates()) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / "model.json", ec)) return dir;
    tried += (tried.empty() ? "" : ", ") + dir.string();
  }
  return error{errc::model_not_found, "no embedding model in " + tried +
                                          " (run scripts/fetch-model or set HAYLOFT_MODEL_DIR)"};
}

}  // namespace hayloft::embed
