#pragma once
// A GoogleTest environment holding one hayloft::testing::stack for the whole test program:
//
//   int main(int argc, char** argv) {
//     ::testing::InitGoogleTest(&argc, argv);
//     ::testing::AddGlobalTestEnvironment(new hayloft::testing::environment());
//     return RUN_ALL_TESTS();
//   }
//   TEST(Upload, Works) { auto& hl = hayloft::testing::environment::get(); hl.reset(); ... }
//
// Header-only, so the hayloft_testing library itself does not link GoogleTest.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "emulator/testing/stack.h"

namespace hayloft::testing {

class environment : public ::testing::Environment {
 public:
  explicit environment(stack_options opts = {}) : opts_(std::move(opts)) {}
  void SetUp() override {
    stack_ = std::make_unique<stack>(opts_);
    current() = stack_.get();
  }
  void TearDown() override {
    current() = nullptr;
    stack_.reset();
  }
  // The running stack; throws when no environment was registered.
  static stack& get() {
    if (!current()) throw std::logic_error("no hayloft::testing::environment registered (AddGlobalTestEnvironment)");
    return *current();
  }

 private:
  static stack*& current() {
    static stack* s = nullptr;
    return s;
  }
  stack_options opts_;
  std::unique_ptr<stack> stack_;
};

}  // namespace hayloft::testing
