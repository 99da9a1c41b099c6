#include "consumer/embed/blas.h"

#include <cblas.h>  // declarations only: nothing here links OpenBLAS
#include <dlfcn.h>

#include <mutex>
#include <string>

#include "consumer/embed/embedder.h"

namespace hayloft::embed::blas {
namespace {

struct api {
  decltype(&cblas_sgemm) sgemm = nullptr;
  decltype(&openblas_set_num_threads) set_num_threads = nullptr;
};

api functions;
result<void> status;

result<void> open_library() {
  // Kept loaded for the life of the process: OpenBLAS's threads must never lose their code.
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return error{make_error_code(errc::blas_unavailable),
                 std::string("cannot load ") + library + " (install libopenblas0): " +
                     (why ? why : "unknown dlopen error")};
  }
  api f;
  f.sgemm = reinterpret_cast<decltype(&cblas_sgemm)>(dlsym(handle, "cblas_sgemm"));
  f.set_num_threads =
      reinterpret_cast<decltype(&openblas_set_num_threads)>(dlsym(handle, "openblas_set_num_threads"));
  if (!f.sgemm || !f.set_num_threads) {
    return error{make_error_code(errc::blas_unavailable),
                 std::string(library) + " lacks cblas_sgemm or openblas_set_num_threads"};
  }
  functions = f;
  return {};
}

}  // namespace

result<void> load() {
  static std::once_flag once;
  std::call_once(once, [] { status = open_library(); });
  return status;
}

void sgemm(bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
           std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
  if (m == 0) return;
  functions.sgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                  static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
                  static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
                  static_cast<blasint>(ldc));
}

void set_num_threads(int n) { functions.set_num_threads(n); }

}  // namespace hayloft::embed::blas
