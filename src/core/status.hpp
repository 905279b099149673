// SPDX-License-Identifier: Apache-2.0
#pragma once
// Status / Result<T>: error values for data paths (malformed packet → counter + drop, never a throw).
#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ion {

enum class Errc {
  ok = 0,
  invalid_argument,  // caller passed something malformed
  out_of_range,      // a value outside its allowed range
  not_found,         // a named thing does not exist
  already_exists,
  io_error,  // OS-level failure (file, socket, serial)
  timeout,
  corrupt,          // data failed an integrity check
  unauthenticated,  // AEAD failure / unknown key
  unavailable,      // peer or device not there
  internal,         // a bug in ion
};

const char* errc_name(Errc c);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok() { return {}; }

  bool is_ok() const { return code_ == Errc::ok; }
  explicit operator bool() const { return is_ok(); }
  Errc code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<errc>: <message>", or "ok".
  std::string to_string() const;
  // The same error with `context` put before its message ("site A: " + message); ok stays ok.
  Status prefixed(std::string_view context) const;

 private:
  Errc code_ = Errc::ok;
  std::string message_;
};

inline Status error(Errc code, std::string message) { return {code, std::move(message)}; }

// Either a T or a non-ok Status. Accessing value() of an error is a programmer error (asserted).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).is_ok() && "Result from an ok Status");
  }

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  T& value() & {
    assert(is_ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(is_ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T value_or(T fallback) const { return is_ok() ? std::get<T>(v_) : fallback; }
  // The error; ok Status if this holds a value.
  Status status() const { return is_ok() ? Status{} : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ion

// Early return on error: ION_TRY(s) with s a Status expression.
#define ION_TRY(expr)                                     \
  do {                                                    \
    ::ion::Status ion_try_status_ = (expr);               \
    if (!ion_try_status_.is_ok()) return ion_try_status_; \
  } while (0)

// ION_TRY_ASSIGN(lhs, r): evaluates the Result expression r; on error returns its Status from the
// enclosing function, else moves the value into lhs (a new variable, `auto x`, or an existing one).
// The expression may contain commas. Expands to several statements: not for an unbraced if/else.
#define ION_TRY_ASSIGN(lhs, ...) ION_DETAIL_TRY_ASSIGN(ION_DETAIL_CONCAT(ion_try_result_, __LINE__), lhs, __VA_ARGS__)
#define ION_DETAIL_CONCAT(a, b) ION_DETAIL_CONCAT2(a, b)
#define ION_DETAIL_CONCAT2(a, b) a##b
#define ION_DETAIL_TRY_ASSIGN(tmp, lhs, ...) \
  auto tmp = (__VA_ARGS__);                  \
  if (!tmp.is_ok()) return tmp.status();     \
  lhs = std::move(tmp).value()
