// SPDX-License-Identifier: Apache-2.0
#pragma once
// Memristor models as data + pure update functions (no per-device objects on the hot path).
// A Model describes parameters, presets, state bounds, the state update for one rectangular
// pulse and the read-out. Per-device state is one double (x, w or R, model-defined) so arrays
// store it as a plain contiguous vector (structure of arrays); parameters are passed as a
// pointer to the model's parameter block (values in params() order, SI units).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/status.hpp"

namespace ion::device {

struct ParamSpec {
  const char* name;  // as in the literature, case-sensitive ("Ap", "An")
  const char* unit;  // SI unit for docs and errors ("ohm", "V", "m/s", "1" for dimensionless)
  double lo;         // allowed closed range [lo, hi]
  double hi;
  const char* doc;
};

// The conditions a preset was fitted on, as its source reports them. Outside them the equations
// still run, but their numbers are an extrapolation no measurement supports (docs/models.md,
// "Fitted ranges"); device/fitted_range.hpp checks pulses and resistances against it.
struct FittedRange {
  bool known = false;                     // false: the source reports none; `note` says why
  double v_neg_lo = 0, v_neg_hi = 0;      // V: negative amplitudes characterised, v_neg_lo <= v <= v_neg_hi < 0
  double v_pos_lo = 0, v_pos_hi = 0;      // V: positive amplitudes characterised, 0 < v_pos_lo <= v <= v_pos_hi
  double width_lo_s = 0, width_hi_s = 0;  // pulse widths characterised
  double r_lo_ohm = 0, r_hi_ohm = 0;      // resistances the device visited, as read at v_read
  double v_read = 0;
  const char* note = "";  // where the numbers come from, or why there are none
};

struct Preset {
  const char* name;
  const char* source;          // citation
  std::vector<double> values;  // in params() order
  FittedRange fitted;
};

// A model's per-pulse constants (its `Pulse`, see PulseModel), opaque to the caller.
struct PreparedPulse {
  alignas(8) unsigned char bytes[64];
};

struct ReadOut {
  double current_a;
  double resistance_ohm;  // v / i, as an instrument measures it
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const char* name() const = 0;
  virtual const char* summary() const = 0;
  virtual const char* state_name() const = 0;  // e.g. "x", "w_m", "R_ohm"
  virtual std::span<const ParamSpec> params() const = 0;
  virtual std::span<const Preset> presets() const = 0;
  // True when apply() is an exact closed-form solution (no numerical integration).
  virtual bool closed_form() const = 0;
  // Cross-parameter constraints (single-parameter ranges are checked by Params).
  virtual Status validate(const double* p) const = 0;
  virtual double state_lo(const double* p) const = 0;
  virtual double state_hi(const double* p) const = 0;
  // The initial state a preset defines (x0, w0 or R0 parameter).
  virtual double initial_state(const double* p) const = 0;
  // State after a rectangular pulse of v volts lasting dt_s seconds.
  // REQUIRES: dt_s >= 0, s within [state_lo, state_hi]. ENSURES: result within the bounds.
  virtual double apply(const double* p, double s, double v, double dt_s) const = 0;
  // Same pulse to cells[0..n) of one state array sharing parameter block p.
  virtual void apply_many(const double* p, double* states, const uint32_t* cells, size_t n, double v,
                          double dt_s) const = 0;
  // apply() in two halves: apply_prepared(prepare_pulse(p, v, dt_s), s) == apply(p, s, v, dt_s)
  // bit for bit (the same functions, the same operations), so a caller that applies the same
  // pulse to cells of one parameter block again and again can keep the constants (exp, pow,
  // sinh of the voltage) of each pulse it uses. REQUIRES: p's values unchanged in between.
  virtual PreparedPulse prepare_pulse(const double* p, double v, double dt_s) const = 0;
  virtual double apply_prepared(const PreparedPulse& k, double s) const = 0;
  virtual ReadOut read(const double* p, double s, double v) const = 0;
  // apply_prepared, then read at v: the new state goes to *s, its resistance is returned. One
  // virtual call per plastic event instead of two; the same functions, so the same bits as
  // *s = apply_prepared(k, *s); read(p, *s, v).resistance_ohm.
  virtual double apply_prepared_read(const PreparedPulse& k, double* s, const double* p, double v) const = 0;
  // The state whose read at v_read measures r_ohm; error when no state in bounds gives r_ohm.
  virtual Result<double> state_for_resistance(const double* p, double r_ohm, double v_read) const = 0;

