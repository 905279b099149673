// SPDX-License-Identifier: Apache-2.0
#include "core/status.hpp"

namespace ion {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::ok:
      return "ok";
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::out_of_range:
      return "out of range";
    case Errc::not_found:
      return "not found";
    case Errc::already_exists:
      return "already exists";
    case Errc::io_error:
      return "I/O error";
    case Errc::timeout:
      return "timeout";
    case Errc::corrupt:
      return "corrupt";
    case Errc::unauthenticated:
      return "unauthenticated";
    case Errc::unavailable:
      return "unavailable";
    case Errc::internal:
      return "internal error";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(errc_name(code_)) + ": " + message_;
}

Status Status::prefixed(std::string_view context) const {
  if (is_ok()) return *this;
  return {code_, std::string(context) + message_};
}

}  // namespace ion
