// SPDX-License-Identifier: Apache-2.0
#pragma once
// One memristor: a model, its parameter values and its state. Convenient for the CLI, tests
// and single synapses; arrays use SimulatedCrossbar (structure of arrays) instead.
#include <string_view>

#include "core/time.hpp"
#include "device/model.hpp"

namespace ion::device {

class Memristor {
 public:
  // Model by name (aliases allowed) and preset ("" = the first). Errors name the bad input.
  static Result<Memristor> create(std::string_view model, std::string_view preset = "");
  explicit Memristor(Params p) : p_(std::move(p)), s_(p_.model().initial_state(p_.data())) {}

  Status set_param(std::string_view name, double value) { return p_.set(name, value); }
  const Params& params() const { return p_; }
  Params& params() { return p_; }
  const Model& model() const { return p_.model(); }

  double state() const { return s_; }
  // REQUIRES nothing: out-of-bounds or non-finite states are rejected with an error.
  Status set_state(double s);
  // Sets the state whose read at v_read measures r_ohm.
  Status set_resistance(double r_ohm, double v_read);

  // A rectangular pulse of v volts for `width` ns; width <= 0 does nothing.
  void apply(double v, Duration width) { apply_s(v, to_seconds(width)); }
  void apply_s(double v, double width_s) {
    if (width_s > 0) s_ = p_.model().apply(p_.data(), s_, v, width_s);
  }
  ReadOut read(double v_read) const { return p_.model().read(p_.data(), s_, v_read); }

 private:
  Params p_;
  double s_;
};

}  // namespace ion::device
