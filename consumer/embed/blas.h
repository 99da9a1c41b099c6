#pragma once
// OpenBLAS through dlopen: libopenblas.so.0 is loaded on the first load() (std::call_once), so
// a process that never runs the neural embedder never maps OpenBLAS (+ gfortran, quadmath) nor
// starts its thread pool. encoder::create() calls load(), so any encoder can call sgemm().
#include <cstddef>

#include "emulator/core/result.h"

namespace hayloft::embed::blas {

// The soname loaded (the one `-lopenblas` would record).
inline constexpr const char* library = "libopenblas.so.0";

// Loads the library and resolves cblas_sgemm and openblas_set_num_threads once per process;
// later calls return the same answer. Error: errc::blas_unavailable naming the library and
// dlerror() when it cannot be loaded or lacks a symbol. Thread-safe.
result<void> load();

// C[m x n] (ldc) = alpha * A[m x k] (lda) * op(B) + beta * C, row-major; op(B) is B[k x n] (ldb)
// or, with transpose_b, B[n x k] (ldb) transposed. Requires a successful load().
void sgemm(bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
           std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc);

// openblas_set_num_threads(n). Requires a successful load().
void set_num_threads(int n);

}  // namespace hayloft::embed::blas
