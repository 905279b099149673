// SPDX-License-Identifier: Apache-2.0
#include "device/memristor.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace ion::device {

Result<Memristor> Memristor::create(std::string_view model, std::string_view preset) {
  ION_TRY_ASSIGN(auto m, model_named(model));
  ION_TRY_ASSIGN(auto p, Params::preset(*m, preset));
  return Memristor(std::move(p));
}

Status Memristor::set_state(double s) {
  const double lo = model().state_lo(p_.data()), hi = model().state_hi(p_.data());
  if (!(s >= lo && s <= hi)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: state %s = %g is outside [%g, %g]", model().name(), model().state_name(), s, lo,
                  hi);
    return error(Errc::out_of_range, buf);
  }
  s_ = s;
  return Status::ok();
}

Status Memristor::set_resistance(double r_ohm, double v_read) {
  ION_TRY_ASSIGN(auto s, model().state_for_resistance(p_.data(), r_ohm, v_read));
  return set_state(s);
}

}  // namespace ion::device