  // Index of a parameter by exact name, or -1.
  int param_index(std::string_view name) const;
};

// CRTP helper: a model defines `struct Pulse` (per-pulse constants), `Pulse prepare(p, v, dt_s)`
// and `double step(const Pulse&, double s)`; apply/apply_many are derived from them so the
// per-cell loop is inlined with no virtual call per cell.
inline constexpr size_t kPrefetchAhead = 16;

template <class M>
class PulseModel : public Model {
 public:
  double apply(const double* p, double s, double v, double dt_s) const override {
    const M& m = static_cast<const M&>(*this);
    return m.step(m.prepare(p, v, dt_s), s);
  }
  void apply_many(const double* p, double* states, const uint32_t* cells, size_t n, double v,
                  double dt_s) const override {
    const M& m = static_cast<const M&>(*this);
    const auto k = m.prepare(p, v, dt_s);
    for (size_t i = 0; i < n; ++i) {
      // Random cells: prefetch ahead so cache misses overlap with the (long) closed-form math.
      if (i + kPrefetchAhead < n) __builtin_prefetch(states + cells[i + kPrefetchAhead], 1);
      states[cells[i]] = m.step(k, states[cells[i]]);
    }
  }
  PreparedPulse prepare_pulse(const double* p, double v, double dt_s) const override {
    using K = decltype(static_cast<const M&>(*this).prepare(p, v, dt_s));
    static_assert(sizeof(K) <= sizeof(PreparedPulse::bytes) && alignof(K) <= alignof(PreparedPulse));
    static_assert(std::is_trivially_copyable_v<K>);
    const K k = static_cast<const M&>(*this).prepare(p, v, dt_s);
    PreparedPulse out;
    std::memcpy(out.bytes, &k, sizeof k);
    return out;
  }
  double apply_prepared(const PreparedPulse& pp, double s) const override {
    typename M::Pulse k;
    std::memcpy(&k, pp.bytes, sizeof k);
    return static_cast<const M&>(*this).step(k, s);
  }
  double apply_prepared_read(const PreparedPulse& pp, double* s, const double* p, double v) const override {
    *s = apply_prepared(pp, *s);  // M is final: both calls are direct and inlined
    return static_cast<const M&>(*this).read(p, *s, v).resistance_ohm;
  }
};

// Registry of built-in models: linear-drift, joglekar, biolek, prodromakis, vteam, yakopcic,
// compact, data-driven (aliases: strukov, southampton-compact, southampton-data-driven).
std::span<const Model* const> all_models();
const Model* find_model(std::string_view name);
// Error lists the known names.
Result<const Model*> model_named(std::string_view name);

// Parameter values of one model with by-name access and range checks.
class Params {
 public:
  // The named preset ("" = the model's first preset). Unknown preset → not_found listing presets.
  static Result<Params> preset(const Model& m, std::string_view preset_name);
  // Sets one parameter; unknown name or out-of-range value → precise error. Cross-parameter
  // constraints are checked too (the value is not changed on error).
  Status set(std::string_view name, double value);
  // "name=value" where value may carry a unit ("Ron=100ohm") or be a bare number (SI).
  Status set_from_text(std::string_view assignment);
  Result<double> get(std::string_view name) const;

  const Model& model() const { return *model_; }
  const double* data() const { return values_.data(); }
  const std::vector<double>& values() const { return values_; }
  std::size_t size() const { return values_.size(); }

 private:
  Params(const Model& m, std::vector<double> v) : model_(&m), values_(std::move(v)) {}
  Status unknown_param(std::string_view name) const;
  const Model* model_;
  std::vector<double> values_;
};

// Comma-separated names, for error messages.
std::string join_names(std::span<const char* const> names);

}  // namespace ion::device
