#include "consumer/embed/blas.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <vector>

namespace hayloft::embed {
namespace {

bool openblas_loaded() {
  void* h = dlopen(blas::library, RTLD_NOW | RTLD_NOLOAD);
  if (h) dlclose(h);  // drops only the reference RTLD_NOLOAD took
  return h != nullptr;
}

TEST(Blas, LoadsOpenBlasOnFirstUseOnly) {
  // CTest runs each case in its own process; run alone, this one sees a fresh process.
  if (openblas_loaded()) GTEST_SKIP() << "an earlier test in this process loaded OpenBLAS";
  auto r = blas::load();
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_TRUE(openblas_loaded());
  EXPECT_TRUE(blas::load().ok());  // once; the same answer after
}

TEST(Blas, SgemmPlainAndWithBTransposed) {
  ASSERT_TRUE(blas::load().ok());
  // A = [1 2 3; 4 5 6] (2x3), B = [1 0; 0 1; 1 1] (3x2): A*B = [4 5; 10 11].
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{1, 0, 0, 1, 1, 1};
  std::vector<float> c(4, 100.0f);
  blas::sgemm(false, 2, 2, 3, 1.0f, a.data(), 3, b.data(), 2, 0.0f, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{4, 5, 10, 11}));
  // beta keeps what C held: C = 2 * A*B + 1 * C.
  blas::sgemm(false, 2, 2, 3, 2.0f, a.data(), 3, b.data(), 2, 1.0f, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{12, 15, 30, 33}));
  // A * A^T = [14 32; 32 77].
  std::vector<float> g(4, 0.0f);
  blas::sgemm(true, 2, 2, 3, 1.0f, a.data(), 3, a.data(), 3, 0.0f, g.data(), 2);
  EXPECT_EQ(g, (std::vector<float>{14, 32, 32, 77}));
  // No rows: C untouched.
  blas::sgemm(false, 0, 2, 3, 1.0f, a.data(), 3, b.data(), 2, 0.0f, g.data(), 2);
  EXPECT_EQ(g, (std::vector<float>{14, 32, 32, 77}));
}

}  // namespace
}  // namespace hayloft::embed
