// SPDX-License-Identifier: Apache-2.0
#pragma once
// The silicon site's Role for the node runtime (site/role.hpp): the runtime paces advance(now)
// in experiment time; inbound SynapticInputs go to the chip (bad ones are counted and noted);
// the chip's spikes go out through RoleHost::emit_spike.
#include <memory>
#include <string>

#include "experiment/model.hpp"
#include "site/role.hpp"
#include "site/silicon/chip.hpp"

namespace ion::silicon {

class SiliconRole final : public site::Role {
 public:
  static Result<std::unique_ptr<SiliconRole>> create(const ChipConfig& config, site::RoleHost& host);

  void advance(Time now) override { chip_->advance(now); }
  void on_input(const SynapticInput& in) override;
  Chip& chip() { return *chip_; }

 private:
  explicit SiliconRole(site::RoleHost& host) : host_(host) {}
  site::RoleHost& host_;
  std::unique_ptr<Chip> chip_;
};

// The silicon role of an experiment site: a chip of site.chip->cores cores (fan-in
// synapses_per_neuron); the experiment's neurons on this site map to chip neurons by their index
// within the site; they must use model "dpi" (parameter overrides applied per neuron);
// drives: regular / poisson / schedule (and `spontaneous`) make the neuron a pacemaker spiking
// on that train; step / ramp inject current. External inputs get efficacy 2 nA × weight (AMPA)
// so that a weight near 1 makes the neuron fire within a few ms and a weight near 0 does not.
// Errors name the site, the neuron and the problem.
Result<std::unique_ptr<site::Role>> make_silicon_role(const experiment::Experiment& e, const experiment::Site& site,
                                                      site::RoleHost& host);

}  // namespace ion::silicon
