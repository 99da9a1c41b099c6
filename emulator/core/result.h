#pragma once
// result<T>: a value or an error (code + human message). Expected failures travel as values;
// exceptions are reserved for start-up and configuration (see STYLE.md).
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace hayloft {

struct error {
  std::error_code code;
  std::string message;
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}                       // NOLINT: implicit by design
  result(error e) : v_(std::move(e)) {}                           // NOLINT
  result(std::error_code c, std::string msg = {}) : v_(error{c, std::move(msg)}) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const hayloft::error& err() const { return std::get<1>(v_); }
  std::error_code code() const { return ok() ? std::error_code{} : err().code; }

 private:
  std::variant<T, hayloft::error> v_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)), failed_(true) {}  // NOLINT
  result(std::error_code c, std::string msg = {}) : e_{c, std::move(msg)}, failed_(static_cast<bool>(c)) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const hayloft::error& err() const { return e_; }
  std::error_code code() const { return e_.code; }

 private:
  hayloft::error e_;
  bool failed_ = false;
};

// Propagates an error from an expression returning result<...>.
#define HAYLOFT_TRY(expr)                          \
  do {                                             \
    auto&& hayloft_try_r_ = (expr);                \
    if (!hayloft_try_r_.ok()) return hayloft_try_r_.err(); \
  } while (0)

}  // namespace hayloft
