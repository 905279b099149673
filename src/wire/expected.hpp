// SPDX-License-Identifier: Apache-2.0
#pragma once
// Expected<T, E>: a value or a small error enum, for hot decode paths where building a Status
// string per malformed datagram would cost more than the datagram. Convert to Status at the edge.
#include <cassert>
#include <utility>
#include <variant>

namespace ion::wire {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected<E> unexpected(E e) {
  return {e};
}

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}                         // NOLINT: implicit by design
  Expected(Unexpected<E> e) : v_(std::in_place_index<1>, e.error) {}  // NOLINT
  Expected(E e) : v_(std::in_place_index<1>, e) {}                    // NOLINT

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() & {
    assert(is_ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(is_ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // REQUIRES: !is_ok().
  E error() const {
    assert(!is_ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

}  // namespace ion::wire
